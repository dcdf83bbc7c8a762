"""The rebuild: articles → paragraphs → chunks → vectors + BM25 → a new index, swapped in.

Incremental by default: an article whose content hash, embedder and chunking
are unchanged keeps its stored vectors; only new and changed articles are
embedded. Any failure leaves the previous index serving.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index import store
from index.chunk import chunk_paragraphs
from index.corpus import Article, LoadReport, load_articles
from index.dense import build_dense, choose_type
from index.embed import Embedder
from index.errors import HoibaoError, NoArticles
from index.lexical import LexicalIndex
from index.manifest import ArticleMeta, Chunking, Counts, DenseInfo, EmbedderInfo, Manifest, Skipped
from index.text import content_hash

CHUNKER_VERSION = 1


@dataclass
class BuildReport:
    directory: Path
    articles: int
    paragraphs: int
    chunks: int
    embedded: int
    reused: int
    seconds: float
    index_type: str
    full_reason: str = ""
    recall_at_10: float = 1.0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"Indexed {self.articles} articles, {self.paragraphs} paragraphs, {self.chunks} chunks "
            f"in {self.seconds:.1f} s ({self.embedded} embedded, {self.reused} reused; {self.index_type} index).",
            f"Index: {self.directory}",
        ]
        if self.index_type != "flat":
            lines.append(f"Approximate index recall@10 against exact search: {self.recall_at_10:.3f}")
        if self.full_reason:
            lines.insert(0, f"Full rebuild: {self.full_reason}.")
        lines += [f"Skipped {name}: {why}" for name, why in self.skipped]
        return "\n".join(lines)


def _previous(index_dir: Path) -> Manifest | None:
    try:
        return store.read_manifest(index_dir)
    except HoibaoError:
        return None


def _reusable_vectors(index_dir: Path, manifest: Manifest | None, embedder_id: str, chunking: Chunking, full: bool):
    """Old vectors per unchanged article, and why there are none when there are none."""
    if full:
        return {}, "--full was given"
    if manifest is None:
        return {}, ""
    if manifest.embedder.id != embedder_id:
        return {}, f"the embedder changed ({manifest.embedder.id} → {embedder_id})"
    if manifest.chunking != chunking:
        return {}, "the chunking parameters changed"
    try:
        article_ids, chunk_paragraph, vectors = store.load_vectors(index_dir)
    except HoibaoError as exc:
        return {}, f"the old index cannot be reused ({exc})"
    article_of = np.array(article_ids, dtype=object)[chunk_paragraph]
    # Keyed by content hash: a renamed or moved article keeps its vectors too.
    return {
        meta.hash: np.asarray(vectors[article_of == aid])
        for aid, meta in manifest.articles.items()
    }, ""


class Checkpoint:
    """Vectors embedded so far by an unfinished build, so a rerun resumes instead of restarting.

    Lives in `<index_dir>/.partial-<embedder+window>/` as numpy files (keys are
    hashes of the chunk text); removed once a build is published.
    """

    def __init__(self, index_dir: Path, embedder_id: str, window: int) -> None:
        tag = hashlib.sha1(f"{embedder_id}|{window}|{CHUNKER_VERSION}".encode()).hexdigest()[:12]
        self.directory = index_dir / f".partial-{tag}"

    def load(self) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for part in sorted(self.directory.glob("part-*.npz")):
            try:
                with np.load(part, allow_pickle=False) as data:
                    found.update(zip(data["keys"].tolist(), data["vectors"]))
            except (OSError, ValueError, KeyError):
                continue  # a part cut short by the interruption: embed it again
        return found

    def save(self, keys: list[str], vectors: np.ndarray) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        n = len(list(self.directory.glob("part-*.npz")))
        tmp = self.directory / f"tmp-{n:06d}.npz"
        np.savez(tmp, keys=np.array(keys), vectors=vectors)
        tmp.rename(self.directory / f"part-{n:06d}.npz")

    def clear(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


# Batches per checkpoint part: small enough to lose little, large enough to stay cheap.
CHECKPOINT_EVERY = 8


def _embed(embedder: Embedder, texts: list[str], batch_size: int, progress: bool, checkpoint: Checkpoint | None = None) -> np.ndarray:
    """Passage vectors for `texts`, in batches, resuming from `checkpoint` when given."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    keys = [content_hash(t) for t in texts]
    done = checkpoint.load() if checkpoint else {}
    todo = [i for i, k in enumerate(keys) if k not in done]
    for i, k in enumerate(keys):
        if k in done:
            out[i] = done[k]
    bar = None
    if progress and len(todo) > batch_size:
        from tqdm import tqdm

        bar = tqdm(total=len(texts), initial=len(texts) - len(todo), unit="chunk", desc="Embedding", file=sys.stderr)
    pending_keys: list[str] = []
    pending: list[np.ndarray] = []
    for n, start in enumerate(range(0, len(todo), batch_size), start=1):
        rows = todo[start : start + batch_size]
        vectors = embedder.embed_passages([texts[i] for i in rows])
        out[rows] = vectors
        if checkpoint:
            pending_keys += [keys[i] for i in rows]
            pending.append(vectors)
            if n % CHECKPOINT_EVERY == 0:
                checkpoint.save(pending_keys, np.vstack(pending))
                pending_keys, pending = [], []
        if bar:
            bar.update(len(rows))
    if checkpoint and pending:
        checkpoint.save(pending_keys, np.vstack(pending))
    if bar:
        bar.close()
    return out


