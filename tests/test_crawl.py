"""The crawler against the local news site: sources, the polite fetcher, refresh, deletions, schedule.

No embedder here: `rebuild` is a recorder. The index side (hot swap, the bot) is in test_refresh_bot.py.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from ingest import schedule
from ingest.add import FAILED, NEW, REMOVED, UNCHANGED, UPDATED
from ingest.admit import OFF_SITE
from ingest.follow import SourceRefused, add_source, remove_source, source_lines
from ingest.polite import Disallowed, PoliteFetcher
from ingest.refresh import REBUILD_PENDING, RefreshBusy, refresh, refresh_lock
from ingest.sources import NotASource, parse_listing
from ingest.state import PENDING, REMOVED as GONE, CrawlState, has_sources, state_path
from ingest.urls import article_file_name
from tests.fake_news import (STORIES, Site, article_page, atom, homepage, homepage_with_feeds, rss, serve, sitemap,
                             sitemap_index, story_page, vietnamese_legacy_bytes)

UA = "hoibao-test/1 (+https://baothu.example/lien-he)"
DELAY = 0.05  # seconds between two requests to the test site, unless robots.txt says otherwise
CAU, CAM, THU_VIEN = "/xa-hoi/cau-treo.html", "/kinh-te/cam-sanh.html", "/van-hoa/thu-vien-so.html"


@pytest.fixture
def site():
    """The site: robots.txt, three articles, an RSS feed of two of them, an Atom feed of the third."""
    pages = Site()
    base, stop = serve(pages)
    now = time.time()
    pages.raw("/robots.txt", 200, "text/plain", b"User-agent: *\nDisallow: /rieng/\n")
    pages.html(CAU, article_page())
    pages.html(CAM, story_page("cam-sanh"))
    pages.html(THU_VIEN, story_page("thu-vien-so"))
    pages.xml("/rss", rss(base, [("Cầu treo", CAU + "?utm_source=rss&utm_medium=feed", now),
                                 ("Cam sành", CAM, now - 600)]), "application/rss+xml")
    pages.xml("/atom", atom(base, [("Thư viện số", THU_VIEN, now)]), "application/atom+xml")
    yield pages, base
    stop()


@pytest.fixture
def crawl(tmp_path):
    """(state, fetcher, seeds folder, rebuild recorder) for one test."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    builds: list[int] = []
    with CrawlState(tmp_path / "index") as state, \
            PoliteFetcher(UA, timeout_seconds=1.0, max_bytes=200_000, default_delay=DELAY, allow_private=True) as fetcher:
        yield state, fetcher, seeds, builds


def run(crawl, **options):
    state, fetcher, seeds, builds = crawl
    return refresh(state, fetcher, seeds, rebuild=lambda: builds.append(1) or "built", **options)


def statuses(report) -> dict[str, str]:
    return {o.url.split("/", 3)[-1]: o.status for o in report.outcomes}


# ---------------------------------------------------------------- what a source URL is

def test_each_kind_of_source_is_recognised():
    base = "http://baothu.example"
    when = 1_710_000_000.0
    feed = parse_listing(rss(base, [("Cầu", CAU, when)]).encode(), base + "/rss", "application/rss+xml")
    assert (feed.kind, feed.describe(), feed.title) == ("rss", "RSS 2.0", "Báo Thử Nghiệm - Thời sự")
    assert [(e.url, e.published) for e in feed.entries] == [(base + CAU, when)]
    assert parse_listing(atom(base, [("T", THU_VIEN, when)]).encode(), base + "/atom").describe() == "Atom 1.0"
    plain = parse_listing(sitemap(base, [(CAU, when)]).encode(), base + "/sitemap.xml", "text/xml")
    assert plain.kind == "sitemap" and plain.entries[0].published == when
    news = parse_listing(sitemap(base, [(CAM, when)], news=True).encode(), base + "/news.xml")
    assert news.kind == "news-sitemap" and news.entries[0].url == base + CAM and news.entries[0].published == when
    index = parse_listing(sitemap_index(base, [("/sitemap-1.xml", when)]).encode(), base + "/sitemap-index.xml")
    assert index.kind == "sitemap-index" and index.children[0].url == base + "/sitemap-1.xml"
    home = parse_listing(homepage_with_feeds([("application/rss+xml", "/rss"), ("application/atom+xml", "/atom"),
                                              ("text/css", "/style.css")]).encode(), base + "/", "text/html")
    assert home.kind == "homepage" and home.feeds == (base + "/rss", base + "/atom")


