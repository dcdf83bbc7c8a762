"""A synthetic Vietnamese news corpus for the scaling benchmarks, made locally and deterministically.

    .venv/bin/python benchmarks/corpus.py OUT_DIR --paragraphs 10000 [--per-article 10] [--seed 7]

Sources: the body paragraphs of `seeds/*.txt` and, when present, the contexts
of `/work/shared/data/zalo_qa_vi.json` (read in place, never copied into the
repository; without it the corpus is made from the seed article alone).
Paragraph i depends only on (seed, i): the first R paragraphs are the real
source paragraphs (shuffled, seeded); the rest are recombinations — a previous
paragraph's sentences, shuffled, with one sentence swapped for a sentence of
another paragraph. So the first 10,000 paragraphs of a 100k corpus are exactly
the 10k corpus, which lets the 100k benchmark reuse real 10k vectors.

`SyntheticVectors` gives every paragraph past the really embedded prefix a
vector made from its parents' real vectors (weighted mix + Gaussian noise,
renormalised), the noise calibrated so that cos(child, parent) matches what the
real embedder gives for recombined paragraphs inside the real prefix.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.corpus import UnreadableArticle, load_articles, parse_article  # noqa: E402
from index.text import nfc, split_sentences  # noqa: E402

ZALO = Path("/work/shared/data/zalo_qa_vi.json")
SEEDS = ROOT / "seeds"
# Paragraphs [0, BASE) have real vectors in the 100k benchmark; later ones derive from them.
BASE = 10_000
MIN_WORDS = 15  # skip title-like contexts ("Thủ tướng Ấn Độ sắp sang Mỹ ...")
DONOR_WEIGHT = 0.3


@dataclass(frozen=True)
class Recipe:
    text: str
    parent: int = -1  # -1: a real source paragraph
    donor: int = -1


def _finish(text: str) -> str:
    text = " ".join(nfc(text).split())
    return text if text.endswith((".", "!", "?", "…", "”", '"', ")")) else text + "."


def survives(text: str) -> bool:
    """Whether the article parser keeps `text` as one body paragraph, unchanged (not a caption, heading...)."""
    try:
        article = parse_article(f"Tin\n\n{text}\n", "x", "x")
    except UnreadableArticle:
        return False
    return len(article.paragraphs) == 1 and article.paragraphs[0].text == text


def source_paragraphs(seed: int = 7, zalo: Path = ZALO) -> tuple[list[str], str]:
    """The real paragraphs (seed article first, then zalo contexts shuffled), and a note on sources."""
    seeds = [p.text for a in load_articles(SEEDS).articles for p in a.paragraphs]
    note = f"{len(seeds)} seed paragraphs"
    contexts: list[str] = []
    if zalo.exists():
        data = json.loads(zalo.read_text("utf-8"))
        contexts = list(dict.fromkeys(
            p["context"] for art in data["data"] for p in art["paragraphs"] if len(p["context"].split()) >= MIN_WORDS
        ))
        order = np.random.default_rng(seed).permutation(len(contexts))
        contexts = [contexts[i] for i in order]
        note += f" + {len(contexts)} zalo_qa_vi contexts"
    else:
        note += " only (zalo_qa_vi.json absent)"
    return [t for t in dict.fromkeys(_finish(t) for t in seeds + contexts) if survives(t)], note


def recipes(n: int, seed: int = 7, zalo: Path = ZALO) -> tuple[list[Recipe], str]:
    """N paragraphs: the real ones, then seeded recombinations of earlier ones."""
    sources, note = source_paragraphs(seed, zalo)
    out = [Recipe(t) for t in sources[:n]]
    sentences: list[list[str]] = [split_sentences(r.text) or [r.text] for r in out]
    for i in range(len(out), n):
        rng = np.random.default_rng([seed, i])
        limit = min(i, BASE)
        text = ""
        while not text or not survives(text):  # a sentence moved to the end may read as a caption
            parent, donor = (int(x) for x in rng.integers(0, limit, size=2))
            own = list(sentences[parent])
            extra = sentences[donor][int(rng.integers(0, len(sentences[donor])))]
            rng.shuffle(own)
            if len(own) >= 2:
                own[int(rng.integers(0, len(own)))] = extra
            else:
                own.append(extra)
            text = _finish(" ".join(own))
        out.append(Recipe(text, parent, donor))
        sentences.append(split_sentences(text) or [text])
    return out, note


def write_corpus(out_dir: Path, texts: list[str], per_article: int = 10) -> int:
    """Article files of `per_article` paragraphs each; returns the number of articles."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.txt"):
        old.unlink()
    n_articles = (len(texts) + per_article - 1) // per_article
    for k in range(n_articles):
        body = texts[k * per_article : (k + 1) * per_article]
        (out_dir / f"a{k:06d}.txt").write_text(f"Tin tổng hợp số {k + 1}\n\n" + "\n\n".join(body) + "\n", "utf-8")
    return n_articles


