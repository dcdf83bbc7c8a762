"""`hoibao add` against a local news site on 127.0.0.1: new, unchanged, updated, and every failure by reason."""

from __future__ import annotations

import json

import pytest

from ingest.add import FAILED, NEW, UNCHANGED, UPDATED, add_urls
from ingest.fetch import make_client
from tests.fake_news import BODY, Site, article_page, homepage, serve
from tests.test_cli import run

LOCAL = {"HOIBAO_ALLOW_PRIVATE_ADDRESSES": "true"}  # the fake site is on 127.0.0.1

MAX_BYTES = 10_000


@pytest.fixture
def site():
    """The test site: an article, a redirect to it, a loop, errors, a slow page, a PDF, a big page, a homepage."""
    pages = Site()
    pages.html("/xa-hoi/cau-treo.html", article_page())
    pages.html("/", homepage())
    base, stop = serve(pages)
    pages.raw("/bai-cu", 301, "text/html", b"", Location=f"{base}/xa-hoi/cau-treo.html")
    pages.raw("/vong", 301, "text/html", b"", Location=f"{base}/vong")
    pages.raw("/loi", 500, "text/html", b"<h1>500</h1>")
    pages.html("/cham", article_page())
    pages.delay = 3.0
    pages.raw("/tep.pdf", 200, "application/pdf", b"%PDF-1.4 " + b"0" * 100)
    pages.html("/lon", article_page() + "<!--" + "x" * MAX_BYTES + "-->")
    yield pages, base
    stop()


def add(urls, seeds, builds):
    with make_client("hoibao-test/1", timeout_seconds=1.0, allow_private=True) as client:
        return add_urls(urls, seeds, client, MAX_BYTES, rebuild=lambda: builds.append(1))


def test_every_failure_has_its_reason_and_the_others_are_still_added(tmp_path, site):
    _, base = site
    builds: list[int] = []
    urls = [f"{base}/mat", f"{base}/loi", f"{base}/cham", f"{base}/tep.pdf", f"{base}/lon",
            f"{base}/vong", f"{base}/", f"{base}/bai-cu", "ftp://baothu.example/a"]
    report = add(urls, tmp_path, builds)
    reasons = {o.url.removeprefix(base): (o.status, o.reason) for o in report.outcomes}
    assert reasons["/mat"] == (FAILED, "HTTP 404: trang không tồn tại (not found)")
    assert reasons["/loi"][1].startswith("HTTP 500: lỗi máy chủ")
    assert reasons["/cham"][1] == "quá thời gian chờ 1 s cho cả trang (deadline)"
    assert reasons["/tep.pdf"][1] == "không phải trang HTML (application/pdf); not HTML"
    assert reasons["/lon"][1] == "trang quá lớn, trên 0.01 MB (too large)"
    assert "redirect loop" in reasons["/vong"][1]
    assert reasons["/"][1].startswith("Không tìm thấy nội dung bài báo tại URL này (chỉ ")
    assert "trang chủ hoặc trang chuyên mục" in reasons["/"][1]
    assert reasons["ftp://baothu.example/a"][0] == FAILED
    assert reasons["/bai-cu"][0] == NEW  # the redirect is followed; the article is saved
    assert report.summary() == "1 mới · 0 cập nhật · 0 không đổi · 8 lỗi"
    assert report.exit_code == 0 and builds == [1]
    [saved] = tmp_path.glob("*.txt")
    assert f"url: {base}/xa-hoi/cau-treo.html" in saved.read_text("utf-8")  # where the redirect led


def test_all_failed_exits_2_and_builds_nothing(tmp_path, site):
    _, base = site
    builds: list[int] = []
    report = add([f"{base}/mat", f"{base}/"], tmp_path, builds)
    assert report.exit_code == 2 and builds == [] and not list(tmp_path.iterdir())


def test_same_article_twice_is_one_file_and_a_changed_page_replaces_it(tmp_path, site):
    pages, base = site
    builds: list[int] = []
    url = f"{base}/xa-hoi/cau-treo.html"
    assert [o.status for o in add([url], tmp_path, builds).outcomes] == [NEW]
    again = add([f"{url}?utm_source=zalo&fbclid=1#binh-luan"], tmp_path, builds)
    assert [o.status for o in again.outcomes] == [UNCHANGED] and again.exit_code == 0
    assert len(list(tmp_path.iterdir())) == 1 and builds == [1]  # unchanged: no rebuild
    pages.html("/xa-hoi/cau-treo.html", article_page(body=(*BODY[:3], "Cầu được đặt tên Suối Mây theo tên con suối chảy qua hai thôn.")))
    assert [o.status for o in add([url], tmp_path, builds).outcomes] == [UPDATED]
    [saved] = tmp_path.iterdir()
    assert "theo tên con suối" in saved.read_text("utf-8") and "Theo kế hoạch" not in saved.read_text("utf-8")
    assert builds == [1, 1]


def test_hoibao_add_then_ask_finds_the_fact_and_cites_the_file(tmp_path, site):
    pages, base = site
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    seeds.mkdir()
    url = f"{base}/xa-hoi/cau-treo.html"
    added = run(["add", url, f"{base}/mat", f"{base}/"], cwd=tmp_path, index_dir=index, seeds_dir=seeds, settings=LOCAL)
    assert added.returncode == 0, added.stderr
    lines = added.stdout.splitlines()
    [saved] = seeds.glob("*.txt")
    assert lines[0] == f"mới        {url}  {saved.name} · Khánh thành cầu treo Suối Mây"
    assert lines[1] == f"lỗi        {base}/mat  HTTP 404: trang không tồn tại (not found)"
    assert lines[2].startswith(f"lỗi        {base}/  Không tìm thấy nội dung bài báo tại URL này")
    assert lines[3] == "1 mới · 0 cập nhật · 0 không đổi · 2 lỗi"
    assert lines[4].startswith("Indexed 1 article, 5 paragraphs")

    asked = run(["ask", "--json", "Cầu treo Suối Mây dài bao nhiêu mét?"], cwd=tmp_path, index_dir=index)
    assert asked.returncode == 0, asked.stderr
    reply = json.loads(asked.stdout)
    assert reply["found"] and "180 mét" in reply["reply"]
    top = reply["citations"][0]
    assert (top["source"], top["paragraph"], top["url"], top["author"]) == (saved.name, 1, url, "THANH TÂM")

    again = run(["add", f"{url}?utm_source=x#frag"], cwd=tmp_path, index_dir=index, seeds_dir=seeds, settings=LOCAL)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "0 mới · 0 cập nhật · 1 không đổi · 0 lỗi"
    assert len(list(seeds.glob("*.txt"))) == 1

    failed = run(["add", f"{base}/mat"], cwd=tmp_path, index_dir=index, seeds_dir=seeds, settings=LOCAL)
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
