"""Why a lead was suggested: the closest sentence, the shared terms, the structured reasons."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])|\n+")


@dataclass(frozen=True)
class Explanation:
    """Human-readable evidence for one lead."""

    matched_sentence: str
    sentence_similarity: float
    shared_terms: tuple[str, ...]
    reasons: tuple[str, ...]


def split_sentences(text: str) -> list[str]:
    """Sentences of a profile description, in Latin or CJK punctuation."""
    parts = [p.strip() for p in _SENTENCE_END.split(text)]
    return [p for p in parts if len(p) > 2] or [text.strip()]


def closest_sentence(
    query_vector: np.ndarray, sentences: list[str], sentence_vectors: np.ndarray
) -> tuple[str, float]:
    """The sentence whose embedding is closest to the query, and its cosine."""
    scores = sentence_vectors @ query_vector
    best = int(np.argmax(scores))
    return sentences[best], float(scores[best])


def shared_terms(
    query_terms: np.ndarray, document_weights: np.ndarray, vocabulary: np.ndarray, limit: int = 6
) -> tuple[str, ...]:
    """Terms present in both texts, the most distinctive first (by BM25 weight)."""
    weights = np.where(query_terms > 0, document_weights, 0.0)
    order = np.argsort(-weights, kind="stable")[:limit]
    return tuple(str(vocabulary[i]) for i in order if weights[i] > 0)


_WORD = re.compile(r"\w+", re.UNICODE)


def highlight(sentence: str, terms: tuple[str, ...] | list[str]) -> list[tuple[str, bool]]:
    """Split a sentence into (text, is_shared_term) pieces, for display with highlights."""
    from .lexical import analyze

    wanted = set(terms)
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in _WORD.finditer(sentence):
        word = match.group(0)
        if any(term in wanted for term in analyze(word)):
            if match.start() > last:
                pieces.append((sentence[last : match.start()], False))
            pieces.append((word, True))
            last = match.end()
    if last < len(sentence):
        pieces.append((sentence[last:], False))
    return pieces