@pytest.mark.parametrize(("body", "content_type", "why"), [
    (b'{"tin": []}', "application/json", "không phải XML hay HTML"),
    (b"<?xml version='1.0'?><rss><channel><item>", "application/xml", "XML hỏng"),
    (b"<?xml version='1.0'?><ketqua><dong>1</dong></ketqua>", "application/xml", "not a feed"),
])
def test_what_is_not_a_source_says_why(body, content_type, why):
    with pytest.raises(NotASource, match=why):
        parse_listing(body, "http://baothu.example/x", content_type)


# ---------------------------------------------------------------- hoibao sources add | list | remove

def test_sources_add_says_what_it_found_and_refuses_the_rest(site, crawl):
    pages, base = site
    state, fetcher, _, _ = crawl
    now = time.time()
    pages.xml("/sitemap.xml", sitemap(base, [(CAU, now)]))
    pages.xml("/news-sitemap.xml", sitemap(base, [(CAM, now)], news=True))
    pages.xml("/sitemap-index.xml", sitemap_index(base, [("/sitemap.xml", now)]))
    pages.html("/", homepage_with_feeds([("application/rss+xml", "/rss"), ("application/atom+xml", "/atom")]))
    pages.html("/khong-co-rss", homepage())
    pages.xml("/rieng/rss", rss(base, []), "application/rss+xml")

    lines = [a.line() for url in ("/sitemap.xml", "/news-sitemap.xml", "/sitemap-index.xml", "/")
             for a in add_source(state, fetcher, base + url)]
    assert lines == [
        f"Đã thêm nguồn sitemap: {base}/sitemap.xml · 1 bài đang liệt kê",
        f"Đã thêm nguồn news sitemap: {base}/news-sitemap.xml · 1 bài đang liệt kê",
        f"Đã thêm nguồn sitemap index: {base}/sitemap-index.xml · 1 sitemap con",
        f"Đã thêm nguồn RSS 2.0: {base}/rss · Báo Thử Nghiệm - Thời sự · 2 bài đang liệt kê (tìm thấy trên {base}/)",
        f"Đã thêm nguồn Atom 1.0: {base}/atom · Báo Thử Nghiệm - Kinh tế · 1 bài đang liệt kê (tìm thấy trên {base}/)",
    ]
    [again] = add_source(state, fetcher, f"{base}/rss?utm_source=x#top")
    assert again.line().startswith(f"Nguồn đã có RSS 2.0: {base}/rss")

    refusals = {
        "/khong-co-rss": 'không khai báo nguồn tin nào (no <link rel="alternate"',
        "/khong-co": "HTTP 404: trang không tồn tại",
        "/rieng/rss": "disallowed by robots.txt",
    }
    for path, why in refusals.items():
        with pytest.raises(SourceRefused) as refused:
            add_source(state, fetcher, base + path)
        assert str(refused.value).startswith(f"Không thêm được nguồn {base}{path}: ") and why in str(refused.value)
    with pytest.raises(SourceRefused, match="not an http or https URL"):
        add_source(state, fetcher, "ftp://baothu.example/rss")

    listed = source_lines(state)
    assert len(listed) == 5 and listed[3].startswith(f"RSS           {base}/rss  0 bài · 0 chưa lưu · 0 đã bỏ")
    assert remove_source(state, base + "/") == [f"Đã bỏ nguồn RSS: {base}/rss", f"Đã bỏ nguồn Atom: {base}/atom"]
    assert remove_source(state, base + "/sitemap.xml") == [f"Đã bỏ nguồn sitemap: {base}/sitemap.xml"]
    with pytest.raises(SourceRefused, match="Không có nguồn"):
        remove_source(state, base + "/rss")
    assert len(state.sources()) == 2


