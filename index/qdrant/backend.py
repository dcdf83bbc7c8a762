"""The Qdrant backend behind `index.backend.Location`: the collection behind an alias, on a server or in
qdrant-client's embedded local mode. HOIBAO_INDEX_DIR only keeps a build's embedding checkpoint."""

from __future__ import annotations

from pathlib import Path

from index import status as index_status
from index.build import BuildReport
from index.corpus import load_articles
from index.embed import Embedder
from index.manifest import Manifest
from index.qdrant import store
from index.qdrant.build import build_qdrant
from index.qdrant.target import Target
from index.search import SearchIndex


class QdrantBackend:
    name = "qdrant"

    def __init__(self, target: Target, index_dir: Path) -> None:
        self.target, self.index_dir = target, index_dir

    @property
    def label(self) -> str:
        return f"Qdrant collection {self.target.collection} ({self.target.where})"

    def read_manifest(self) -> Manifest:
        return store.read_manifest(self.target)

    def load(self, expected_embedder: str | None = None) -> SearchIndex:
        return store.load(self.target, expected_embedder)

    def build(self, seeds_dir: Path, embedder: Embedder, *, index_type: str = "auto", **options) -> BuildReport:
        """`index_type` (HOIBAO_INDEX_TYPE) is FAISS's: a collection is always HNSW."""
        return build_qdrant(self.target, seeds_dir, self.index_dir, embedder, **options)

    def current_build(self) -> str | None:
        """The collection the alias names and its state's generation; None while an incremental build writes."""
        return store.current_build(self.target)

    def info(self) -> dict[str, object]:
        return store.info(self.target)

    def status(self, seeds_dir: Path, wanted: index_status.Wanted) -> index_status.Status:
        try:
            manifest = self.read_manifest()
        except (store.QdrantNotBuilt, store.QdrantHalfBuilt) as exc:
            return index_status.Status(index_status.MISSING, str(exc))
        return index_status.compare(manifest, load_articles(seeds_dir), wanted, self.label, seeds_dir)
