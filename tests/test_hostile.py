"""The crawler and `hoibao add` against a hostile site on 127.0.0.1 (tests/hostile_site.py).

Each case fails only its own URL, with its reason, within the deadline. Memory is measured by
benchmarks/hostile_fetch.py (peak RSS per case), not here.
"""

from __future__ import annotations

import time

import pytest

from ingest.add import DUPLICATE, FAILED, NEW, REMOVED, add_urls
from ingest.admit import OFF_SITE, OVER_CAP, Limits
from ingest.errors import FetchFailed
from ingest.fetch import fetch, make_client
from ingest.follow import add_source
from ingest.polite import PoliteFetcher
from ingest.refresh import refresh
from ingest.state import CrawlState
from ingest.urls import canonical_url
from tests.hostile_site import MATHTEXT_TITLE, Hostile, gzip_bomb

UA = "hoibao-test/1"
CAP = 5_000_000
TIMEOUT = 1.0  # seconds per URL, wall clock


@pytest.fixture(scope="module")
def hostile():
    gzip_bomb()  # made before serving: its 3 s are not the client's deadline
    site = Hostile(drip=0.2).start()
    yield site
    site.stop()


@pytest.fixture
def client():
    with make_client(UA, TIMEOUT, allow_private=True) as local:  # the site is on 127.0.0.1
        yield local


def failure(url: str, client) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(FetchFailed) as caught:
        fetch(url, client, CAP)
    return caught.value.reason, time.monotonic() - started


def test_a_gzip_bomb_stops_at_the_cap_counted_in_decoded_bytes(hostile, client):
    reason, _ = failure(hostile.base + "/bomb/gzip", client)  # 1 MB on the wire, 1 GiB decoded
    assert reason == "trang quá lớn, trên 5 MB (too large)"


def test_stacked_content_codings_are_refused_before_decoding(hostile, client):
    reason, _ = failure(hostile.base + "/bomb/gzip-gzip", client)  # 1,827 bytes, 1 GiB decoded
    assert reason.startswith("nhiều lớp nén chồng nhau (gzip, gzip)")


@pytest.mark.parametrize("path", ["/slow/headers", "/slow/body"])
def test_a_server_that_drips_fails_at_the_deadline(hostile, client, path):
    """A byte every 0.2 s never trips a per-read timeout; the 1 s deadline for the whole URL does.
    Without it this would run for 2,000 s; the bound leaves room for a loaded machine."""
    reason, took = failure(hostile.base + path, client)
    assert reason == f"quá thời gian chờ {TIMEOUT:g} s cho cả trang (deadline)"
    assert took < 10


def test_the_polite_fetcher_has_the_same_deadline_and_cap(hostile):
    with PoliteFetcher(UA, timeout_seconds=TIMEOUT, max_bytes=CAP, default_delay=0, allow_private=True) as fetcher:
        for path, expected in (("/slow/headers", "cho cả trang (deadline)"), ("/bomb/gzip", "too large"),
                               ("/bomb/gzip-gzip", "stacked content codings")):
            with pytest.raises(FetchFailed) as caught:
                fetcher.get(hostile.base + path)
            assert expected in caught.value.reason


@pytest.mark.parametrize("path, host", [("/redirect/other-site", "127.0.0.2"), ("/redirect/localhost", "localhost")])
def test_a_redirect_to_another_site_is_refused_even_on_loopback(hostile, client, path, host):
    reason, _ = failure(hostile.base + path, client)
    assert reason.startswith(f"chuyển hướng ngoài trang của nguồn ({host} không thuộc 127.0.0.1)")