def test_the_database_lives_beside_the_index_in_wal_mode(tmp_path):
    assert not has_sources(tmp_path / "index") and not state_path(tmp_path / "index").exists()  # never created by a look
    with CrawlState(tmp_path / "index") as state:
        assert state.add_source("http://baothu.example/rss", "rss")
    path = tmp_path / "index" / "crawl.sqlite3"
    assert path.is_file() and has_sources(tmp_path / "index")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    columns = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
    assert {"url", "etag", "last_modified", "content_hash", "first_seen", "last_seen", "published",
            "gone_count", "failures", "next_check"} <= columns


# ---------------------------------------------------------------- refresh: new, unchanged, modified, removed

def test_new_then_unchanged_304_then_modified_then_removed_after_two_404s(site, crawl):
    pages, base = site
    state, fetcher, seeds, builds = crawl
    add_source(state, fetcher, base + "/rss")

    first = run(crawl)
    assert statuses(first) == {CAU[1:]: NEW, CAM[1:]: NEW} and builds == [1]
    assert first.summary() == "2 mới · 0 cập nhật · 0 không đổi · 0 lỗi"
    cau = seeds / article_file_name(base + CAU)
    assert cau.is_file() and "180 mét" in cau.read_text("utf-8")

    # Nothing is due yet: the feed answers 304 and no article is fetched.
    fetched = len(pages.log)
    quiet = run(crawl)
    assert quiet.outcomes == [] and builds == [1]
    assert [(h.path, h.status) for h in pages.log[fetched:]] == [("/rss", 304)]

    # --recheck: every article asked again with its validators; each costs a 304.
    fetched = len(pages.log)
    again = run(crawl, recheck=True)
    assert again.summary() == "0 mới · 0 cập nhật · 2 không đổi · 0 lỗi" and builds == [1]
    article_hits = [h for h in pages.log[fetched:] if h.path.endswith(".html")]
    assert {h.status for h in article_hits} == {304} and all(h.if_none_match for h in article_hits)
    assert all("utm_" not in h.path for h in pages.log)  # the canonical URL is what is fetched

    # A correction.
    pages.html(CAM, story_page("cam-sanh", body=(*STORIES["cam-sanh"][2][:2], "Giá cam được điều chỉnh còn 16.000 đồng mỗi kilôgam.")))
    corrected = run(crawl, recheck=True)
    assert statuses(corrected) == {CAU[1:]: UNCHANGED, CAM[1:]: UPDATED} and builds == [1, 1]
    assert "16.000 đồng" in (seeds / article_file_name(base + CAM)).read_text("utf-8")

    # The cầu treo article rolls off the feed: not a deletion.
    pages.xml("/rss", rss(base, [("Cam sành", CAM, time.time())]), "application/rss+xml")
    rolled = run(crawl, recheck=True)
    assert statuses(rolled) == {CAU[1:]: UNCHANGED, CAM[1:]: UNCHANGED} and cau.is_file()

    # Gone: 410 once is a failure; the second check in a row deletes it, and the index is rebuilt.
    pages.gone(CAU, 410)
    once = run(crawl, recheck=True)
    assert statuses(once)[CAU[1:]] == FAILED and cau.is_file() and builds == [1, 1]
    assert "HTTP 410" in once.outcomes[0].reason and "lần 1/2" in once.outcomes[0].reason
    twice = run(crawl, recheck=True)
    assert statuses(twice)[CAU[1:]] == REMOVED and not cau.exists() and builds == [1, 1, 1]
    assert twice.summary() == "0 mới · 0 cập nhật · 1 không đổi · 0 lỗi · 1 đã xoá"
    assert state.article(base + CAU).state == GONE
    asked = len(pages.hits(CAU))
    assert statuses(run(crawl, recheck=True)) == {CAM[1:]: UNCHANGED} and len(pages.hits(CAU)) == asked  # not asked again


