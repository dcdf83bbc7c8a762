"""The editors' report: what readers asked, what went unanswered, what was cited, what readers thought.

data (the question log, read-only) → summary and grouping (pure figures) → plain (text), charts (PNG)
and html (one self-contained page). `make` and `write` put them together for `hoibao report` and /stats.
"""

from bot.report.build import make, similarity_from_settings, write

__all__ = ["make", "similarity_from_settings", "write"]
