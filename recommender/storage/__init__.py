"""Storage: the relational database is the source of truth for profiles, leads and tokens."""

from .database import connect, migrate
from .profiles import ImportCounts, Store, content_hash

__all__ = ["ImportCounts", "Store", "connect", "content_hash", "migrate"]
