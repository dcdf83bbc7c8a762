"""The report page as a person sees it: opened in headless Chromium, charts drawn, tables filled, offline.

Skipped, with the reason, where no browser can run (`make browser` installs Debian's Chromium).
"""

from __future__ import annotations

import pytest

from bot.report.build import make, write
from bot.report.grouping import similarity_for
from tests import browser, fake_questionlog
from tests.fake_questionlog import NOW

pytestmark = pytest.mark.skipif(browser.why_not() is not None, reason=str(browser.why_not()))


@pytest.fixture(scope="module")
def shown(tmp_path_factory, embedder):
    """The written report open in Chromium: (page, report, every request the page made, dialogs)."""
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("report-page")
    report = make(fake_questionlog.sqlite_log(folder / "hoibao.db"), 7, lambda: similarity_for(embedder), now=NOW)
    path = write(report, folder / "out")
    with sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        page = chromium.new_page(viewport={"width": 1000, "height": 800})
        requests, dialogs = [], []
        page.on("request", lambda request: requests.append(request.url))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(path.as_uri(), wait_until="load")
        yield page, report, requests, dialogs
        chromium.close()


def test_charts_are_drawn(shown):
    page, _, _, _ = shown
    images = page.eval_on_selector_all(
        "img", "imgs => imgs.map(i => [i.id, i.complete, i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width])")
    assert [i[0] for i in images] == ["chart-per-day", "chart-articles"]
    for name, complete, width, height, on_screen in images:
        assert complete and width > 0 and height > 0 and on_screen > 300, name


def test_tables_show_their_rows(shown):
    page, report, _, _ = shown
    rows = {table: page.locator(f"#{table} tbody tr") for table in
            ("per-day-table", "most-asked", "not-found", "unsure", "articles", "paragraphs", "downvoted")}
    assert rows["per-day-table"].count() == 7
    assert rows["most-asked"].count() == len(report.most_asked.groups) + 1  # + the questions kept without text
    assert rows["not-found"].count() == len(report.not_found.groups) + 1
    assert rows["unsure"].count() == len(report.unsure.groups)
    assert rows["articles"].count() == 3 and rows["paragraphs"].count() == 4
    assert rows["downvoted"].count() == fake_questionlog.DOWN
    for table, locator in rows.items():
        assert locator.first.is_visible(), table
    first = page.locator("#not-found tbody tr").first.inner_text()
    assert "Giá vàng hôm nay bao nhiêu?" in first and "10" in first
    assert "(không lưu nội dung)" in page.locator("#most-asked").inner_text()


def test_text_is_text_and_nothing_is_fetched(shown):
    page, _, requests, dialogs = shown
    assert dialogs == []  # the logged "<script>alert(…)" stayed text
    assert "<script>alert('x')</script> & <b>giá</b> xăng?" in page.locator("#not-found").inner_text()
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
    assert page.title().startswith("Báo cáo Hỏi Báo")
