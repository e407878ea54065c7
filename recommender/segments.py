"""Market segments: the shipped taxonomy and each profile's segments by zero-shot assignment.

A profile's segments come from comparing its embedding with every segment's short
descriptions (`segments.yaml`): the similarity to a segment is that of its closest
description, and a softmax over segments turns similarities into confidences. No labelled
profiles are needed, and the multilingual model places a French or Chinese profile as well as
an English one. An advisor's correction of a profile's segments wins over the assignment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from .errors import Problem, ValidationError

TAXONOMY_FILE = Path(__file__).with_name("segments.yaml")
#: Softmax temperature over cosine similarities. Cross-validated on the bundled judgment
#: sets (0.005-0.05 moved nDCG@10 by under 0.02); what matters is that the closest segments
#: share the mass instead of one taking it all.
TEMPERATURE = 0.02
#: Segments listed for a profile: the best ones holding at least this confidence.
SHOWN_CONFIDENCE = 0.15
SHOWN_MAX = 3


@dataclass(frozen=True)
class Segment:
    """One market segment (or a look-alike neighbour outside smart mobility)."""

    id: str
    label: str
    mobility: bool
    descriptions: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    """The shipped segments, in file order."""

    version: int
    segments: tuple[Segment, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.segments)

    @property
    def mobility(self) -> np.ndarray:
        """True per segment that is smart mobility (False for look-alikes)."""
        return np.array([s.mobility for s in self.segments], dtype=bool)

    def label(self, segment_id: str) -> str:
        return self.segments[self.ids.index(segment_id)].label

    def check(self, segment_ids: Sequence[str], source: str = "segments") -> tuple[str, ...]:
        """The ids, validated: an unknown one is a ValidationError naming the valid ones."""
        unknown = [s for s in segment_ids if s not in self.ids]
        if unknown:
            reason = f"unknown segment(s) {', '.join(unknown)}; known: {', '.join(self.ids)}"
            raise ValidationError([Problem(source, None, "segments", reason)])
        return tuple(dict.fromkeys(segment_ids))


@lru_cache
def load_taxonomy(path: Path = TAXONOMY_FILE) -> Taxonomy:
    """The taxonomy shipped with the package."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    segments = tuple(
        Segment(
            id=str(item["id"]),
            label=str(item["label"]),
            mobility=bool(item.get("mobility", True)),
            descriptions=tuple(str(d) for d in item["descriptions"]),
        )
        for item in raw["segments"]
    )
    return Taxonomy(int(raw["version"]), segments)


def description_owners(taxonomy: Taxonomy) -> tuple[list[str], np.ndarray]:
    """Every description, flattened, and the segment position each belongs to."""
    texts = [d for s in taxonomy.segments for d in s.descriptions]
    owners = np.repeat(
        np.arange(len(taxonomy.segments)), [len(s.descriptions) for s in taxonomy.segments]
    )
    return texts, owners


def similarities(
    vectors: np.ndarray, description_vectors: np.ndarray, owners: np.ndarray, n_segments: int
) -> np.ndarray:
    """Cosine of each profile to each segment's closest description: (profiles, segments)."""
    # float64: every process (a Ray worker too) must round to the same confidences.
    scores = np.asarray(vectors, np.float64) @ np.asarray(description_vectors, np.float64).T
    # Descriptions are grouped by segment (description_owners): one reduceat per profile row.
    starts = np.searchsorted(owners, np.arange(n_segments))
    if not len(scores):
        return np.zeros((0, n_segments), dtype=np.float32)
    return np.maximum.reduceat(scores, starts, axis=1)


def confidences(similarity: np.ndarray, temperature: float = TEMPERATURE) -> np.ndarray:
    """Softmax over segments, per profile (rows sum to 1)."""
    if not similarity.size:
        return similarity.astype(np.float32)
    similarity = np.asarray(similarity, np.float64)
    logits = (similarity - similarity.max(axis=1, keepdims=True)) / temperature
    weights = np.exp(logits)
    return (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)


def apply_corrections(
    confidence: np.ndarray,
    ids: Sequence[str],
    corrections: Mapping[str, Sequence[str]],
    taxonomy: Taxonomy,
) -> np.ndarray:
    """Rows of corrected profiles replaced by their chosen segments, sharing the mass."""
    if not corrections:
        return confidence
    out = confidence.copy()
    position = {s: i for i, s in enumerate(taxonomy.ids)}
    row = {profile_id: i for i, profile_id in enumerate(ids)}
    for profile_id, chosen in corrections.items():
        columns = [position[s] for s in chosen if s in position]
        if profile_id in row and columns:
            out[row[profile_id]] = 0.0
            out[row[profile_id], columns] = 1.0 / len(columns)
    return out


def top_segments(
    confidence_row: np.ndarray, taxonomy: Taxonomy, limit: int = SHOWN_MAX
) -> list[tuple[str, float]]:
    """A profile's main segments with their confidences, best first."""
    order = np.argsort(-confidence_row, kind="stable")[:limit]
    picked = [
        (taxonomy.ids[i], float(confidence_row[i]))
        for i in order
        if confidence_row[i] >= SHOWN_CONFIDENCE
    ]
    return picked or [(taxonomy.ids[int(order[0])], float(confidence_row[order[0]]))]


def shared_segment(
    query_row: np.ndarray, target_row: np.ndarray, taxonomy: Taxonomy, floor: float = 0.1
) -> str | None:
    """The segment both profiles hold most of, when both hold a real share of it."""
    joint = np.minimum(query_row, target_row)
    best = int(np.argmax(joint)) if joint.size else 0
    if not joint.size or joint[best] < floor or not taxonomy.mobility[best]:
        return None
    return taxonomy.ids[best]
