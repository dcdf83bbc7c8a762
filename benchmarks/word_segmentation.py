"""BM25 over word segments (pyvi, underthesea) vs today's folded syllables + syllable bigrams.

    python3 -m venv /work/venv-seg
    /work/venv-seg/bin/pip install -c constraints.txt numpy scipy faiss-cpu pyvi underthesea
    PYTHONPATH=. /work/venv-seg/bin/python benchmarks/word_segmentation.py [--data-dir ../shared/data]

Needs: numpy, scipy and faiss-cpu (the project's own imports: bot.evaluate pulls in
index.build/index.faiss.store), plus the segmenters being compared: `pyvi` (ViTokenizer) and
`underthesea` (word_tokenize). Neither is a dependency of hoibao; a variant whose package is
missing is skipped with a message, the others still run. Both ship their models inside
the wheel (no download at run time).

Variants, all BM25 k1=1.2 b=0.75 exactly as index/lexical.py (same math; checked against
LexicalIndex at start-up), one paragraph per document:
  syllables+bigrams  today: index.text.index_terms
  syllables          folded syllables only (index.text.tokens)
  pyvi               pyvi words, folded, syllables of a word joined by "_"
  pyvi+syllables     folded syllables plus pyvi's multi-syllable words (a one-syllable
                     word is already a syllable term and is not counted twice)
  underthesea, underthesea+syllables   the same with underthesea.word_tokenize
Passages are segmented as written (NFC, accented). Questions are asked as written and
unaccented (index.text.fold); the segmenter sees the unaccented text itself.

Scored as `hoibao eval` scores BM25: questions from bot.evaluate.sets.load_squad (merged by
text, unanswerable ones left out), a retrieval right when the paragraph contains a gold
answer (bot.evaluate.run.first_right), top 50 retrieved like Searcher's default candidates.
Recall@1 differences against today are tested with an exact McNemar test (two-sided
binomial test on the questions one variant gets right at rank 1 and the other not).

Cost: segmenting the passages (model load apart), best of --repeats runs, per 1,000
paragraphs; building the BM25 matrix from the term lists; per question the full
search (terms of the question + scoring + top-k), median and p95.

Prints a table and writes benchmarks/results/word_segmentation.json.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.stats import binomtest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bot.evaluate.metrics import RetrievalScores, first_right  # noqa: E402
from bot.evaluate.sets import load_squad  # noqa: E402
from index.lexical import B, K1, LexicalIndex  # noqa: E402
from index.text import fold, index_terms, nfc, tokens  # noqa: E402
from timing import percentile  # noqa: E402

RESULTS = HERE / "results"
CORPORA = ("zalo_qa_vi.json", "mlqa_vi_dev.json")
FORMS = ("as written", "unaccented")
CANDIDATES = 50  # bot.settings default: how many BM25 hits the searcher asks for
BASELINE = "syllables+bigrams"


class TermBM25(LexicalIndex):
    """LexicalIndex's BM25 over term lists made by any term function."""

    def __init__(self, vocab, idf, weights, terms: Callable[[str], list[str]]) -> None:
        super().__init__(vocab, idf, weights)
        self.terms = terms

    @classmethod
    def from_terms(cls, term_lists: list[list[str]], terms: Callable[[str], list[str]]) -> "TermBM25":
        built = LexicalIndex.from_term_lists(term_lists)
        return cls(built.vocab, built.idf_values, built.weights, terms)

    def scores(self, query: str) -> np.ndarray:
        ids = sorted({self.vocab[t] for t in self.terms(query) if t in self.vocab})
        if not ids:
            return np.zeros(self.weights.shape[0], dtype=np.float32)
        return np.asarray(self.weights[:, ids].sum(axis=1)).ravel()


# ------------------------------------------------------------------ segmenters


def _word(pieces: list[str]) -> str:
    """A segmenter's word (its syllables) as one folded term, syllables joined by "_"."""
    return "_".join(s for p in pieces for s in tokens(p))


def load_pyvi() -> Callable[[str], list[str]]:
    from pyvi import ViTokenizer

    def words(text: str) -> list[str]:
        out = (_word(tok.split("_")) for tok in ViTokenizer.tokenize(nfc(text)).split())
        return [w for w in out if w]

    return words


