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


def split_long(text: str, max_tokens: int, count_tokens: Callable[[str], int]) -> list[str]:
    """Pack whole sentences into pieces that fit the model's window.

    A single sentence longer than the window stays whole: the embedder windows
    it itself, and cutting mid-sentence would lose more than it gains.
    """
    if count_tokens(text) <= max_tokens:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    for sentence in split_sentences(text):
        candidate = " ".join(current + [sentence])
        if current and count_tokens(candidate) > max_tokens:
            pieces.append(" ".join(current))
            current = [sentence]
        else:
            current.append(sentence)
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