def test_private_addresses_are_refused_unless_allowed(hostile, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    before = len(hostile.hits)
    with make_client(UA, TIMEOUT) as guarded:  # HOIBAO_ALLOW_PRIVATE_ADDRESSES unset
        report = add_urls([hostile.base + "/article.html"], seeds, guarded, CAP, rebuild=lambda: None)
    [outcome] = report.outcomes
    assert outcome.status == FAILED and outcome.reason.startswith("địa chỉ nội bộ 127.0.0.1 (loopback) bị từ chối")
    assert len(hostile.hits) == before  # not one byte was sent
    with PoliteFetcher(UA, timeout_seconds=TIMEOUT, max_bytes=CAP, default_delay=0) as fetcher:
        with pytest.raises(FetchFailed, match="địa chỉ nội bộ"):
            fetcher.get(hostile.base + "/article.html")


def test_each_hostile_url_fails_alone_and_the_good_one_is_saved(hostile, client, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    paths = ["/bomb/gzip", "/bomb/gzip-gzip", "/slow/headers", "/redirect/other-site", "/mathtext.html"]
    report = add_urls([hostile.base + p for p in paths], seeds, client, CAP, rebuild=lambda: "built")
    statuses = {o.url.removeprefix(hostile.base): o.status for o in report.outcomes}
    assert statuses == {**{p: FAILED for p in paths[:-1]}, "/mathtext.html": NEW}
    saved = next(seeds.glob("*.txt")).read_text("utf-8")
    assert MATHTEXT_TITLE in saved and report.build == "built"


def _refresh(tmp_path, source: str, limits: Limits, max_articles: int = 5):
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    with CrawlState(tmp_path / "index") as state, \
            PoliteFetcher(UA, timeout_seconds=5, max_bytes=CAP, default_delay=0, allow_private=True) as fetcher:
        if not state.sources():
            add_source(state, fetcher, source)
        report = refresh(state, fetcher, seeds, rebuild=lambda: "built", max_articles=max_articles, limits=limits)
        return report, state.article_count(), sorted(p.name for p in seeds.glob("*.txt"))


def test_a_sitemap_of_60000_articles_is_capped_deduplicated_and_counted(hostile, tmp_path):
    report, rows, files = _refresh(tmp_path, hostile.base + "/sitemap-60000.xml", Limits(max_new_per_source=50))
    assert rows == 50 and report.skipped == {OVER_CAP: 59_950}
    # Five fetched this run, every page the same text: one file, four duplicates not saved.
    assert (report.count(NEW), report.count(DUPLICATE), len(files)) == (1, 4, 1)
    assert report.summary() == "1 mới · 0 cập nhật · 0 không đổi · 0 lỗi · 4 trùng · bỏ qua 59.950 (59.950 vượt giới hạn)"


def test_the_total_cap_holds_across_sources(hostile, tmp_path):
    report, rows, _ = _refresh(tmp_path, hostile.base + "/sitemap-60000.xml",
                               Limits(max_new_per_source=50, max_articles=30))
    assert rows == 30 and report.skipped == {OVER_CAP: 59_970}


def test_a_feed_leading_to_other_hosts_keeps_to_its_own_site(hostile, tmp_path):
    report, rows, files = _refresh(tmp_path, hostile.base + "/feed/elsewhere.xml", Limits())
    assert report.skipped == {OFF_SITE: 2} and rows == 1 and report.count(NEW) == 1  # 127.0.0.2 and 10.0.0.1 skipped
    assert "bỏ qua 2 (2 ngoài trang)" in report.summary()


def test_allowed_hosts_extend_a_sources_site(hostile, tmp_path):
    report, rows, _ = _refresh(tmp_path, hostile.base + "/feed/elsewhere.xml", Limits(allowed_hosts=("127.0.0.2",)))
    assert report.skipped == {OFF_SITE: 1} and rows == 2  # 10.0.0.1 is still another site


def test_ipv6_urls_keep_their_brackets():
    assert canonical_url("http://[::1]:8080/a?utm_source=x") == "http://[::1]:8080/a"
    assert canonical_url("HTTP://[2001:DB8::1]/b") == "http://[2001:db8::1]/b"


def test_an_article_saved_off_site_before_the_rule_is_removed_when_due(hostile, tmp_path):
    """A crawl database from before sources kept to their site may hold an internal page a feed
    pointed at; when it comes due it is deleted (answers stop quoting it) and no longer followed."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    elsewhere = "http://127.0.0.2/noi-bo.html"
    with CrawlState(tmp_path / "index") as state, \
            PoliteFetcher(UA, timeout_seconds=5, max_bytes=CAP, default_delay=0, allow_private=True) as fetcher:
        add_source(state, fetcher, hostile.base + "/feed/elsewhere.xml")
        [source] = state.sources()
        state.listed(elsewhere, elsewhere, "noi-bo.txt", source.id, 0.0, None, "")  # as the old rule recorded it
        state.checked(elsewhere, 0.0, 0.0, state="saved")
        (seeds / "noi-bo.txt").write_text("Trang nội bộ\n\nKhông dành cho bạn đọc.\n", "utf-8")
        report = refresh(state, fetcher, seeds, rebuild=lambda: "built", limits=Limits())
        outcome = next(o for o in report.outcomes if o.url == elsewhere)
        assert outcome.status == REMOVED and "ngoài trang của nguồn (127.0.0.2" in outcome.reason
        assert not (seeds / "noi-bo.txt").exists() and state.article(elsewhere).state == "removed"
        assert report.build == "built"
