"""The editors' report: what readers asked, what went unanswered, what was cited, what readers thought.

data (the question log, read-only) → summary and grouping (pure figures) → plain (text), charts (PNG)
and html (one self-contained page); `build.make` and `build.write` put them together for `hoibao report`
and /stats. This package imports nothing itself, so reading the log's figures never loads matplotlib.
"""