def test_a_404_between_two_good_answers_is_not_a_deletion(site, crawl):
    pages, base = site
    state, fetcher, seeds, builds = crawl
    add_source(state, fetcher, base + "/atom")
    run(crawl)
    pages.gone(THU_VIEN, 404)
    assert statuses(run(crawl, recheck=True))[THU_VIEN[1:]] == FAILED
    pages.html(THU_VIEN, story_page("thu-vien-so"))
    assert statuses(run(crawl, recheck=True))[THU_VIEN[1:]] == UNCHANGED
    pages.gone(THU_VIEN, 404)
    assert statuses(run(crawl, recheck=True))[THU_VIEN[1:]] == FAILED  # 1/2 again: the streak was broken
    assert (seeds / article_file_name(base + THU_VIEN)).is_file()


def test_same_article_listed_with_tracking_parameters_by_two_sources_is_one_file(site, crawl):
    pages, base = site
    state, fetcher, seeds, builds = crawl
    pages.xml("/sitemap.xml", sitemap(base, [(CAU + "#binh-luan", time.time()), (CAU + "?fbclid=zz", time.time())]))
    add_source(state, fetcher, base + "/rss")
    add_source(state, fetcher, base + "/sitemap.xml")
    report = run(crawl)
    assert [o.status for o in report.outcomes] == [NEW, NEW]
    assert len(list(seeds.glob("*.txt"))) == 2 and len(state.articles()) == 2
    assert len(pages.hits(CAU)) == 1


def test_each_failure_fails_only_its_url_with_a_reason(site, crawl):
    pages, base = site
    state, fetcher, seeds, builds = crawl
    pages.raw("/loi", 500, "text/html", b"<h1>500</h1>")
    pages.html("/cham", article_page())
    pages.slow["/cham"] = 2.0
    pages.raw("/vong", 301, "text/html", b"", Location=f"{base}/vong")
    pages.raw("/bai-cu", 301, "text/html", b"", Location=f"{base}{CAU}")
    pages.raw("/tep.pdf", 200, "application/pdf", b"%PDF-1.4")
    pages.html("/lon", article_page() + "<!--" + "x" * 200_000 + "-->")
    pages.raw("/ma-cu", 200, "text/html; charset=utf-8", vietnamese_legacy_bytes(story_page("giai-chay")))
    pages.html("/chuyen-muc", homepage())
    pages.html("/rieng/bai.html", story_page("thu-vien-so"))
    paths = ["/loi", "/cham", "/vong", "/bai-cu", "/tep.pdf", "/lon", "/ma-cu", "/chuyen-muc", "/rieng/bai.html", CAM]
    pages.xml("/rss", rss(base, [("t", p, time.time()) for p in paths]), "application/rss+xml")
    add_source(state, fetcher, base + "/rss")
    report = run(crawl)
    reasons = {o.url.removeprefix(base): (o.status, o.reason) for o in report.outcomes}
    assert reasons["/loi"][1].startswith("HTTP 500: lỗi máy chủ")
    assert reasons["/cham"][1] == "quá thời gian chờ 1 s cho cả trang (deadline)"
    assert "redirect loop" in reasons["/vong"][1]
    assert reasons["/bai-cu"][0] == NEW  # a 301 followed
    assert reasons["/tep.pdf"][1] == "không phải trang HTML (application/pdf); not HTML"
    assert reasons["/lon"][1] == "trang quá lớn, trên 0.2 MB (too large)"
    assert "wrong encoding" in reasons["/ma-cu"][1]
    assert reasons["/chuyen-muc"][1].startswith("Không tìm thấy nội dung bài báo tại URL này")
    assert "disallowed by robots.txt" in reasons["/rieng/bai.html"][1]
    assert reasons[CAM][0] == NEW
    assert report.summary() == "2 mới · 0 cập nhật · 0 không đổi · 8 lỗi" and builds == [1]
    assert not pages.hits("/rieng/bai.html")  # never asked
    failed = state.article(base + "/loi")
    assert failed.state == PENDING and failed.failures == 1 and failed.last_error.startswith("HTTP 500")
    assert failed.next_check == pytest.approx(failed.last_checked + schedule.FIRST_RETRY)