def change_article(out_dir: Path, k: int = 0) -> Path:
    """Edit one article the way a newsroom correction would: one sentence appended to a paragraph."""
    path = out_dir / f"a{k:06d}.txt"
    lines = path.read_text("utf-8").split("\n\n")
    lines[1] = lines[1].rstrip() + " Bài viết đã được cập nhật thêm thông tin mới."
    path.write_text("\n\n".join(lines), "utf-8")
    return path


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def real_vectors(texts: list[str], embedder, cache: Path, batch_size: int = 32, progress: bool = True) -> np.ndarray:
    """Really embedded passage vectors for `texts`, cached in `cache` (.npz of keys + vectors)."""
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache, allow_pickle=False) as data:
            known = dict(zip(data["keys"].tolist(), data["vectors"]))
    keys = [text_key(t) for t in texts]
    todo = [i for i, k in enumerate(keys) if k not in known]
    if todo:
        for start in range(0, len(todo), batch_size):
            rows = todo[start : start + batch_size]
            for i, v in zip(rows, embedder.embed_passages([texts[i] for i in rows])):
                known[keys[i]] = v
            if progress:
                print(f"\r  embedding real vectors {min(start + batch_size, len(todo))}/{len(todo)}", end="", file=sys.stderr)
        if progress:
            print(file=sys.stderr)
        save_vectors(cache, known)
    return np.vstack([known[k] for k in keys]).astype(np.float32)


def save_vectors(cache: Path, known: dict[str, np.ndarray]) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp.npz")
    np.savez(tmp, keys=np.array(list(known)), vectors=np.vstack(list(known.values())).astype(np.float32))
    tmp.rename(cache)


def _normalise(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def calibrate_noise(recs: list[Recipe], real: np.ndarray) -> tuple[float, float]:
    """Noise scale making synthetic cos(child, parent) match the real one; returns (scale, real mean cos)."""
    pairs = [(i, r.parent, r.donor) for i, r in enumerate(recs[: len(real)]) if r.parent >= 0]
    if len(pairs) < 20:
        return 0.3, float("nan")
    idx = np.array(pairs)
    target = float(np.mean(np.sum(real[idx[:, 0]] * real[idx[:, 1]], axis=1)))
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((len(idx), real.shape[1])).astype(np.float32) / np.sqrt(real.shape[1])
    low, high = 0.0, 2.0
    for _ in range(30):
        mid = (low + high) / 2
        v = _normalise(real[idx[:, 1]] + DONOR_WEIGHT * real[idx[:, 2]] + mid * noise)
        if np.mean(np.sum(v * real[idx[:, 1]], axis=1)) > target:
            low = mid
        else:
            high = mid
    return (low + high) / 2, target


def synthetic_vectors(recs: list[Recipe], real: np.ndarray, scale: float, seed: int = 7) -> np.ndarray:
    """Vectors for all recipes: real ones for the prefix, parent mixes + noise after it."""
    out = np.zeros((len(recs), real.shape[1]), dtype=np.float32)
    out[: len(real)] = real
    rng = np.random.default_rng(seed)
    start = len(real)
    while start < len(recs):
        # A block may only hold rows whose parents lie before it (rows >= BASE always do).
        stop = min(len(recs), start + 10_000) if start >= BASE else start + 1
        parents = np.array([recs[i].parent for i in range(start, stop)])
        donors = np.array([recs[i].donor for i in range(start, stop)])
        noise = rng.standard_normal((stop - start, real.shape[1])).astype(np.float32) / np.sqrt(real.shape[1])
        out[start:stop] = _normalise(out[parents] + DONOR_WEIGHT * out[donors] + scale * noise)
        start = stop
    return out


class ReplayEmbedder:
    """Stands in for the real embedder in a build: known vectors by text, same id/dim/tokeniser.

    A chunk it has no vector for (a piece of a split long paragraph) gets a
    text-seeded perturbation of a known vector, so nothing fails.
    """

    def __init__(self, real, vectors_by_key: dict[str, np.ndarray]) -> None:
        self._real = real
        self._known = vectors_by_key
        self._any = np.vstack(list(vectors_by_key.values())[:1000])
        self.id, self.dim, self.max_tokens = real.id, real.dim, real.max_tokens
        self.misses = 0

    def count_tokens(self, text: str) -> int:
        return self._real.count_tokens(text)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._real.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        out = []
        for t in texts:
            key = text_key(t)
            v = self._known.get(key)
            if v is None:
                self.misses += 1
                rng = np.random.default_rng(int(key[:12], 16))
                base = self._any[int(rng.integers(0, len(self._any)))]
                v = _normalise(base + 0.2 * rng.standard_normal(self.dim).astype(np.float32) / np.sqrt(self.dim))
            out.append(v)
        return np.vstack(out).astype(np.float32)


def questions(n: int, seed: int = 7, zalo: Path = ZALO) -> list[str]:
    """Real questions: zalo_qa_vi's (seeded sample) or, without it, the seed dev questions."""
    if zalo.exists():
        data = json.loads(zalo.read_text("utf-8"))
        qs = list(dict.fromkeys(q["question"] for a in data["data"] for p in a["paragraphs"] for q in p["qas"]))
    else:
        dev = zalo.parent / "seed_dev_qa.jsonl"
        qs = [json.loads(line)["q"] for line in dev.read_text("utf-8").splitlines() if line.strip()] if dev.exists() else []
        qs += ["Bí thư Đảng ủy phường Phước Mỹ là ai?", "Năm 2022 phường An Hải Tây xử lý bao nhiêu trường hợp vi phạm?"]
    order = np.random.default_rng(seed).permutation(len(qs))
    return [qs[i] for i in order[:n]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--paragraphs", type=int, default=1000)
    parser.add_argument("--per-article", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    recs, note = recipes(args.paragraphs, args.seed)
    n = write_corpus(args.out_dir, [r.text for r in recs], args.per_article)
    print(f"Wrote {len(recs)} paragraphs in {n} articles to {args.out_dir} ({note}).")


if __name__ == "__main__":
    main()
