"""A newsroom's day against the crawler: edits to older stories, restamped feeds, `refresh URL`, file modes.

The local news site of tests/fake_news.py; no embedder (`rebuild` is a recorder).
"""

from __future__ import annotations

import os
import stat
import time
from email.utils import formatdate
from xml.sax.saxutils import escape

import pytest

from ingest.add import FAILED, NEW, REMOVED, UNCHANGED, UPDATED
from ingest.follow import add_source
from ingest.recheck import recheck
from ingest.refresh import refresh
from ingest.state import REMOVED as GONE
from ingest.urls import article_file_name
from tests.fake_news import STORIES, Site, rss, serve, story_page
from tests.test_crawl import crawl  # noqa: F401 (the fixture: state, fetcher, seeds folder, rebuild recorder)

CAM, THU_VIEN = "/kinh-te/cam-sanh.html", "/van-hoa/thu-vien-so.html"
DAYS = 86400.0


def rss_modified(base: str, items: list[tuple[str, float, str]]) -> str:
    """RSS 2.0 whose items carry dcterms:modified, as CMSs add when a story is corrected."""
    rows = "".join(f"<item><title>Tin</title><link>{escape(base + path)}</link><pubDate>{formatdate(when, usegmt=True)}"
                   f"</pubDate><dcterms:modified>{modified}</dcterms:modified></item>" for path, when, modified in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/">'
            f"<channel><title>Báo Thử Nghiệm</title><link>{base}/</link>{rows}</channel></rss>")


@pytest.fixture
def site():
    pages = Site()
    base, stop = serve(pages)
    pages.raw("/robots.txt", 200, "text/plain", b"User-agent: *\n")
    pages.html(CAM, story_page("cam-sanh"))
    pages.html(THU_VIEN, story_page("thu-vien-so"))
    yield pages, base
    stop()


def by_path(report) -> dict[str, str]:
    return {"/" + o.url.split("/", 3)[-1]: o.status for o in report.outcomes}


def test_an_older_story_edited_is_due_at_once_through_its_modified_date_and_the_summary_says_what_waits(site, crawl):
    pages, base = site
    state, fetcher, seeds, _ = crawl
    three_days_ago = time.time() - 3 * DAYS
    feed = [(CAM, three_days_ago, "2026-12-01T08:00:00Z"), (THU_VIEN, three_days_ago, "2026-12-01T09:00:00Z")]
    pages.xml("/rss", rss_modified(base, feed), "application/rss+xml")
    add_source(state, fetcher, base + "/rss")
    rebuilds = []
    first = refresh(state, fetcher, seeds, lambda: rebuilds.append(1))
    assert by_path(first) == {CAM: NEW, THU_VIEN: NEW}

    # The story is edited on the site, the feed unchanged: nothing is due (weekly for a 3-day-old story),
    # and the summary says so instead of a bare "0 … 0".
    pages.html(CAM, story_page("cam-sanh", body=(*STORIES["cam-sanh"][2][:2], "Giá cam giảm còn 15.000 đồng.")))
    quiet = refresh(state, fetcher, seeds, lambda: rebuilds.append(1))
    assert quiet.outcomes == [] and quiet.summary() == "0 mới · 0 cập nhật · 0 không đổi · 0 lỗi · 2 chưa đến hạn"

    # The CMS stamps the item's dcterms:modified: due at once, whatever its age.
    pages.xml("/rss", rss_modified(base, [(CAM, three_days_ago, "2026-12-05T10:00:00Z"), feed[1]]),
              "application/rss+xml")
    edited = refresh(state, fetcher, seeds, lambda: rebuilds.append(1))
    assert by_path(edited) == {CAM: UPDATED}
    assert edited.summary() == "0 mới · 1 cập nhật · 0 không đổi · 0 lỗi · 1 chưa đến hạn"
    assert "15.000 đồng" in (seeds / article_file_name(base + CAM)).read_text("utf-8") and len(rebuilds) == 2


def test_a_feed_that_restamps_its_items_does_not_keep_a_deleted_article_alive(site, crawl):
    pages, base = site
    state, fetcher, seeds, _ = crawl
    pages.xml("/rss", rss(base, [("Cam", CAM, time.time())]), "application/rss+xml")
    add_source(state, fetcher, base + "/rss")
    refresh(state, fetcher, seeds, lambda: None)
    pages.gone(CAM, 404)
    once = refresh(state, fetcher, seeds, lambda: None, recheck=True)
    assert by_path(once)[CAM] == FAILED and "lần 1/2" in once.outcomes[-1].reason
    # The feed restamps the item (a new pubDate each time it is generated): the streak stays.
    pages.xml("/rss", rss(base, [("Cam", CAM, time.time() + 60)]), "application/rss+xml")
    twice = refresh(state, fetcher, seeds, lambda: None)
    assert by_path(twice)[CAM] == REMOVED
    assert not (seeds / article_file_name(base + CAM)).exists() and state.article(base + CAM).state == GONE


def test_article_files_are_world_readable_whatever_the_umask(site, crawl):
    pages, base = site
    state, fetcher, seeds, _ = crawl
    old = os.umask(0o077)  # a host process with a strict umask; the container's user must still read
    try:
        report = recheck(state, fetcher, seeds, [base + CAM], lambda: None)
    finally:
        os.umask(old)
    assert by_path(report) == {CAM: NEW}
    assert stat.S_IMODE((seeds / article_file_name(base + CAM)).stat().st_mode) == 0o644


def test_refresh_url_rechecks_just_those_followed_or_not(site, crawl):
    pages, base = site
    state, fetcher, seeds, _ = crawl
    built = []
    report = recheck(state, fetcher, seeds, [base + CAM, base + CAM + "?utm_source=x", "ftp://x/y"],
                     lambda: built.append(1) or "built")
    assert by_path(report) == {CAM: NEW, "/y": FAILED} and built == [1] and report.build == "built"
    assert [h.path for h in pages.log if h.path.endswith(".html")] == [CAM]  # the duplicate fetched once

    again = recheck(state, fetcher, seeds, [base + CAM], lambda: built.append(1))
    assert by_path(again) == {CAM: UNCHANGED} and built == [1]  # a 304: no rebuild
    assert pages.hits(CAM)[-1].status == 304

    taken = recheck(state, fetcher, seeds, [], lambda: built.append(1), deleted=[base + CAM])
    assert by_path(taken) == {CAM: REMOVED} and built == [1, 1]
    assert not (seeds / article_file_name(base + CAM)).exists() and len(pages.hits(CAM)) == 2  # not fetched


def test_hoibao_refresh_url_prints_each_article_and_rebuilds(site, tmp_path):
    from tests.test_cli import run

    pages, base = site
    seeds, index = tmp_path / "cli-seeds", tmp_path / "cli-index"
    seeds.mkdir()
    settings = {"HOIBAO_CRAWL_DELAY_SECONDS": "0.01", "HOIBAO_USER_AGENT": "hoibao-test/1",
                "HOIBAO_ALLOW_PRIVATE_ADDRESSES": "true"}  # the site is on 127.0.0.1
    result = run(["refresh", base + CAM], cwd=tmp_path, index_dir=index, seeds_dir=seeds, settings=settings)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"mới        {base}{CAM}  {article_file_name(base + CAM)} · Hợp tác xã Nà Lừ")
    assert lines[1] == "1 mới · 0 cập nhật · 0 không đổi · 0 lỗi"
    assert lines[2].startswith("Indexed 1 article, ")
