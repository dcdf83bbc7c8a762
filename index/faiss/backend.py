"""The FAISS backend behind `index.backend.Location`: build directories under HOIBAO_INDEX_DIR."""

from __future__ import annotations

from pathlib import Path

from index import status as index_status
from index.build import BuildReport
from index.corpus import load_articles
from index.embed import Embedder
from index.errors import IndexCorrupt, IndexNotBuilt
from index.faiss import store
from index.faiss.build import build_faiss
from index.manifest import Manifest
from index.search import SearchIndex


class FaissBackend:
    name = "faiss"

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir

    @property
    def label(self) -> str:
        return str(self.index_dir)

    def read_manifest(self) -> Manifest:
        return store.read_manifest(self.index_dir)

    def load(self, expected_embedder: str | None = None) -> SearchIndex:
        return store.load(self.index_dir, expected_embedder=expected_embedder)

    def build(self, seeds_dir: Path, embedder: Embedder, **options) -> BuildReport:
        return build_faiss(seeds_dir, self.index_dir, embedder, **options)

    def current_build(self) -> str | None:
        """The directory the `current` symlink names."""
        build = store.current_build(self.index_dir)
        return build.name if build else None

    def info(self) -> dict[str, object]:
        build = store.current_build(self.index_dir)
        return {"backend": "faiss", "directory": str(build) if build else None}

    def status(self, seeds_dir: Path, wanted: index_status.Wanted) -> index_status.Status:
        """Read the manifest and the articles folder, then compare; SeedsNotFound when the folder is not there."""
        try:
            manifest = self.read_manifest()
        except (IndexNotBuilt, IndexCorrupt) as exc:
            return index_status.Status(index_status.MISSING, str(exc))
        return index_status.compare(manifest, load_articles(seeds_dir), wanted, self.index_dir, seeds_dir)
