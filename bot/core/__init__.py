"""The answering core: a question and ranked paragraphs in, an `Answer` out.

Pure: no network, no clock, no database; the index is read only through `index.search`. The
answer models are data (`models/*.json`), fitted by `benchmarks/fit_*.py` (`make calibrate`).
"""
