"""Where the index lives (HOIBAO_INDEX_BACKEND) and what every caller does with it: build, load, read, describe.

`Location.from_settings(settings)` is the one place that reads the backend settings; `bot/` holds a
Location and calls its methods, and never learns which backend runs. Each method hands over to the one
`Backend` the settings name:

- faiss (default, `index.faiss.backend.FaissBackend`): build directories under HOIBAO_INDEX_DIR;
- qdrant (`index.qdrant.backend.QdrantBackend`): the collection behind the alias HOIBAO_QDRANT_COLLECTION
  on the server at QDRANT_URL (QDRANT_API_KEY) or in qdrant-client's embedded local mode at QDRANT_PATH.
  HOIBAO_INDEX_DIR then only keeps a build's embedding checkpoint.

Both give an `index.search.SearchIndex` to the Searcher and a `Manifest` to everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from index.errors import HoibaoError
from index.lock import writer_lock
from index.qdrant.target import Storage, Target

# Types only: importing this module stays cheap for commands that never open the index (cold start);
# `Location._backend` imports the one backend in use when it is first called.
if TYPE_CHECKING:
    from index import status as index_status
    from index.build import BuildReport
    from index.corpus import Article
    from index.embed import Embedder
    from index.manifest import Manifest
    from index.search import SearchIndex

BACKENDS = ("faiss", "qdrant")


class Backend(Protocol):
    """What every backend does for a Location (`index.faiss.backend`, `index.qdrant.backend`)."""

    name: str

    @property
    def label(self) -> str:
        """Where the index is, for messages: the directory, or the alias and the Qdrant store."""

    def read_manifest(self) -> Manifest: ...

    def load(self, expected_embedder: str | None = None) -> SearchIndex: ...

    def build(self, seeds_dir: Path, embedder: Embedder, *, max_tokens: int, index_type: str, batch_size: int,
              full: bool, progress: bool, articles: list[Article] | None, max_chars: int | None) -> BuildReport: ...

    def current_build(self) -> str | None:
        """Which build readers should serve (see `Location.current_build`)."""

    def info(self) -> dict[str, object]: ...

    def status(self, seeds_dir: Path, wanted: index_status.Wanted) -> index_status.Status: ...


class BackendSettingsError(HoibaoError):
    """The backend settings contradict each other; the message names them."""


@dataclass(frozen=True)
class Location:
    index_dir: Path = Path("var/index")
    backend: str = "faiss"
    qdrant: Target = field(default_factory=Target)

    @classmethod
    def from_settings(cls, settings) -> "Location":
        """From bot.settings.Settings (or anything with its field names)."""
        key = getattr(settings, "qdrant_api_key", None)
        target = Target(
            url=getattr(settings, "qdrant_url", "") or "",
            api_key=key.get_secret_value() if key is not None else "",
            path=getattr(settings, "qdrant_path", "") or "",
            collection=getattr(settings, "qdrant_collection", "hoibao") or "hoibao",
            storage=Storage(
                shards=getattr(settings, "qdrant_shards", 1), replicas=getattr(settings, "qdrant_replicas", 1),
                on_disk=getattr(settings, "qdrant_on_disk", False),
                quantization=getattr(settings, "qdrant_quantization", "none"),
            ),
        )
        return cls(Path(settings.index_dir), getattr(settings, "index_backend", "faiss"), target)

    def _checked(self) -> Target:
        if self.backend not in BACKENDS:
            raise BackendSettingsError(f"HOIBAO_INDEX_BACKEND={self.backend!r}: use faiss or qdrant.")
        q = self.qdrant
        if q.url and q.path:
            raise BackendSettingsError(
                "Both QDRANT_URL and QDRANT_PATH are set: QDRANT_URL for a Qdrant server or cluster, QDRANT_PATH for "
                "the embedded local mode. Unset one of them."
            )
        if not (q.url or q.path):
            raise BackendSettingsError(
                "HOIBAO_INDEX_BACKEND=qdrant needs QDRANT_URL (a Qdrant server or cluster, e.g. http://localhost:6333) "
                "or QDRANT_PATH (a directory for the embedded local mode)."
            )
        for name, value in (("HOIBAO_QDRANT_SHARDS", q.storage.shards), ("HOIBAO_QDRANT_REPLICAS", q.storage.replicas)):
            if q.path and value > 1:
                raise BackendSettingsError(
                    f"{name}={value} needs a Qdrant cluster (QDRANT_URL); the embedded store at QDRANT_PATH is one "
                    f"shard in one process. Set {name}=1 or point QDRANT_URL at a cluster."
                )
        return q

    @property
    def is_qdrant(self) -> bool:
        return self.backend == "qdrant"

    def _backend(self) -> Backend:
        """The backend the settings name (any other name than qdrant is faiss, as it always was)."""
        if self.is_qdrant:
            from index.qdrant.backend import QdrantBackend

            return QdrantBackend(self._checked(), self.index_dir)
        from index.faiss.backend import FaissBackend

        return FaissBackend(self.index_dir)

    @property
    def label(self) -> str:
        """Where the index is, for messages: the directory, or the alias and the Qdrant store."""
        return self._backend().label

    def read_manifest(self) -> Manifest:
        return self._backend().read_manifest()

    def load(self, expected_embedder: str | None = None) -> SearchIndex:
        return self._backend().load(expected_embedder)

    def build(self, seeds_dir: Path, embedder: Embedder, *, max_tokens: int = 480, index_type: str = "auto",
              batch_size: int = 32, full: bool = False, progress: bool = True,
              articles: list[Article] | None = None, max_chars: int | None = None, wait: bool = True,
              on_wait: Callable[[str], None] = lambda holder: None) -> BuildReport:
        """A full or incremental build into this location (HOIBAO_INDEX_TYPE applies to faiss only).

        One writer at a time per index directory (index.lock): another build running makes this one
        wait (`on_wait` is told who holds it), or with `wait=False` raise IndexBusy.
        """
        with writer_lock(self.index_dir, wait=wait, on_wait=on_wait):
            return self._backend().build(seeds_dir, embedder, max_tokens=max_tokens, index_type=index_type,
                                         batch_size=batch_size, full=full, progress=progress, articles=articles,
                                         max_chars=max_chars)

    def current_build(self) -> str | None:
        """Which build readers should serve, cheaply (no index read): None when there is none yet.

        faiss: the directory the `current` symlink names; qdrant: the collection the alias names and
        its state's generation (an incremental build updates a collection in place), None while an
        incremental build is writing. Compare two answers for equality only.
        """
        return self._backend().current_build()

    def info(self) -> dict[str, object]:
        """Backend and where it keeps the index (for `hoibao index info`), without loading the index."""
        return self._backend().info()

    def status(self, seeds_dir: Path, wanted: index_status.Wanted) -> index_status.Status:
        """fresh / stale / missing against the articles and the settings (`hoibao index status`)."""
        return self._backend().status(seeds_dir, wanted)


def export_to_qdrant(index_dir: Path, location: Location) -> tuple[str, Manifest]:
    """Copy the FAISS build in `index_dir` into the Qdrant store `location` names, reusing its vectors.

    Whatever HOIBAO_INDEX_BACKEND says: the source is always the FAISS directory, the target Qdrant.
    Returns the new collection (the alias now points at it) and the manifest written there.
    """
    from index.qdrant.export import export_faiss

    target = Location(location.index_dir, "qdrant", location.qdrant)._checked()
    return export_faiss(index_dir, target)
