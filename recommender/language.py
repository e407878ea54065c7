"""Language detection and which languages each embedding model understands."""

from __future__ import annotations

# Languages Google's multilingual USE v3 was trained on (zh covers zh-TW too).
USE_MULTILINGUAL_LANGUAGES = frozenset("ar de en es fr it ja ko nl pl pt ru th tr zh".split())


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language (py3langid ships its model; no network)."""
    if not text.strip():
        return ""
    import py3langid  # lazy: loading its model costs ~0.5 s

    language, _ = py3langid.classify(text)
    return str(language)