def load_underthesea() -> Callable[[str], list[str]]:
    from underthesea import word_tokenize

    def words(text: str) -> list[str]:
        out = (_word(w.split()) for w in word_tokenize(nfc(text)))
        return [w for w in out if w]

    return words


SEGMENTERS = {"pyvi": ("pyvi", load_pyvi), "underthesea": ("underthesea", load_underthesea)}


def with_syllables(words: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    def terms(text: str) -> list[str]:
        return tokens(text) + [w for w in words(text) if "_" in w]

    return terms


# ------------------------------------------------------------------ measuring


def check_same_math(texts: list[str], questions: list[str]) -> None:
    """TermBM25 with index_terms must equal LexicalIndex exactly (weights and rankings)."""
    ours = TermBM25.from_terms([index_terms(t) for t in texts], index_terms)
    ref = LexicalIndex.build(texts)
    assert ours.vocab == ref.vocab
    for name in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(ours.weights, name), getattr(ref.weights, name)), name
    for q in questions:
        assert ours.search(q, CANDIDATES) == ref.search(q, CANDIDATES), q


def mcnemar(base: list[bool], other: list[bool]) -> dict:
    better = sum(1 for a, b in zip(base, other) if b and not a)
    worse = sum(1 for a, b in zip(base, other) if a and not b)
    p = binomtest(min(better, worse), better + worse, 0.5).pvalue if better + worse else 1.0
    return {"right_only_here": better, "right_only_with_baseline": worse, "p": round(float(p), 4)}


def run_corpus(path: Path, segmenters: dict, repeats: int) -> dict:
    eval_set = load_squad(path)
    texts = [a.paragraphs[0].text for a in eval_set.articles]
    questions = [q for q in eval_set.questions if q.answers]
    asked = {"as written": [q.question for q in questions], "unaccented": [fold(q.question) for q in questions]}
    per_k = 1000 / len(texts)
    check_same_math(texts, asked["as written"][:50] + asked["unaccented"][:50])

    # Term functions, and each tokenizer's passage terms timed once (best of `repeats`).
    base_terms: dict[str, tuple[Callable, list[list[str]], float]] = {}
    for name, fn in (("syllables+bigrams", index_terms), ("syllables", tokens)):
        best, lists = float("inf"), None
        for _ in range(repeats):
            t0 = time.perf_counter()
            lists = [fn(t) for t in texts]
            best = min(best, time.perf_counter() - t0)
        base_terms[name] = (fn, lists, best)
    syllable_lists = base_terms["syllables"][1]
    syllable_time = base_terms["syllables"][2]
    tokenizers: dict[str, dict] = {
        "folded syllables (index.text)": {"terms_s_per_1k_paragraphs": round(syllable_time * per_k, 4)}
    }
    variants: dict[str, tuple[Callable, list[list[str]], float]] = dict(base_terms)
    for seg, words in segmenters.items():
        best, word_lists = float("inf"), None
        for _ in range(repeats):
            t0 = time.perf_counter()
            word_lists = [words(t) for t in texts]
            best = min(best, time.perf_counter() - t0)
        tokenizers[seg] = {"terms_s_per_1k_paragraphs": round(best * per_k, 4)}
        variants[seg] = (words, word_lists, best)
        combined = [s + [w for w in ws if "_" in w] for s, ws in zip(syllable_lists, word_lists)]
        variants[f"{seg}+syllables"] = (with_syllables(words), combined, best + syllable_time)

    results: dict[str, dict] = {}
    right_at_1: dict[tuple[str, str], list[bool]] = {}
    for name, (terms, lists, terms_s) in variants.items():
        t0 = time.perf_counter()
        index = TermBM25.from_terms(lists, terms)
        build_s = time.perf_counter() - t0
        row = {
            "vocabulary": len(index.vocab),
            "terms_per_paragraph": round(sum(map(len, lists)) / len(lists), 1),
            "index_s_per_1k_paragraphs": round((terms_s + build_s) * per_k, 4),
            "of_which_bm25_matrix_s": round(build_s * per_k, 4),
        }
        for form in FORMS:
            scores, hits, times = RetrievalScores(), [], []
            for q, text in zip(questions, asked[form]):
                t0 = time.perf_counter()
                ranked = [r for r, _ in index.search(text, CANDIDATES)]
                times.append(time.perf_counter() - t0)
                rank = first_right([texts[r] for r in ranked], q.answers)
                scores.add(rank)
                hits.append(rank == 1)
            right_at_1[(name, form)] = hits
            row[form] = {k: round(v, 4) for k, v in scores.row().items()}
            row[form]["query_ms_median"] = round(statistics.median(times) * 1000, 3)
            row[form]["query_ms_p95"] = round(percentile(times, 95) * 1000, 3)
        results[name] = row
    for name in results:
        for form in FORMS:
            if name != BASELINE:
                base, here = right_at_1[(BASELINE, form)], right_at_1[(name, form)]
                results[name][form]["recall@1_vs_today"] = mcnemar(base, here)
    return {
        "file": path.name,
        "paragraphs": len(texts),
        "answerable_questions": len(questions),
        "syllables_per_paragraph": round(sum(map(len, syllable_lists)) / len(texts), 1),
        "tokenizers": tokenizers,
        "variants": results,
    }