def test_urls_urllib_rejects_in_a_listing_or_a_redirect_fail_only_themselves(site, crawl):
    """A hostile sitemap ("http://[x", a port out of range, a host IDNA refuses) and a redirect to such a URL
    never stop the refresh."""
    pages, base = site
    state, fetcher, seeds, builds = crawl
    pages.raw("/hong", 302, "text/html", b"", Location="http://[hong/bai")
    locs = ["http://[hong/x", "http://baothu.example:99999/y", "http://a..b/z", f"{base}/hong", f"{base}{CAM}"]
    pages.xml("/sitemap.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              + "".join(f"<url><loc>{loc}</loc></url>" for loc in locs) + "</urlset>", "application/xml")
    add_source(state, fetcher, base + "/sitemap.xml")
    report = run(crawl)
    reasons = {o.url.removeprefix(base): (o.status, o.reason) for o in report.outcomes}
    assert set(reasons) == {"/hong", CAM}
    assert report.skipped == {OFF_SITE: 1}  # a..b is another site (a source follows its own)
    assert reasons["/hong"] == (FAILED, "chuyển hướng tới địa chỉ không hợp lệ 'http://[hong/bai' (bad redirect)")
    assert reasons[CAM][0] == NEW


def test_a_source_that_fails_is_one_line_and_the_others_go_on(site, crawl):
    pages, base = site
    state, fetcher, seeds, builds = crawl
    add_source(state, fetcher, base + "/rss")
    add_source(state, fetcher, base + "/atom")
    pages.raw("/rss", 503, "text/html", b"<h1>503</h1>")
    report = run(crawl)
    assert [(o.url, o.status) for o in report.outcomes] == [(base + "/rss", FAILED), (base + THU_VIEN, NEW)]
    assert report.outcomes[0].reason.startswith("nguồn tin: HTTP 503")
    assert report.sources == 2 and report.sources_failed == 1
    assert state.source(base + "/rss").failures == 1


def test_a_homepage_answering_instead_of_the_feed_is_a_source_failure(site, crawl):
    pages, base = site
    state, fetcher, _, _ = crawl
    add_source(state, fetcher, base + "/rss")
    pages.html("/rss", homepage())
    [failed] = run(crawl).outcomes
    assert "không còn là RSS/Atom hay sitemap" in failed.reason


def test_a_sitemap_index_reads_its_changed_sitemaps_only(site, crawl):
    pages, base = site
    state, fetcher, seeds, builds = crawl
    then = time.time() - 3600
    pages.xml("/sitemap-1.xml", sitemap(base, [(CAU, then)]))
    pages.xml("/sitemap-2.xml", sitemap(base, [(CAM, then)], news=True))
    pages.xml("/sitemap-index.xml", sitemap_index(base, [("/sitemap-1.xml", then), ("/sitemap-2.xml", then)]))
    add_source(state, fetcher, base + "/sitemap-index.xml")
    assert [o.status for o in run(crawl).outcomes] == [NEW, NEW]
    pages.xml("/sitemap-2.xml", sitemap(base, [(CAM, then), (THU_VIEN, time.time())], news=True))
    pages.xml("/sitemap-index.xml", sitemap_index(base, [("/sitemap-1.xml", then), ("/sitemap-2.xml", time.time())]))
    fetched = len(pages.log)
    assert statuses(run(crawl)) == {THU_VIEN[1:]: NEW}
    assert [h.path for h in pages.log[fetched:]] == ["/sitemap-index.xml", "/sitemap-2.xml", THU_VIEN]


def test_a_removed_source_stops_its_checks_and_keeps_its_articles(site, crawl):
    pages, base = site
    state, fetcher, seeds, builds = crawl
    add_source(state, fetcher, base + "/atom")
    run(crawl)
    remove_source(state, base + "/atom")
    fetched = len(pages.log)
    assert run(crawl, recheck=True).outcomes == [] and len(pages.log) == fetched
    assert (seeds / article_file_name(base + THU_VIEN)).is_file()


def test_a_file_deleted_by_an_editor_is_no_longer_followed(site, crawl):
    pages, base = site
    state, fetcher, seeds, builds = crawl
    add_source(state, fetcher, base + "/atom")
    run(crawl)
    (seeds / article_file_name(base + THU_VIEN)).unlink()
    assert run(crawl, recheck=True).outcomes == []
    assert state.article(base + THU_VIEN).state == GONE and not list(seeds.iterdir())


def test_a_failed_rebuild_is_retried_by_the_next_refresh(site, crawl):
    pages, base = site
    state, fetcher, seeds, builds = crawl
    add_source(state, fetcher, base + "/atom")

    def broken():
        raise RuntimeError("disk full")

    report = refresh(state, fetcher, seeds, rebuild=broken)
    assert report.build_error == "RuntimeError: disk full" and state.get_flag(REBUILD_PENDING) == "1"
    again = run(crawl)
    assert again.outcomes == [] and builds == [1] and state.get_flag(REBUILD_PENDING) == ""


def test_two_refreshes_never_run_at_once(tmp_path):
    with refresh_lock(tmp_path):
        with pytest.raises(RefreshBusy, match="Another refresh is running"):
            with refresh_lock(tmp_path):
                pass
    with refresh_lock(tmp_path):  # released
        pass


def test_a_stop_request_ends_the_refresh_between_urls(site, crawl):
    _, base = site
    state, fetcher, seeds, builds = crawl
    add_source(state, fetcher, base + "/rss")
    done: list = []
    report = run(crawl, on_outcome=done.append, should_stop=lambda: len(done) >= 1)
    assert report.stopped and len(report.outcomes) == 1 and builds == []  # no rebuild on the way out
    assert state.get_flag(REBUILD_PENDING) == "1"  # the next run rebuilds


def test_at_most_max_articles_per_run_newest_first(site, crawl):
    pages, base = site
    state, fetcher, seeds, builds = crawl
    now = time.time()
    pages.xml("/rss", rss(base, [("a", CAM, now - 7200), ("b", CAU, now), ("c", THU_VIEN, now - 3600)]),
              "application/rss+xml")
    add_source(state, fetcher, base + "/rss")
    assert [o.url for o in run(crawl, max_articles=2).outcomes] == [base + CAU, base + THU_VIEN]
    assert [o.url for o in run(crawl, max_articles=2).outcomes] == [base + CAM]


# ---------------------------------------------------------------- the schedule

def test_recent_articles_hourly_old_ones_weekly_gone_ones_within_the_hour(site, crawl):
    pages, base = site
    state, fetcher, seeds, builds = crawl
    now = time.time()
    old = now - 10 * schedule.DAY
    pages.xml("/rss", rss(base, [("moi", CAU, now - 3600), ("cu", CAM, old)]), "application/rss+xml")
    add_source(state, fetcher, base + "/rss")
    clock = [now]
    run(crawl, clock=lambda: clock[0])
    assert state.article(base + CAU).next_check == pytest.approx(now + schedule.HOUR)
    assert state.article(base + CAM).next_check == pytest.approx(now + 7 * schedule.DAY)

    clock[0] = now + schedule.HOUR + 1
    assert statuses(run(crawl, clock=lambda: clock[0])) == {CAU[1:]: UNCHANGED}
    clock[0] = now + 2 * schedule.DAY + 1  # past 48 h: the recent one moves to weekly
    run(crawl, clock=lambda: clock[0])
    assert state.article(base + CAU).next_check == pytest.approx(clock[0] + 7 * schedule.DAY)

    clock[0] = now + 7 * schedule.DAY + 1
    pages.gone(CAM, 404)
    assert statuses(run(crawl, clock=lambda: clock[0])) == {CAM[1:]: FAILED}
    assert state.article(base + CAM).next_check == pytest.approx(clock[0] + schedule.GONE_RECHECK)


def test_a_new_listed_date_makes_an_article_due_at_once(site, crawl):
    pages, base = site
    state, fetcher, seeds, builds = crawl
    then = time.time() - 3600
    pages.xml("/sitemap.xml", sitemap(base, [(CAU, then)]))
    add_source(state, fetcher, base + "/sitemap.xml")
    run(crawl)
    pages.html(CAU, article_page(title="Khánh thành cầu treo Suối Mây dài 180 mét"))
    assert run(crawl).outcomes == []  # not due, and the sitemap did not change
    pages.xml("/sitemap.xml", sitemap(base, [(CAU, time.time())]))
    assert statuses(run(crawl)) == {CAU[1:]: UPDATED}


def test_the_schedule_rules():
    now, born = 1_000_000.0, 1_000_000.0 - 3600
    assert schedule.next_check(now, born, born) == now + schedule.HOUR
    assert schedule.next_check(now, None, now - 3 * schedule.DAY) == now + 7 * schedule.DAY
    assert schedule.next_check(now, born, born, gone=True) == now + schedule.HOUR
    assert [schedule.next_check(now, None, now - 3 * schedule.DAY, failures=n) - now for n in (1, 2, 3)] == [900, 1800, 3600]
    assert schedule.next_check(now, born, born, failures=5) == now + schedule.HOUR  # never past its usual period


# ---------------------------------------------------------------- politeness

def _gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:])]


