"""The report as one self-contained HTML page: charts embedded as data: URIs, every text escaped.

Nothing is fetched when it opens (the Content-Security-Policy forbids it): the
page can be mailed, archived or opened offline as it is.
"""

from __future__ import annotations

import base64
from html import escape

from bot.report import charts
from bot.report.data import NEWSROOM_TZ, Asked
from bot.report.grouping import Grouped
from bot.report.summary import LABELS, NOT_STORED, Cited, Report, Written, fallback_reason, question_text, share

ROWS = 50  # rows per table; the rest are counted under it
PHRASINGS = 3  # other phrasings shown under a grouped question

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;color:#1b1b1b;
background:#f6f6f4;margin:0}
main{max-width:980px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:0 0 8px}
.period,.note,footer{color:#555}.note{margin:4px 0 10px;font-size:14px}
section{background:#fff;border:1px solid #e2e2de;border-radius:8px;padding:16px 18px;margin:16px 0}
.figures{display:flex;flex-wrap:wrap;gap:10px;margin:0;padding:0;list-style:none}
.figures li{border:1px solid #e2e2de;border-radius:6px;padding:8px 12px;min-width:120px}
.figures b{display:block;font-size:22px}
.chart{max-width:100%;height:auto;display:block;margin:4px 0 12px}
table{border-collapse:collapse;width:100%;font-size:14px;margin:6px 0}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #ecece8;vertical-align:top}
th{background:#f1f1ee;font-weight:600}td.n,th.n{text-align:right;white-space:nowrap}td.t{white-space:nowrap}
.alt{color:#666;font-size:13px}.hidden{color:#777;font-style:italic}
.answered{color:#00795a}.unsure{color:#a86f00}.not_found{color:#b34700}.refused{color:#666}
footer{font-size:13px}
"""


_NO_CHART = '<p class="note" id="chart-missing">Không vẽ được biểu đồ (xem nhật ký); số liệu ở bảng dưới.</p>'


def _img(png: bytes, alt: str, name: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="chart" id="{name}" alt="{escape(alt)}" src="data:image/png;base64,{data}">'


def _outcome_counts(counts: dict[str, int]) -> str:
    return " · ".join(f'<span class="{escape(o)}">{escape(LABELS.get(o, o))} {n}</span>'
                      for o, n in counts.items() if n)


def _more(hidden: int, what: str) -> str:
    return f'<p class="note">… và {hidden} {what} khác.</p>' if hidden > 0 else ""


def _groups(grouped: Grouped, table_id: str, outcomes: bool) -> str:
    if not grouped.groups and not grouped.not_stored:
        return '<p class="note">Không có.</p>'
    head = "<th class=n>#</th><th>Câu hỏi</th><th class=n>Số lần</th>" + ("<th>Kết quả</th>" if outcomes else "") \
        + "<th>Lần cuối</th>"
    rows = []
    for rank, g in enumerate(grouped.groups[:ROWS], 1):
        others = g.phrasings[1:]
        alt = ""
        if others:
            listed = "; ".join(f"«{escape(p)}»" for p in others[:PHRASINGS])
            rest = f" và {len(others) - PHRASINGS} cách khác" if len(others) > PHRASINGS else ""
            alt = f'<div class="alt">Cũng hỏi: {listed}{rest}</div>'
        rows.append(f"<tr><td class=n>{rank}</td><td>{escape(g.representative) or '(trống)'}{alt}</td>"
                    f"<td class=n>{g.count}</td>" + (f"<td>{_outcome_counts(dict(g.outcomes))}</td>" if outcomes else "")
                    + f"<td class=t>{g.last_asked.astimezone(NEWSROOM_TZ):%d/%m %H:%M}</td></tr>")
    if grouped.not_stored:
        rows.append(f'<tr><td class=n></td><td class="hidden">{NOT_STORED}</td><td class=n>{grouped.not_stored}</td>'
                    + ("<td></td>" if outcomes else "") + "<td></td></tr>")
    hidden = len(grouped.groups) - ROWS
    return (f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            + _more(hidden, "câu hỏi"))


def _cited(rows: list[Cited], table_id: str, paragraphs: bool) -> str:
    if not rows:
        return '<p class="note">Chưa có câu trả lời nào trích bài.</p>'
    head = "<th class=n>#</th><th>Bài</th>" + ("<th class=n>Đoạn</th>" if paragraphs else "") \
        + "<th class=n>Số lần</th><th class=n>Đã trả lời</th><th class=n>Chưa chắc</th>"
    body = "".join(
        f"<tr><td class=n>{rank}</td><td>{escape(c.title)}<div class=alt>{escape(c.article_id)}</div></td>"
        + (f"<td class=n>{c.paragraph if c.paragraph is not None else '–'}</td>" if paragraphs else "")
        + f"<td class=n>{c.count}</td><td class=n>{c.answered}</td><td class=n>{c.count - c.answered}</td></tr>"
        for rank, c in enumerate(rows[:ROWS], 1))
    return (f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
            + _more(len(rows) - ROWS, "đoạn" if paragraphs else "bài"))


def _question(a: Asked) -> str:
    return f'<span class="hidden">{NOT_STORED}</span>' if a.question is None else escape(question_text(a))


def _downvoted(answers: list[Asked]) -> str:
    if not answers:
        return '<p class="note">Không có câu trả lời nào bị chê.</p>'
    body = "".join(
        f"<tr><td>{_question(a)}</td><td class=n>{a.down}</td><td class=n>{a.up}</td>"
        f'<td class="{escape(a.outcome)}">{escape(LABELS.get(a.outcome, a.outcome))}</td>'
        f"<td>{escape(a.article_title or a.article_id or '–')}"
        + (f", đoạn {a.paragraph}" if a.article_id and a.paragraph is not None else "")
        + f"</td><td class=t>{a.asked_at.astimezone(NEWSROOM_TZ):%d/%m %H:%M}</td></tr>"
        for a in answers[:ROWS])
    head = "<th>Câu hỏi</th><th class=n>👎</th><th class=n>👍</th><th>Kết quả</th><th>Nguồn đã trích</th><th>Lúc</th>"
    return (f'<table id="downvoted"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
            + _more(len(answers) - ROWS, "câu trả lời"))


def _written(w: Written | None) -> str:
    """The written answers' section; nothing when the model was off all period."""
    if w is None:
        return ""
    rows = "".join(f"<tr><td>{escape(reason)}</td><td class=n>{n}</td><td class=n>{share(n, w.asked)}</td>"
                   f"<td>{escape(fallback_reason(reason))}</td></tr>" for reason, n in w.fallbacks)
    table = ('<table id="fallbacks"><thead><tr><th>Lý do gửi đoạn trích dẫn</th><th class=n>Số câu</th>'
             f"<th class=n>Tỉ lệ</th><th>Nghĩa là</th></tr></thead><tbody>{rows}</tbody></table>") if rows else ""
    return ('<section id="written"><h2>Câu trả lời viết bằng mô hình ngôn ngữ</h2>\n'
            f"<p>{w.written} trên {w.asked} câu trả lời ({share(w.written, w.asked)}) có câu viết bằng mô hình ngôn ngữ,"
            " đã kiểm tra với đoạn trích dẫn. Tính trên các câu đã trả lời hoặc trả lời chưa chắc khi mô hình bật;"
            " các câu còn lại chỉ nhận đoạn trích dẫn, vì lý do dưới đây.</p>\n"
            f"{table}</section>\n")


def _per_day_table(report: Report) -> str:
    outcomes = list(report.outcomes)
    head = "<th>Ngày</th>" + "".join(f"<th class=n>{escape(LABELS.get(o, o))}</th>" for o in outcomes) \
        + "<th class=n>Tổng</th>"
    body = "".join(f"<tr><td>{d.day:%d/%m/%Y}</td>" + "".join(f"<td class=n>{d.counts[o]}</td>" for o in outcomes)
                   + f"<td class=n>{d.total}</td></tr>" for d in report.days)
    return f'<table id="per-day-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _follows(follows: tuple[tuple[str, int], ...]) -> str:
    """Topics readers follow, most followed first (bot/followers)."""
    if not follows:
        return ""
    rows = "".join(f"<tr><td>{escape(topic)}</td><td class=\"n\">{n}</td></tr>" for topic, n in follows)
    return ('<section id="follows"><h2>Chủ đề được theo dõi</h2>\n'
            f'<table id="follows-table"><thead><tr><th>Chủ đề</th><th>Người theo dõi</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></section>\n")


def page(report: Report, per_day_png: bytes | None = None, articles_png: bytes | None = None) -> str:
    """The page; the charts are drawn here unless given (`/stats` draws the per-day one once for both)."""
    per_day_png = per_day_png or charts.drawn(charts.per_day, report.days)
    articles_png = articles_png if articles_png is not None else charts.drawn(charts.cited_articles, report.articles)
    p, f = report.period, report.feedback
    dates = p.dates
    span = f"{p.days} ngày, {dates[0]:%d/%m}–{dates[-1]:%d/%m/%Y} (giờ Việt Nam)"
    figures = [("Câu hỏi", str(report.total), "")] + [
        (LABELS.get(o, o), str(n), share(n, report.total)) for o, n in report.outcomes.items()] + [
        ("Có phản hồi", share(f.with_feedback, f.answers), f"{f.with_feedback}/{f.answers} câu trả lời"),
        ("👍 / 👎", f"{f.up} / {f.down}", "")]
    cards = "".join(f"<li>{escape(name)}<b>{escape(value)}</b>{escape(detail)}</li>" for name, value, detail in figures)
    articles_chart = _img(articles_png, "Bài được trích nhiều nhất", "chart-articles") if articles_png else ""
    return f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>Báo cáo Hỏi Báo — {escape(span)}</title>
<style>{_CSS}</style>
</head>
<body><main>
<header><h1>Báo cáo Hỏi Báo</h1>
<p class="period">{escape(span)} · lập lúc {report.made_at.astimezone(NEWSROOM_TZ):%H:%M %d/%m/%Y}</p></header>
<section id="overview"><h2>Tổng quan</h2><ul class="figures">{cards}</ul></section>
<section id="per-day"><h2>Câu hỏi mỗi ngày</h2>
{_img(per_day_png, "Câu hỏi mỗi ngày, theo kết quả (biểu đồ cột chồng)", "chart-per-day") if per_day_png else _NO_CHART}
{_per_day_table(report)}</section>
<section id="asked"><h2>Hỏi nhiều nhất</h2>
<p class="note">Câu hỏi gần giống được gộp làm một; không tính câu bị từ chối (câu trống, quá dài…).</p>
{_groups(report.most_asked, "most-asked", outcomes=True)}</section>
<section id="unanswered"><h2>Không tìm thấy câu trả lời</h2>
<p class="note">Bạn đọc hỏi nhưng các bài báo không nói tới: gợi ý cho bài viết tiếp theo.</p>
{_groups(report.not_found, "not-found", outcomes=False)}</section>
<section id="uncertain"><h2>Trả lời chưa chắc</h2>
<p class="note">Bot chỉ đưa ra đoạn gần nhất: bài có thể thiếu thông tin, hoặc câu hỏi cần hỏi rõ hơn.</p>
{_groups(report.unsure, "unsure", outcomes=False)}</section>
<section id="cited"><h2>Bài và đoạn được trích nhiều nhất</h2>
{articles_chart}
{_cited(report.articles, "articles", paragraphs=False)}
<h2>Đoạn</h2>
{_cited(report.paragraphs, "paragraphs", paragraphs=True)}</section>
<section id="feedback"><h2>Phản hồi của bạn đọc</h2>
<p>{f.with_feedback} trên {f.answers} câu trả lời có phản hồi ({share(f.with_feedback, f.answers)}): 👍 {f.up}, 👎 {f.down}.
Tính trên các câu đã trả lời hoặc trả lời chưa chắc.</p>
<h3>Câu trả lời bị chê 👎</h3>
{_downvoted(f.downvoted)}</section>
{_written(report.written)}{_follows(report.follows)}<footer><p>{escape(report.grouping)}</p>
<p>Người hỏi chỉ được lưu dưới dạng mã băm; {NOT_STORED} là câu hỏi được đếm khi tắt lưu nội dung
(HOIBAO_LOG_QUESTIONS=false).</p></footer>
</main></body>
</html>
"""