def print_corpus(r: dict) -> None:
    print(f"\n{r['file']}: {r['paragraphs']} paragraphs ({r['syllables_per_paragraph']} syllables each on average), "
          f"{r['answerable_questions']} answerable questions")
    head = f"{'variant':<24}{'form':<12}{'R@1':>7}{'R@5':>7}{'MRR@10':>8}   {'R@1 vs today (+/-, p)':<24}{'query ms p50/p95':>17}"
    print(head)
    print("-" * len(head))
    for name, row in r["variants"].items():
        for form in FORMS:
            f = row[form]
            vs = f.get("recall@1_vs_today")
            vs_s = f"+{vs['right_only_here']}/-{vs['right_only_with_baseline']}, p={vs['p']:.3f}" if vs else "(baseline)"
            print(f"{name:<24}{form:<12}{f['recall@1']:>7.3f}{f['recall@5']:>7.3f}{f['mrr@10']:>8.3f}   {vs_s:<24}"
                  f"{f['query_ms_median']:>8.2f}/{f['query_ms_p95']:<8.2f}")
    print(f"\n{'variant':<24}{'index s / 1k paragraphs':>25}{'of which BM25 matrix':>22}{'vocabulary':>12}{'terms/para':>12}")
    for name, row in r["variants"].items():
        print(f"{name:<24}{row['index_s_per_1k_paragraphs']:>25.3f}{row['of_which_bm25_matrix_s']:>22.3f}"
              f"{row['vocabulary']:>12}{row['terms_per_paragraph']:>12}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--repeats", type=int, default=3, help="segmentation timing: best of this many runs")
    parser.add_argument("--out", type=Path, default=RESULTS / "word_segmentation.json")
    args = parser.parse_args()

    segmenters, versions, skipped, load_s = {}, {}, {}, {}
    for seg, (package, loader) in SEGMENTERS.items():
        try:
            t0 = time.perf_counter()
            words = loader()
            words("Khởi động mô hình tách từ.")  # first call loads the model
            load_s[seg] = round(time.perf_counter() - t0, 3)
        except ImportError as exc:
            skipped[seg] = f"package {package!r} not installed ({exc}): pip install {package}"
            print(f"SKIPPED {seg} and {seg}+syllables: {skipped[seg]}", file=sys.stderr)
            continue
        segmenters[seg] = words
        versions[package] = importlib.metadata.version(package)
    for package in ("numpy", "scipy"):
        versions[package] = importlib.metadata.version(package)

    corpora = []
    for name in CORPORA:
        path = args.data_dir / name
        if not path.exists():
            print(f"SKIPPED {name}: not found in {args.data_dir} (pass --data-dir)", file=sys.stderr)
            continue
        corpora.append(run_corpus(path, segmenters, args.repeats))
        print_corpus(corpora[-1])
    if load_s:
        print("\nsegmenter load + first call, s: " + ", ".join(f"{k} {v}" for k, v in load_s.items()))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "bm25": {"k1": K1, "b": B, "candidates": CANDIDATES},
        "baseline": BASELINE,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "packages": versions},
        "segmenter_load_s": load_s,
        "skipped": skipped,
        "corpora": corpora,
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
