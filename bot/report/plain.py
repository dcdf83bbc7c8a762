"""The report as plain Vietnamese text: what `hoibao report` prints and `/stats` sends, the page's figures."""

from __future__ import annotations

from bot.report.data import NEWSROOM_TZ
from bot.report.grouping import Group, Grouped
from bot.report.summary import LABELS, NOT_STORED, Cited, Report, Written, fallback_reason, question_text, share

QUESTION_CHARS = 120  # a longer question is cut with "…" in the text (the page shows it whole)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int = QUESTION_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _outcomes(counts: dict[str, int], total: int | None = None) -> str:
    """'đã trả lời 10 (33%), …', shares only when `total` is given."""
    return ", ".join(f"{LABELS.get(o, o).lower()} {n}" + (f" ({share(n, total)})" if total else "")
                     for o, n in counts.items() if n)


def _groups(title: str, grouped: Grouped, items: int) -> list[str]:
    lines = [f"{title}:"]
    if not grouped.groups and not grouped.not_stored:
        return lines + ["  (không có)"]
    for rank, g in enumerate(grouped.groups[:items], 1):
        lines.append(f"  {rank}. «{clip(g.representative) or '(trống)'}» — {g.count} lần{_variants(g)}")
    if len(grouped.groups) > items:
        rest = grouped.groups[items:]
        lines.append(f"  … và {len(rest)} câu hỏi khác ({sum(g.count for g in rest)} lần)")
    if grouped.not_stored:
        lines.append(f"  {NOT_STORED}: {grouped.not_stored} lần")
    return lines


def _variants(g: Group) -> str:
    return f" ({len(g.phrasings)} cách hỏi)" if len(g.phrasings) > 1 else ""


def _cited(title: str, rows: list[Cited], items: int) -> list[str]:
    lines = [f"{title}:"]
    if not rows:
        return lines + ["  (không có)"]
    for rank, c in enumerate(rows[:items], 1):
        where = f"«{clip(c.title, 80)}»" + (f", đoạn {c.paragraph}" if c.paragraph is not None else "")
        lines.append(f"  {rank}. {where} — {c.count} lần")
    return lines


def _written(w: Written) -> list[str]:
    lines = [f"Câu trả lời viết bằng mô hình ngôn ngữ: {w.written}/{w.asked} câu trả lời ({share(w.written, w.asked)})"
             " khi mô hình bật."]
    if w.fallbacks:
        lines.append("Gửi đoạn trích dẫn thay vì câu viết:")
        lines += [f"  {reason}: {n} — {fallback_reason(reason)}" for reason, n in w.fallbacks]
    return lines


def text(report: Report, items: int = 10) -> str:
    """Every section, `items` rows each."""
    p, f = report.period, report.feedback
    dates = p.dates
    lines = [f"Báo cáo Hỏi Báo — {p.days} ngày, {dates[0]:%d/%m}–{dates[-1]:%d/%m/%Y} (giờ Việt Nam)",
             f"Tổng: {report.total} câu hỏi — {_outcomes(report.outcomes, report.total)}.", "", "Mỗi ngày:"]
    for day in report.days:
        detail = f" ({_outcomes(day.counts)})" if day.total else ""
        lines.append(f"  {day.day:%d/%m}: {day.total}{detail}")
    lines.append("")
    lines += _groups("Hỏi nhiều nhất", report.most_asked, items)
    lines += [""] + _groups("Không tìm thấy câu trả lời", report.not_found, items)
    lines += [""] + _groups("Trả lời chưa chắc", report.unsure, items)
    lines += [""] + _cited("Bài được trích nhiều nhất", report.articles, items)
    lines += [""] + _cited("Đoạn được trích nhiều nhất", report.paragraphs, items)
    lines += ["", f"Phản hồi: {f.with_feedback}/{f.answers} câu trả lời có phản hồi"
                  f" ({share(f.with_feedback, f.answers)}); 👍 {f.up}, 👎 {f.down}."]
    if f.downvoted:
        lines.append("Câu trả lời bị chê 👎:")
        for rank, a in enumerate(f.downvoted[:items], 1):
            source = f" · «{clip(a.article_title or a.article_id or '', 60)}», đoạn {a.paragraph}" if a.article_id else ""
            when = a.asked_at.astimezone(NEWSROOM_TZ)
            asked = NOT_STORED if a.question is None else f"«{clip(question_text(a))}»"
            lines.append(f"  {rank}. {asked} — 👎 {a.down}, {when:%d/%m %H:%M}{source}")
        if len(f.downvoted) > items:
            lines.append(f"  … và {len(f.downvoted) - items} câu trả lời khác")
    if report.written:
        lines += [""] + _written(report.written)
    if report.follows:
        lines += ["", "Chủ đề được theo dõi (số người theo dõi):"]
        lines += [f"  {rank}. «{clip(topic, 60)}»: {n}" for rank, (topic, n) in enumerate(report.follows[:items], 1)]
    lines += ["", report.grouping]
    return "\n".join(lines)


def fitted(report: Report, limit: int, items: int = 5) -> str:
    """The text within `limit` (UTF-16 units, as Telegram counts): fewer rows per section until it fits."""
    for n in range(items, 0, -1):
        body = text(report, n)
        if _utf16(body) <= limit:
            return body
    body = text(report, 1)
    while _utf16(body) > limit - 1:
        body = body[: len(body) - max(1, (_utf16(body) - limit) // 2 + 1)]
    return body + "…"
