"""Chunks: what gets embedded. A paragraph, or sentence-aligned pieces of a long one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from index.text import split_sentences

# Recorded in the manifest: a new version changes chunk boundaries, so vectors are not reused.
CHUNKER_VERSION = 1


@dataclass(frozen=True)
class Chunk:
    paragraph: int  # row in the paragraph table
    text: str


def _fits(sentences: list[str], upper: int, max_tokens: int, count_tokens: Callable[[str], int]) -> bool:
    """Whether the sentences joined fit; `upper`, the sum of their own counts, is never below the joined
    count (each count of a text alone adds its start piece), so only a sum over the window needs a count."""
    return upper <= max_tokens or count_tokens(" ".join(sentences)) <= max_tokens


def split_long(text: str, max_tokens: int, count_tokens: Callable[[str], int]) -> list[str]:
    """Pack whole sentences into pieces that fit the model's window.

    A single sentence longer than the window stays whole: the embedder windows
    it itself, and cutting mid-sentence would lose more than it gains.

    Each sentence is counted once and the running sum decides while it is under the window:
    re-counting the growing piece at every sentence (the old way) tokenised each piece ~15 times
    over, and a 1.8 MB article written as one paragraph spent minutes here before any embedding.
    The pieces are the same as that way's (tests/test_chunk.py compares them).
    """
    sentences = split_sentences(text)
    counts = [count_tokens(sentence) for sentence in sentences]
    if sum(counts) <= max_tokens or count_tokens(text) <= max_tokens:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    estimate = 0
    for sentence, tokens in zip(sentences, counts):
        if current and not _fits(current + [sentence], estimate + tokens, max_tokens, count_tokens):
            pieces.append(" ".join(current))
            current, estimate = [], 0
        current.append(sentence)
        estimate += tokens
    if current:
        pieces.append(" ".join(current))
    return pieces


def chunk_paragraphs(
    texts: list[str], max_tokens: int, count_tokens: Callable[[str], int]
) -> list[Chunk]:
    """Chunks for each paragraph text, each pointing back to its paragraph row."""
    return [
        Chunk(row, piece)
        for row, text in enumerate(texts)
        for piece in split_long(text, max_tokens, count_tokens)
    ]
