"""Language detection and which languages each embedding model understands."""

from __future__ import annotations

# Languages Google's multilingual USE v3 was trained on (zh covers zh-TW too).
USE_MULTILINGUAL_LANGUAGES = frozenset("ar de en es fr it ja ko nl pl pt ru th tr zh".split())


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or "" (py3langid ships its model; no network)."""
    if not text.strip():
        return ""
    import py3langid  # lazy: loading its model costs ~0.5 s

    language, _ = py3langid.classify(text)
    # The profile schema speaks ISO 639-1; the model also knows a few languages that only
    # have three-letter codes (e.g. 'gug'): those count as unknown.
    return str(language) if len(str(language)) == 2 else ""
