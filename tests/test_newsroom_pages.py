"""What a real newsroom page carries: JSON-LD / Open Graph first, briefs accepted, bylines down to the name.

Every page here is invented for the test; trafilatura runs for real on it.
"""

from __future__ import annotations

import json

import pytest

from ingest.byline import byline_of, clean_byline
from ingest.errors import NoArticle
from ingest.extract import extract
from ingest.fetch import Page
from ingest.markup import read_markup
from tests.fake_news import homepage

URL = "https://baothu.example/tin-van/mua-da.html"
BRIEF = ("Chiều 4/12, mưa đá kèm lốc xoáy làm tốc mái 37 ngôi nhà ở xã Thượng Lâm, huyện Đá Trắng.",
         "UBND xã đã huy động 60 dân quân giúp người dân lợp lại mái, chưa ghi nhận thiệt hại về người.")


def brief_page(head: str = "", byline: str = "", body: tuple[str, ...] = BRIEF) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    signed = f"<p>{byline}</p>" if byline else ""
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Mưa đá tốc mái 37 ngôi nhà - Báo Thử Nghiệm</title>{head}</head>
<body><nav><a href="/">Trang chủ</a> <a href="/thoi-su">Thời sự</a></nav>
<article><h1>Mưa đá tốc mái 37 ngôi nhà</h1>{paragraphs}{signed}</article>
<footer>© Báo Thử Nghiệm</footer></body></html>""".encode()


OG = ('<meta property="og:type" content="article">'
      '<meta property="article:published_time" content="2026-12-04T16:20:00+07:00">')


def json_ld(**fields) -> str:
    return f'<script type="application/ld+json">{json.dumps(fields, ensure_ascii=False)}</script>'


def test_a_brief_the_markup_calls_an_article_is_accepted():
    assert sum(len(p) for p in BRIEF) < 300  # below the floor that applies to unmarked pages
    article = extract(Page(URL, brief_page(OG), "utf-8"), URL)
    assert article.title == "Mưa đá tốc mái 37 ngôi nhà"
    assert article.paragraphs == BRIEF
    assert article.date == "2026-12-04"


def test_the_same_brief_without_markup_and_a_homepage_are_refused():
    with pytest.raises(NoArticle, match="cần ít nhất 300"):
        extract(Page(URL, brief_page(), "utf-8"), URL)
    website = homepage().replace("<title>", '<meta property="og:type" content="website"><title>')
    with pytest.raises(NoArticle):
        extract(Page("https://baothu.example/", website.encode(), "utf-8"), "https://baothu.example/")


def test_json_ld_headline_author_and_dates_win_over_the_heuristics():
    ld = json_ld(**{"@context": "https://schema.org", "@type": "NewsArticle",
                    "headline": "Mưa đá kèm lốc xoáy tốc mái 37 ngôi nhà ở Thượng Lâm",
                    "author": [{"@type": "Person", "name": "Đào Thu Trang"}, {"@type": "Person", "name": "Lý Khánh"}],
                    "datePublished": "2026-12-04T16:20:00+07:00", "dateModified": "2026-12-05T08:00:00+07:00"})
    page = brief_page(ld, byline="THANH TÂM")
    markup = read_markup(page)
    assert markup.is_article and markup.modified == "2026-12-05T08:00:00+07:00"
    article = extract(Page(URL, page, "utf-8"), URL)
    assert article.title == "Mưa đá kèm lốc xoáy tốc mái 37 ngôi nhà ở Thượng Lâm"
    assert article.author == "Đào Thu Trang, Lý Khánh"
    assert article.date == "2026-12-04"
    assert "THANH TÂM" not in article.paragraphs  # the signature line is still taken off the body


def test_json_ld_inside_a_graph_and_broken_json_ld_next_to_it():
    broken = '<script type="application/ld+json">{"@type": "NewsArticle", </script>'
    graph = json_ld(**{"@graph": [{"@type": "WebPage", "name": "x"},
                                  {"@type": ["NewsArticle"], "headline": "Mưa đá ở Thượng Lâm", "author": "Lê Vy"}]})
    markup = read_markup(brief_page(broken + graph))
    assert markup.is_article and markup.headline == "Mưa đá ở Thượng Lâm" and markup.authors == ("Lê Vy",)


@pytest.mark.parametrize("line, name", [
    ("Bài và ảnh: Lê Vy", "Lê Vy"),
    ("Bài, ảnh: Hoàng Long", "Hoàng Long"),
    ("Bài và ảnh Lê Vy", "Lê Vy"),  # as trafilatura's author field gives it, the colon lost
    ("Theo Báo Tin Tức", "Báo Tin Tức"),
    ("Nhóm PV", "Nhóm PV"),
    ("Lan Hương (TTXVN)", "Lan Hương (TTXVN)"),
    ("Lan Hương ( TTXVN ).", "Lan Hương (TTXVN)"),
    ("(TTXVN)", "TTXVN"),
    ("THANH TÂM", "THANH TÂM"),
])
def test_bylines_come_down_to_the_name(line, name):
    assert clean_byline(line) == name
    assert byline_of(line) == name


@pytest.mark.parametrize("line", ["Theo kế hoạch, năm tới huyện sẽ làm thêm tuyến đường bê tông dài 3 km.",
                                  "Bài học từ mùa mưa lũ năm ngoái vẫn còn nguyên giá trị.",
                                  "Ảnh hưởng của cơn bão số 9 kéo dài đến hết tuần."])
def test_sentences_that_start_like_a_byline_are_body_text(line):
    assert byline_of(line) == ""


def test_a_credited_byline_closing_the_page_becomes_the_author_not_a_paragraph():
    article = extract(Page(URL, brief_page(OG, byline="Bài và ảnh: Lê Vy"), "utf-8"), URL)
    assert article.author == "Lê Vy"
    assert all("Lê Vy" not in p for p in article.paragraphs)