def build_index(
    seeds_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    max_tokens: int = 480,
    index_type: str = "auto",
    batch_size: int = 32,
    full: bool = False,
    progress: bool = True,
    articles: list[Article] | None = None,
) -> BuildReport:
    """Build (or incrementally rebuild) the index and swap it in; returns what was done.

    `articles` replaces reading `seeds_dir` (evaluation sets arrive already split).
    """
    started = time.perf_counter()
    loaded = LoadReport(articles=articles) if articles is not None else load_articles(seeds_dir)
    if not loaded.articles:
        raise NoArticles(seeds_dir, loaded.skipped)
    window = min(max_tokens, embedder.max_tokens)
    chunking = Chunking(max_tokens=window, chunker=CHUNKER_VERSION)
    previous = _previous(index_dir)
    reusable, full_reason = _reusable_vectors(index_dir, previous, embedder.id, chunking, full)

    paragraphs, vectors_by_chunk, to_embed, chunk_paragraph = [], [], [], []
    for article in loaded.articles:
        base = len(paragraphs)
        paragraphs.extend(article.paragraphs)
        chunks = chunk_paragraphs([p.text for p in article.paragraphs], window, embedder.count_tokens)
        old_vectors = reusable.get(article.content_hash)
        reuse = old_vectors is not None and len(old_vectors) == len(chunks)
        for i, chunk in enumerate(chunks):
            chunk_paragraph.append(base + chunk.paragraph)
            if reuse:
                vectors_by_chunk.append(old_vectors[i])
            else:
                vectors_by_chunk.append(None)
                to_embed.append((len(vectors_by_chunk) - 1, chunk.text))

    checkpoint = Checkpoint(index_dir, embedder.id, window)
    fresh = _embed(embedder, [text for _, text in to_embed], batch_size, progress, checkpoint)
    for (row, _), vector in zip(to_embed, fresh):
        vectors_by_chunk[row] = vector
    vectors = np.vstack(vectors_by_chunk).astype(np.float32) if vectors_by_chunk else np.zeros((0, embedder.dim), np.float32)

    chosen = choose_type(len(vectors), index_type)
    dense = build_dense(vectors, chosen)
    recall = dense.recall_at_k(vectors)
    manifest = Manifest(
        format_version=store.FORMAT_VERSION,
        embedder=EmbedderInfo(embedder.id, embedder.dim),
        chunking=chunking,
        dense=DenseInfo(chosen, round(recall, 4)),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        counts=Counts(len(loaded.articles), len(paragraphs), len(vectors)),
        articles={
            a.article_id: ArticleMeta(a.source, a.title, a.content_hash, len(a.paragraphs), a.author, a.date, a.url)
            for a in loaded.articles
        },
        skipped=tuple(Skipped(name, why) for name, why in loaded.skipped),
        lexical={"terms": "folded syllables + syllable bigrams", "bm25": "k1=1.2 b=0.75"},
    )
    build_dir = store.new_build_dir(index_dir)
    try:
        store.write_files(
            build_dir, manifest, paragraphs, np.array(chunk_paragraph, dtype=np.int32), vectors,
            dense, LexicalIndex.build([p.text for p in paragraphs]),
        )
        final = store.publish(build_dir, index_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    checkpoint.clear()
    return BuildReport(
        directory=final, articles=len(loaded.articles), paragraphs=len(paragraphs), chunks=len(vectors),
        embedded=len(to_embed), reused=len(vectors) - len(to_embed), seconds=time.perf_counter() - started,
        index_type=chosen, full_reason=full_reason if previous else "", skipped=loaded.skipped,
        recall_at_10=recall,
    )