def test_robots_crawl_delay_is_honoured_one_request_at_a_time(site, tmp_path):
    pages, base = site
    pages.raw("/robots.txt", 200, "text/plain", b"User-agent: *\nCrawl-delay: 0.2\nDisallow: /rieng/\n")
    urls = [base + p for p in (CAU, CAM, THU_VIEN)]
    with PoliteFetcher(UA, timeout_seconds=2, max_bytes=200_000, default_delay=0.0, allow_private=True) as fetcher:
        threads = [threading.Thread(target=fetcher.get, args=(u,)) for u in urls * 2]  # six at once
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        sent = [s.started for s in fetcher.requests]
        assert fetcher.delay(base + "/") == 0.2
    assert len(sent) == 7 and [s.url for s in fetcher.requests][0] == base + "/robots.txt"
    assert min(_gaps(sent)) >= 0.2  # the fetcher's own record: each start 0.2 s after the previous
    arrived = sorted(h.at for h in pages.log)
    assert min(_gaps(arrived)) >= 0.1  # and the server's, spaced too (less a margin for a busy machine's jitter)
    assert {h.user_agent for h in pages.log} == {UA}


def test_without_a_crawl_delay_the_default_delay_applies(site, crawl):
    pages, base = site
    state, fetcher, _, _ = crawl
    fetcher.default_delay = 0.2
    add_source(state, fetcher, base + "/rss")
    run(crawl)
    sent = [s.started for s in fetcher.requests]
    assert len(sent) == 5  # robots.txt, the feed (sources add), the feed again, two articles
    assert min(_gaps(sent)) >= 0.2
    assert len(pages.hits("/robots.txt")) == 1  # read once, kept for the hour


