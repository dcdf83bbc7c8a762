"""Where the Qdrant index lives and how a build lays its collections out: plain values, read from the settings.

Apart from the engine (`index.qdrant.engine`) and the errors (`index.qdrant.errors`), which both name a
`Target`, so that neither has to import the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index import redact

QUANTIZATIONS = ("none", "int8")


@dataclass(frozen=True)
class Storage:
    """How a build lays a new collection out on a cluster (HOIBAO_QDRANT_SHARDS, _REPLICAS, _ON_DISK, _QUANTIZATION).

    Read when a full build creates a collection; a collection keeps the layout it was created with.
    """

    shards: int = 1  # shard_number
    replicas: int = 1  # replication_factor
    on_disk: bool = False  # original dense vectors on disk (memory-mapped) instead of in RAM
    quantization: str = "none"  # none, or int8: scalar quantisation kept in RAM, searches rescore with originals

    @property
    def quantized(self) -> bool:
        return self.quantization == "int8"


@dataclass(frozen=True)
class Target:
    """Where the Qdrant index lives: a server (url, api_key) or an embedded store (path), and the alias."""

    url: str = ""
    api_key: str = field(default="", repr=False)
    path: str = ""
    collection: str = "hoibao"  # HOIBAO_QDRANT_COLLECTION: the alias bots read through
    storage: Storage = field(default_factory=Storage)  # for the collections a full build creates

    @property
    def where(self) -> str:
        """The setting that points at the store, for messages."""
        return f"QDRANT_URL={self.shown_url}" if self.url else f"QDRANT_PATH={self.path}"

    @property
    def shown_url(self) -> str:
        """The server's URL without the credentials it may carry (http://user:password@host)."""
        return redact.url(self.url)
