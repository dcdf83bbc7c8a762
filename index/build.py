"""The backend-neutral build plan: articles → paragraphs → chunks → what to embed, and the manifest.

Both backends build through it (`index.faiss.build`, `index.qdrant.build`): the same articles,
chunking, reused vectors and manifest whatever holds the index. Incremental by default: an article
whose content hash, embedder and chunking are unchanged keeps its stored vectors; only new and
changed articles are embedded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.checkpoint import Checkpoint, embed_resuming
from index.chunk import CHUNKER_VERSION, chunk_paragraphs
from index.corpus import Article, LoadReport, Paragraph, load_articles
from index.embed import Embedder
from index.errors import NoArticles
from index.manifest import FORMAT_VERSION, ArticleMeta, Chunking, Counts, DenseInfo, EmbedderInfo, Manifest, Skipped


@dataclass
class BuildReport:
    directory: Path | str  # the build directory (faiss) or the collection (qdrant)
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
    resumed: int = 0  # of `reused`: vectors an interrupted build had embedded
    notes: list[str] = field(default_factory=list)  # what else the backend did (index.qdrant.full, .incremental)

    def summary(self) -> str:
        lines = [
            f"Indexed {Counts(self.articles, self.paragraphs, self.chunks).summary()} "
            f"in {self.seconds:.1f} s ({self.embedded} embedded, {self.reused} reused; {self.index_type} index).",
            f"Index: {self.directory}",
        ]
        if self.resumed:
            lines.append(f"Resumed an interrupted build: {self.resumed} of the reused vectors were embedded by it.")
        if self.index_type in ("hnsw", "ivfpq"):
            lines.append(f"Approximate index recall@10 against exact search: {self.recall_at_10:.3f}")
        if self.full_reason:
            lines.insert(0, f"Full rebuild: {self.full_reason}.")
        lines += self.notes
        lines += [f"Skipped {name}: {why}" for name, why in self.skipped]
        return "\n".join(lines)


@dataclass(frozen=True)
class Kept:
    """An unchanged article's vectors, and which of its paragraphs each chunk came from (chunking it again,
    token counts and all, cost 6 of the 16 s an incremental build of 10,000 paragraphs took)."""

    vectors: np.ndarray
    chunk_paragraph: np.ndarray  # the article's own paragraph numbering, from 0
    paragraphs: int

    def fits(self, article: Article) -> bool:
        return self.paragraphs == len(article.paragraphs) and len(self.vectors) == len(self.chunk_paragraph) > 0


@dataclass
class Plan:
    """The new index before embedding: paragraph table, chunk → paragraph, reused vectors, what to embed."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    chunk_paragraph: list[int] = field(default_factory=list)
    vectors: list = field(default_factory=list)  # per chunk: a reused vector, or None until embedded
    to_embed: list[tuple[int, str]] = field(default_factory=list)  # (chunk row, text)


def plan_build(articles: list[Article], window: int, embedder: Embedder,
               reusable: dict[str, np.ndarray | Kept]) -> Plan:
    """The new index before embedding: `articles` chunked to `window` tokens, reusing what `reusable` holds.

    `reusable`: old vectors by content hash (Qdrant), or `Kept` (FAISS), whose chunking is reused as well.
    """
    plan = Plan()
    for article in articles:
        base = len(plan.paragraphs)
        plan.paragraphs.extend(article.paragraphs)
        kept = reusable.get(article.content_hash)
        if isinstance(kept, Kept) and kept.fits(article):
            plan.chunk_paragraph.extend((base + kept.chunk_paragraph).tolist())
            plan.vectors.extend(kept.vectors)
            continue
        if isinstance(kept, Kept):
            reusable = {**reusable, article.content_hash: kept.vectors}
        chunks = chunk_paragraphs([p.text for p in article.paragraphs], window, embedder.count_tokens)
        old_vectors = reusable.get(article.content_hash)
        reuse = old_vectors is not None and len(old_vectors) == len(chunks)
        for i, chunk in enumerate(chunks):
            plan.chunk_paragraph.append(base + chunk.paragraph)
            if reuse:
                plan.vectors.append(old_vectors[i])
            else:
                plan.vectors.append(None)
                plan.to_embed.append((len(plan.vectors) - 1, chunk.text))
    return plan


