"""The report's charts as PNG bytes (matplotlib's Agg canvas: no display, no pyplot state, thread-safe).

Every label that comes from data (an article's title, an outcome's name) goes through `plain`: a
crawled title holding `$\\nonexistent$` would otherwise be parsed as mathtext and stop the draw.
`drawn` turns any other failure into None, which the page and /stats show as a note.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.report.summary import LABELS, Cited, Day

# Okabe-Ito colours: told apart with the common colour-vision deficiencies; "not found" the loudest.
COLOURS = {"answered": "#009E73", "unsure": "#E69F00", "not_found": "#D55E00", "refused": "#999999"}
OTHER = "#56B4E9"
DPI = 100
SIZE = (8.0, 3.6)  # inches: 800 × 360 pixels, legible on a phone when sent as a Telegram photo
TITLE_CHARS = 48

log = logging.getLogger(__name__)


def plain(text: str) -> str:
    """`text` printed as written: each `$` escaped, so nothing in it is read as mathtext."""
    return text.replace("$", r"\$")


def drawn(chart: Callable[..., bytes | None], *args) -> bytes | None:
    """The chart, or None when it cannot be drawn (logged once): the report goes out without it."""
    try:
        return chart(*args)
    except Exception as exc:  # noqa: BLE001 — a chart is never worth the whole report
        log.warning("chart %s not drawn: %s: %s", getattr(chart, "__name__", chart), type(exc).__name__, exc)
        return None


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def per_day(days: list[Day], title: str = "Câu hỏi mỗi ngày, theo kết quả") -> bytes:
    """Stacked bars: one per day, a segment per outcome, the day's total above when they fit."""
    figure = Figure(figsize=SIZE, layout="constrained")
    ax = figure.add_subplot()
    x = list(range(len(days)))
    bottom = [0] * len(days)
    outcomes = list(days[0].counts) if days else []
    for outcome in outcomes:
        heights = [d.counts[outcome] for d in days]
        ax.bar(x, heights, bottom=bottom, color=COLOURS.get(outcome, OTHER), label=plain(LABELS.get(outcome, outcome)),
               width=0.7)
        bottom = [b + h for b, h in zip(bottom, heights)]
    if len(days) <= 31:
        for i, total in enumerate(bottom):
            if total:
                ax.annotate(str(total), (i, total), ha="center", va="bottom", fontsize=8, xytext=(0, 2),
                            textcoords="offset points")
    step = max(1, len(days) // 14)
    ax.set_xticks(x[::step], [f"{d.day:%d/%m}" for d in days][::step])
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(bottom + [1]) * 1.15)
    ax.set_ylabel("Số câu hỏi")
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    return _png(figure)


def cited_articles(rows: list[Cited], limit: int = 8) -> bytes | None:
    """Horizontal bars for the most cited articles, answered and unsure apart; None when none was cited."""
    rows = rows[:limit]
    if not rows:
        return None
    figure = Figure(figsize=(SIZE[0], 0.45 * len(rows) + 1.2), layout="constrained")
    ax = figure.add_subplot()
    y = list(range(len(rows)))[::-1]  # most cited on top
    labels = [plain(r.title if len(r.title) <= TITLE_CHARS else r.title[: TITLE_CHARS - 1] + "…") for r in rows]
    answered = [r.answered for r in rows]
    ax.barh(y, answered, color=COLOURS["answered"], label=LABELS["answered"], height=0.6)
    ax.barh(y, [r.count - r.answered for r in rows], left=answered, color=COLOURS["unsure"],
            label=LABELS["unsure"], height=0.6)
    ax.set_yticks(y, labels, fontsize=9)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Số lần được trích")
    ax.set_title("Bài được trích nhiều nhất", loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    return _png(figure)