def test_a_robots_txt_in_a_charset_python_does_not_know_is_read_as_utf8(site):
    pages, base = site
    pages.raw("/robots.txt", 200, "text/plain; charset=khong-co", b"User-agent: *\nDisallow: /rieng/\n")
    with PoliteFetcher(UA, timeout_seconds=1, max_bytes=100_000, default_delay=0, allow_private=True) as fetcher:
        with pytest.raises(Disallowed, match="disallowed by robots.txt"):
            fetcher.get(base + "/rieng/bai.html")
        assert fetcher.allowed(base + CAU)


def test_robots_disallow_and_an_unreachable_robots_txt(site):
    pages, base = site
    with PoliteFetcher(UA, timeout_seconds=1, max_bytes=100_000, default_delay=0, allow_private=True) as fetcher:
        with pytest.raises(Disallowed, match="disallowed by robots.txt"):
            fetcher.get(base + "/rieng/bai.html")
        assert fetcher.allowed(base + CAU)
    pages.raw("/robots.txt", 503, "text/plain", b"")
    with PoliteFetcher(UA, timeout_seconds=1, max_bytes=100_000, default_delay=0, allow_private=True) as fetcher:
        with pytest.raises(Disallowed, match="robots.txt trả HTTP 503"):
            fetcher.get(base + CAU)
    pages.gone("/robots.txt", 404)
    with PoliteFetcher(UA, timeout_seconds=1, max_bytes=100_000, default_delay=0, allow_private=True) as fetcher:
        assert fetcher.get(base + "/rieng/bai.html").status == 404  # no robots.txt: everything allowed
    assert not [h for h in pages.log if h.path == "/rieng/bai.html" and h.status != 404]


