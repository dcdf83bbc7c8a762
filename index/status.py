"""Does the index match the articles and the settings? fresh / stale / missing, and why.

`hoibao index status` and the container's start-up check ask this. "Fresh" means
a build now would record the same manifest (build time aside): the same files
with the same content hashes (computed by the build's own `read_article`, so a
UTF-16 article hashes as the build hashed it), the same embedder id, chunking,
index format and dense kind. Nothing here loads a model: the caller passes what
the settings ask for as plain values (`Wanted`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from index.chunk import CHUNKER_VERSION
from index.corpus import LoadReport
from index.manifest import FORMAT_VERSION, KINDS, Manifest, choose_type

FRESH, STALE, MISSING = "fresh", "stale", "missing"
# 2 is every `hoibao` error (a `hoibao:` line on stderr says which): status unknown.
EXIT_CODES = {FRESH: 0, STALE: 1, MISSING: 3}


@dataclass(frozen=True)
class Wanted:
    """What a build with the current settings would record, known without loading the model."""

    embedder_id: str  # index.embed.embedder_id(HOIBAO_EMBEDDING_BACKEND, HOIBAO_EMBEDDING_MODEL)
    max_tokens: int  # HOIBAO_CHUNK_MAX_TOKENS
    index_type: str = "auto"  # HOIBAO_INDEX_TYPE
    model_window: int | None = None  # the model's own window when known (index.embed.known_window)


@dataclass(frozen=True)
class Status:
    state: str  # fresh | stale | missing
    summary: str
    reasons: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.state]

    def text(self) -> str:
        return "\n".join([f"{self.state}: {self.summary}"] + [f"  - {reason}" for reason in self.reasons])

    def to_json(self) -> dict:
        return {**asdict(self), "exit_code": self.exit_code}


def _named(names: list[str], skipped_now: dict[str, str], skipped_then: set[str]) -> str:
    """File names, with a word on those that are (or were) not indexed."""

    def note(name: str) -> str:
        if name in skipped_now:
            return f"{name} (not indexed: {skipped_now[name]})"
        return f"{name} (was not indexed)" if name in skipped_then else name

    return ", ".join(note(name) for name in names)


def file_changes(manifest: Manifest, seeds: LoadReport) -> tuple[list[str], list[str], list[str]]:
    """Files added, changed and removed since the build, by name; skipped files count too,
    since the manifest lists them (`hoibao index info` shows why they were skipped)."""
    built = {meta.source: meta.hash for meta in manifest.articles.values()}
    built.update({s.file: "" for s in manifest.skipped})
    now = {article.source: article.content_hash for article in seeds.articles}
    now.update({name: "" for name, _ in seeds.skipped})
    added = sorted(set(now) - set(built))
    removed = sorted(set(built) - set(now))
    changed = sorted(name for name in set(now) & set(built) if now[name] != built[name])
    return added, changed, removed


def files_unchanged(manifest: Manifest, seeds_dir: Path) -> bool:
    """True when every file of the folder is the one the build read (names, and each article's bytes hashed):
    what `hoibao ask` checks before answering, without parsing the articles. False may still be fresh
    (a UTF-16 article hashes as converted): `compare` is the full check."""
    from index.corpus import article_files
    from index.text import content_hash

    built = {meta.source: meta.hash for meta in manifest.articles.values()}
    skipped = {s.file for s in manifest.skipped}
    files, others = article_files(seeds_dir)
    if {p.name for p in files} | {name for name, _ in others} != set(built) | skipped:
        return False
    try:
        return all(path.name not in built or content_hash(path.read_bytes()) == built[path.name] for path in files)
    except OSError:
        return False


def setting_changes(manifest: Manifest, wanted: Wanted, articles_unchanged: bool) -> list[str]:
    """Why the embedder, chunking, format or dense kind of the build differs from what the settings ask."""
    reasons = []
    built_with = manifest.embedder.id
    if built_with != wanted.embedder_id:
        reasons.append(
            f"embedder: built with {built_with}, configured {wanted.embedder_id} "
            "(HOIBAO_EMBEDDING_BACKEND / HOIBAO_EMBEDDING_MODEL); every article is embedded again"
        )
    else:
        stored = manifest.chunking.max_tokens
        # A build cuts at min(setting, the model's window). Where the model's window is not
        # known (older manifests, sentence-transformers), a stored window below the setting
        # is taken to be the model's own.
        expected = min(wanted.max_tokens, manifest.embedder.max_tokens or wanted.model_window or stored)
        if stored != expected:
            reasons.append(f"chunking: built with chunks of up to {stored} tokens, "
                           f"HOIBAO_CHUNK_MAX_TOKENS={wanted.max_tokens} gives {expected}")
    if manifest.chunking.chunker != CHUNKER_VERSION:
        reasons.append(f"chunking: built by chunker version {manifest.chunking.chunker}, "
                       f"this hoibao chunks with version {CHUNKER_VERSION}")
    if manifest.format_version != FORMAT_VERSION:
        reasons.append(f"format: index format {manifest.format_version}, this hoibao reads format {FORMAT_VERSION}")
    kind = choose_type(manifest.counts.chunks, wanted.index_type)
    # HOIBAO_INDEX_TYPE chooses among FAISS kinds; a Qdrant build (dense type qdrant-hnsw) has its own HNSW.
    if articles_unchanged and manifest.dense.type in KINDS and kind != manifest.dense.type:
        reasons.append(f"dense index: built {manifest.dense.type}, HOIBAO_INDEX_TYPE={wanted.index_type} gives {kind}")
    return reasons


def compare(manifest: Manifest, seeds: LoadReport, wanted: Wanted, index_dir: Path | str, seeds_dir: Path) -> Status:
    """The status of a readable index against the articles a build would read now (`index_dir`: where it is)."""
    added, changed, removed = file_changes(manifest, seeds)
    skipped_now, skipped_then = dict(seeds.skipped), {s.file for s in manifest.skipped}
    reasons = [f"{what}: {_named(names, skipped_now, skipped_then)}" for what, names in
               (("added", added), ("changed", changed), ("removed", removed)) if names]
    reasons += setting_changes(manifest, wanted, not (added or changed or removed))
    if not reasons:
        return Status(FRESH, f"{index_dir} matches {seeds_dir} ({manifest.counts.summary()}; {manifest.embedder.id})")
    summary = f"{index_dir} does not match {seeds_dir} and the settings; `hoibao index build` updates it"
    return Status(STALE, summary, tuple(reasons), tuple(added), tuple(changed), tuple(removed))
