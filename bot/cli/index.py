"""`hoibao index build|info|status|export`: building the index, what it is and where it lives, and moving it.

The backend is whatever index/backend.py says; the embedder is loaded only by `build`.
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.settings import Settings
from index.backend import Location, export_to_qdrant


def _storage_line(storage: dict) -> str:
    if storage["backend"] == "faiss":
        return "faiss (the files above)"
    where = f"QDRANT_URL={storage['url']}" if "url" in storage else f"QDRANT_PATH={storage['path']}"
    return (f"qdrant ({where}): alias {storage['alias']} → collection {storage['collection']}, "
            f"{storage['points']:,} points ({storage['chunk_points']:,} chunks)")


def build(settings: Settings, args: argparse.Namespace) -> int:
    from bot.service import build_from_settings, embedder_from_settings
    from index.errors import BuildInterrupted

    try:
        # A second `index build` says who holds the index instead of doing all the work again.
        report = build_from_settings(settings, embedder_from_settings(settings), full=args.full,
                                     progress=sys.stderr.isatty(), wait=False)
    except BuildInterrupted as exc:
        print(f"hoibao: {exc}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("hoibao: interrupted before the build started; the index was not changed.", file=sys.stderr)
        return 130
    print(report.summary())
    return 0


def wanted(settings: Settings):
    """What an index built now with these settings would be: the embedder, chunking and type."""
    from index.embed import embedder_id, known_window
    from index.status import Wanted

    backend = settings.embedding_backend
    return Wanted(embedder_id(backend, settings.embedding_model), settings.chunk_max_tokens,
                  settings.index_type, known_window(backend))


def status(settings: Settings, args: argparse.Namespace) -> int:
    """fresh / stale / missing against the articles and the settings; the exit code says which."""
    found = Location.from_settings(settings).status(settings.seeds_dir, wanted(settings))
    print(json.dumps(found.to_json(), ensure_ascii=False, indent=2) if args.json else found.text())
    return found.exit_code


def info(settings: Settings, args: argparse.Namespace) -> int:
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


def export(settings: Settings, args: argparse.Namespace) -> int:
    """Copy the FAISS index in --index-dir into Qdrant (QDRANT_URL or QDRANT_PATH), reusing its vectors."""
    location = Location.from_settings(settings)
    name, manifest = export_to_qdrant(settings.index_dir, location)
    target = Location(location.index_dir, "qdrant", location.qdrant)
    print(f"Copied {manifest.counts.summary()} from {settings.index_dir} into {target.label}: "
          f"alias {location.qdrant.collection} → {name} (vectors reused, nothing embedded).")
    if not location.is_qdrant:
        print("The bots still answer from the FAISS files: set HOIBAO_INDEX_BACKEND=qdrant to answer from Qdrant.")
    return 0
