"""Extraction of whole synthetic Vietnamese pages: the sapo, the byline, a per-site prune rule, encodings."""

from __future__ import annotations

import pytest

from ingest.errors import FetchFailed
from ingest.extract import extract, site_rule
from ingest.fetch import Page
from tests.fake_news import SAPO, article_page, story_page, vietnamese_legacy_bytes

URL = "https://baothu.example/xa-hoi/cau-treo.html"
RELATED = ('<div class="tin-lien-quan"><p>Tin liên quan: Hòa Lạc xây thêm hai cây cầu dân sinh trong năm nay, '
           "vốn từ ngân sách tỉnh và xã hội hóa theo kế hoạch đã duyệt</p></div>")


def page(html: str, charset: str | None = "utf-8", url: str = URL) -> Page:
    return Page(url, html.encode("utf-8"), charset)


def test_the_sapo_only_in_the_description_comes_first_and_a_mixed_case_byline_is_the_author():
    article = extract(page(article_page(byline="Thanh Tâm")), URL)
    assert article.paragraphs[0] == SAPO
    assert article.author == "Thanh Tâm" and "Thanh Tâm" not in article.paragraphs
    assert not any(p.startswith(("Ảnh:", "Video:")) for p in article.paragraphs)


def test_a_sapo_in_its_own_heading_is_not_repeated():
    html = article_page().replace("<h1>Khánh thành cầu treo Suối Mây</h1>",
                                  f'<h1>Khánh thành cầu treo Suối Mây</h1><h2 class="sapo">{SAPO}</h2>')
    paragraphs = extract(page(html), URL).paragraphs
    assert paragraphs[0] == SAPO and paragraphs.count(SAPO) == 1


def test_a_per_site_prune_rule_removes_what_the_extractor_keeps():
    html = article_page().replace("<p>Video: Người dân", RELATED + "<p>Video: Người dân")
    assert any("Tin liên quan" in p for p in extract(page(html), URL).paragraphs)
    rules = {"www.baothu.example": "//div[@class='tin-lien-quan']", "khac.example": "//aside"}
    assert not any("Tin liên quan" in p for p in extract(page(html), URL, rules).paragraphs)


def test_site_rules_match_the_host_with_or_without_www():
    rules = {"baothu.example": "//aside"}
    assert site_rule(rules, "https://www.baothu.example/a") == "//aside"
    assert site_rule(rules, "https://baothu.example:8080/a") == "//aside"
    assert site_rule(rules, "https://khac.example/a") is None and site_rule({}, URL) is None


def test_a_page_in_another_encoding_than_it_declares_fails_with_the_reason():
    legacy = vietnamese_legacy_bytes(story_page("giai-chay"))
    with pytest.raises(FetchFailed, match=r"khai báo bảng mã utf-8 .*\(wrong encoding\)"):
        extract(Page(URL, legacy, "utf-8"), URL)
    with pytest.raises(FetchFailed, match=r"khai báo bảng mã utf-8"):  # declared by <meta charset> only
        extract(Page(URL, legacy, None), URL)
    with pytest.raises(FetchFailed, match="unknown encoding"):
        extract(Page(URL, story_page("giai-chay").encode(), "x-khong-co"), URL)


def test_a_page_in_windows_1258_that_says_so_is_read():
    html = story_page("giai-chay").replace('charset="utf-8"', 'charset="windows-1258"')
    article = extract(Page(URL, vietnamese_legacy_bytes(html), None), URL)
    assert article.title == "Giải chạy Vì Rừng Xanh thu hút 3.200 vận động viên"
    assert any("15.000 cây lim" in p for p in article.paragraphs)


def test_the_prune_rules_setting_is_json_keyed_by_host_and_checked(monkeypatch):
    from bot.settings import SettingsError, load_settings

    monkeypatch.setenv("HOIBAO_PRUNE_XPATH", '{"baothu.example": "//div[@class=\'tin-lien-quan\']"}')
    assert load_settings().prune_xpath == {"baothu.example": "//div[@class='tin-lien-quan']"}
    for bad, why in (('{"baothu.example": "//div["}', "the XPath for 'baothu.example' does not compile"),
                     ("//div[@class='x']", "expected a JSON object")):
        monkeypatch.setenv("HOIBAO_PRUNE_XPATH", bad)
        with pytest.raises(SettingsError, match=f"HOIBAO_PRUNE_XPATH.*{why}"):
            load_settings()