LEXICAL = {"terms": "folded syllables + syllable bigrams", "bm25": "k1=1.2 b=0.75"}


def make_manifest(loaded: LoadReport, embedder: Embedder, chunking: Chunking, dense: DenseInfo, paragraphs: int,
                  chunks: int, lexical: dict[str, str] | None = None) -> Manifest:
    """The manifest of a build of `loaded` (every backend records the same one)."""
    return Manifest(
        format_version=FORMAT_VERSION,
        embedder=EmbedderInfo(embedder.id, embedder.dim, embedder.max_tokens),
        chunking=chunking,
        dense=dense,
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        counts=Counts(len(loaded.articles), paragraphs, chunks),
        articles={
            a.article_id: ArticleMeta(a.source, a.title, a.content_hash, len(a.paragraphs), a.author, a.date, a.url)
            for a in loaded.articles
        },
        skipped=tuple(Skipped(name, why) for name, why in loaded.skipped),
        lexical={**LEXICAL, **(lexical or {})},
    )


def reuse_reason(manifest: Manifest | None, embedder_id: str, chunking: Chunking, full: bool) -> str | None:
    """Why a build cannot reuse the previous one's vectors ("" when there is no previous one); None when it can."""
    if full:
        return "--full was given"
    if manifest is None:
        return ""
    if manifest.embedder.id != embedder_id:
        return f"the embedder changed ({manifest.embedder.id} → {embedder_id})"
    if manifest.chunking != chunking:
        return "the chunking parameters changed"
    return None


def embed_plan(plan: Plan, embedder: Embedder, batch_size: int, progress: bool, checkpoint: Checkpoint) -> tuple[np.ndarray, int]:
    """Fill the plan's missing vectors (resuming from `checkpoint`); all vectors, and how many were resumed."""
    fresh, resumed = embed_resuming(embedder, [text for _, text in plan.to_embed], batch_size, progress, checkpoint)
    for (row, _), vector in zip(plan.to_embed, fresh):
        plan.vectors[row] = vector
    vectors = np.vstack(plan.vectors).astype(np.float32) if plan.vectors else np.zeros((0, embedder.dim), np.float32)
    return vectors, resumed


def articles_and_chunking(seeds_dir: Path, articles: list[Article] | None, max_tokens: int,
                          embedder: Embedder, max_chars: int | None = None,
                          allow_empty: bool = False) -> tuple[LoadReport, Chunking]:
    """What every backend builds from: the articles (`articles`, else read from `seeds_dir`, each cut at
    `max_chars`) and the chunking, its window capped by what `embedder` reads.

    No article at all is NoArticles unless `allow_empty`: then it is an empty index, so the last
    article taken down stops being cited instead of the old index answering from it.
    """
    loaded = LoadReport(articles=articles) if articles is not None else load_articles(seeds_dir, max_chars)
    if not loaded.articles and not allow_empty:
        raise NoArticles(seeds_dir, loaded.skipped)
    return loaded, Chunking(max_tokens=min(max_tokens, embedder.max_tokens), chunker=CHUNKER_VERSION)


def load_notes(loaded: LoadReport, seeds_dir: Path) -> list[str]:
    """One line per article cut at the size limit, and one when nothing is left to answer from."""
    notes = [f"Warning: {name} has {chars:,} characters of text; indexed the first {kept:,} "
             "(HOIBAO_MAX_ARTICLE_CHARS)." for name, chars, kept in loaded.truncated]
    if not loaded.articles:
        notes.append(f"No article in {seeds_dir} any more: the index is empty and every question gets not-found.")
    return notes
