"""`hoibao index info` and `hoibao index export`: what the index is and where it lives, and moving it.

Called from bot/cli/main.py with the command's settings; the backend is whatever index/backend.py says.
"""

from __future__ import annotations

import argparse
import json

from bot.settings import Settings
from index.backend import Location, export_to_qdrant


def _storage_line(storage: dict) -> str:
    if storage["backend"] == "faiss":
        return "faiss (the files above)"
    where = f"QDRANT_URL={storage['url']}" if "url" in storage else f"QDRANT_PATH={storage['path']}"
    return (f"qdrant ({where}): alias {storage['alias']} → collection {storage['collection']}, "
            f"{storage['points']:,} points ({storage['chunk_points']:,} chunks)")


def index_info(settings: Settings, args: argparse.Namespace) -> int:
    location = Location.from_settings(settings)
    manifest = location.read_manifest()
    storage = location.info()
    if args.json:
        # The manifest as before, plus where the index lives (fields are only ever added).
        print(json.dumps({**manifest.to_json(), "storage": storage}, ensure_ascii=False, indent=2))
        return 0
    if storage["backend"] == "faiss":
        print(f"Index:     {storage['directory']}")
    print(f"Backend:   {_storage_line(storage)}")
    print(f"Built:     {manifest.built_at}")
    print(f"Embedder:  {manifest.embedder.id} ({manifest.embedder.dim} dims)")
    print(f"Dense:     {manifest.dense.type}; chunks up to {manifest.chunking.max_tokens} tokens")
    print(f"Contents:  {manifest.counts.summary()}")
    for meta in manifest.articles.values():
        print(f"  - {meta.source}: {meta.title} ({meta.paragraphs} paragraphs)")
    for skipped in manifest.skipped:
        print(f"  ! skipped {skipped.file}: {skipped.reason}")
    return 0


def index_export(settings: Settings, args: argparse.Namespace) -> int:
    """Copy the FAISS index in --index-dir into Qdrant (QDRANT_URL or QDRANT_PATH), reusing its vectors."""
    location = Location.from_settings(settings)
    name, manifest = export_to_qdrant(settings.index_dir, location)
    target = Location(location.index_dir, "qdrant", location.qdrant)
    print(f"Copied {manifest.counts.summary()} from {settings.index_dir} into {target.label}: "
          f"alias {location.qdrant.collection} → {name} (vectors reused, nothing embedded).")
    if not location.is_qdrant:
        print("The bots still answer from the FAISS files: set HOIBAO_INDEX_BACKEND=qdrant to answer from Qdrant.")
    return 0