def test_a_robots_txt_for_another_bot_does_not_stop_hoibao(site):
    pages, base = site
    pages.raw("/robots.txt", 200, "text/plain", b"User-agent: BadBot\nDisallow: /\n\nUser-agent: hoibao-test\nDisallow: /kinh-te/\n")
    with PoliteFetcher(UA, timeout_seconds=1, max_bytes=100_000, default_delay=0, allow_private=True) as fetcher:
        assert fetcher.get(base + CAU).status == 200
        assert not fetcher.allowed(base + CAM)


def test_conditional_get_sends_the_validators(site):
    pages, base = site
    with PoliteFetcher(UA, timeout_seconds=1, max_bytes=200_000, default_delay=0, allow_private=True) as fetcher:
        first = fetcher.get(base + CAU)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert fetcher.get(base + CAU, etag=etag).not_modified
        assert fetcher.get(base + CAU, last_modified=modified).not_modified
        pages.html(CAU, article_page(title="Cầu treo mới"))
        assert fetcher.get(base + CAU, etag=etag).status == 200


def test_a_long_run_shows_a_progress_bar_and_still_prints_each_line(site, crawl, capsys):
    pages, base = site
    state, fetcher, seeds, builds = crawl
    fetcher.default_delay = 0.0
    paths = [f"/tin/{i}.html" for i in range(22)]
    for n, path in enumerate(paths):  # 22 articles, not one article 22 times (a duplicate is not saved)
        pages.html(path, story_page("giai-chay", title=f"Giải chạy số {n}"))
    pages.xml("/rss", rss(base, [("t", p, time.time()) for p in paths]), "application/rss+xml")
    add_source(state, fetcher, base + "/rss")
    report = run(crawl, progress=True, on_outcome=lambda o: print(o.line()))
    out, err = capsys.readouterr()
    assert report.count(NEW) == 22 and out.count("mới ") == 22
    assert "Làm mới:" in err and "/22 [" in err  # the bar, on stderr
    quiet = run(crawl, progress=True)  # nothing due: no bar
    assert quiet.outcomes == [] and capsys.readouterr().err == ""


def test_an_error_nobody_foresaw_fails_that_article_only(site, crawl, monkeypatch):
    """Fault injection at the extraction step: whatever breaks on one page, the other pages are saved."""
    import ingest.refresh as refreshing

    pages, base = site
    state, fetcher, seeds, builds = crawl
    add_source(state, fetcher, base + "/rss")
    real_save = refreshing.save_page

    def save_page(url, page, seeds_dir, prune, duplicate_of=None):
        if CAM in url:
            raise RecursionError("maximum recursion depth exceeded in an odd page")
        return real_save(url, page, seeds_dir, prune, duplicate_of)

    monkeypatch.setattr(refreshing, "save_page", save_page)
    report = run(crawl)
    assert statuses(report) == {CAU.lstrip("/"): NEW, CAM.lstrip("/"): FAILED}
    failed = next(o for o in report.outcomes if o.status == FAILED)
    assert "RecursionError" in failed.reason and "-v" in failed.reason
    assert builds == [1]  # the good article was indexed
    [row] = [r for r in state.articles() if CAM in r.url]
    assert row.failures == 1 and "RecursionError" in row.last_error
