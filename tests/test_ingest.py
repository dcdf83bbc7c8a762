"""ingest's pure core: canonical URLs, the Vietnamese cleanup, and the article file round trip."""

from __future__ import annotations

import pytest

from index.corpus import parse_article
from ingest.article import render
from ingest.errors import NoArticle
from ingest.extract import WebArticle, clean, is_credit
from ingest.urls import article_file_name, canonical_url

URL = "https://baothu.example/xa-hoi/cau-treo-suoi-may.html"
BODY = (
    "Cây cầu dài 180 mét do Công ty Xây dựng Trường Sơn thi công trong 14 tháng, tổng vốn 26 tỉ đồng.",
    "Trước đây, mỗi mùa mưa lũ, hơn 400 hộ dân ở thôn Bến Lau phải đi đò qua suối để đến trường, chợ; nhiều học sinh nghỉ học hàng tuần vì nước dâng cao.",
    "Theo kế hoạch, năm tới huyện sẽ làm thêm tuyến đường bê tông dài 3 km từ đầu cầu vào trung tâm xã.",
)
SAPO = "Sáng 12/3, huyện Hòa Lạc khánh thành cầu treo Suối Mây nối hai thôn Đồng Tre và Bến Lau."


@pytest.mark.parametrize("variant", [
    URL,
    URL + "?utm_source=zalo&utm_medium=social#binh-luan",
    "HTTPS://BaoThu.Example:443/xa-hoi/cau-treo-suoi-may.html?fbclid=abc&gclid=x",
])
def test_tracking_parameters_fragments_and_case_do_not_make_another_article(variant):
    assert canonical_url(variant) == URL
    assert article_file_name(variant) == article_file_name(URL)
    assert len(article_file_name(URL)) == len("0123456789abcdef.txt")


def test_other_parameters_are_kept_sorted_and_name_another_file():
    assert canonical_url("http://a.example/tin?page=2&id=7&utm_campaign=x") == "http://a.example/tin?id=7&page=2"
    assert canonical_url("http://A.example:8080/") == "http://a.example:8080/"
    assert article_file_name("http://a.example/tin?id=7") != article_file_name("http://a.example/tin?id=8")


@pytest.mark.parametrize("line", ["Ảnh: Minh Đức", "(Ảnh: TTXVN)", "Video: Người dân đi qua cầu mới",
                                  "Nguồn: Sở Giao thông vận tải", "Ảnh minh họa: Internet"])
def test_credit_lines(line):
    assert is_credit(line)


def test_a_sentence_mentioning_a_photo_is_not_a_credit():
    assert not is_credit("Triển lãm ảnh về biển đảo mở cửa đến hết tháng 5. Video clip được chiếu hằng giờ.")


def test_cleanup_drops_title_and_credits_keeps_byline_as_author_and_puts_the_sapo_first():
    text = "\n".join(["Khánh thành cầu treo Suối Mây", BODY[0], "Ảnh: Minh Đức", BODY[1],
                      "Video: Người dân đi qua cầu mới", BODY[2], "THANH TÂM"])
    article = clean(URL, "Khánh thành cầu treo Suối Mây", text, SAPO, date="2024-03-12")
    assert article.paragraphs == (SAPO, *BODY)
    assert article.author == "THANH TÂM"
    assert article.date == "2024-03-12"


def test_the_sapo_is_not_repeated_when_the_text_starts_with_it():
    text = "\n".join([SAPO, *BODY])
    truncated = SAPO[:60] + "..."  # descriptions are often cut short
    for description in (SAPO, truncated, "Báo Thử Nghiệm"):
        assert clean(URL, "Cầu treo", text, description).paragraphs == (SAPO, *BODY)


def test_the_page_author_wins_over_the_byline():
    article = clean(URL, "Cầu treo", "\n".join([*BODY, "THANH TÂM"]), author="Thanh Tâm")
    assert article.author == "Thanh Tâm" and article.paragraphs == BODY


def test_a_page_of_links_is_not_an_article():
    links = "\n".join(f"Tin nóng số {i} trong ngày hôm nay" for i in range(20))
    with pytest.raises(NoArticle, match="Không tìm thấy nội dung bài báo tại URL này") as caught:
        clean(URL, "Báo Thử Nghiệm - Trang chủ", links, SAPO)
    assert "trang chủ hoặc trang chuyên mục" in str(caught.value) and URL in str(caught.value)


def test_short_text_is_not_an_article():
    with pytest.raises(NoArticle, match=r"chỉ \d+ ký tự"):
        clean(URL, "Đăng nhập", "Vui lòng đăng nhập để đọc tiếp bài viết này.")


def test_the_file_reads_back_as_the_same_article():
    article = WebArticle(URL, "Khánh thành cầu treo Suối Mây", (SAPO, *BODY), "THANH TÂM", "2024-03-12")
    parsed = parse_article(render(article), "x.txt", "x.txt")
    assert parsed.title == article.title
    assert [p.text for p in parsed.paragraphs] == list(article.paragraphs)
    assert (parsed.author, parsed.date, parsed.url) == ("THANH TÂM", "2024-03-12", URL)
    assert render(article).count("THANH TÂM") == 1  # in the front matter, not again as a signature


def test_front_matter_holds_only_the_fields_present():
    text = render(WebArticle(URL, "Cầu treo", BODY))
    assert text.startswith(f"---\nurl: {URL}\n---\nCầu treo\n\n")
    assert "date:" not in text and "author:" not in text
    assert parse_article(text, "x.txt", "x.txt").author == ""


@pytest.mark.parametrize("line", ["THANH TÂM", "Thanh Tâm", "Minh Anh - Hoàng Long", "Lan Hương (TTXVN)",
                                  "Quốc Việt và Hải Yến", "Đức Minh/VOV"])
def test_short_bylines_at_the_end_are_kept_as_author(line):
    article = clean(URL, "Cầu treo", "\n".join([*BODY, line]))
    assert article.author == line and article.paragraphs == BODY


@pytest.mark.parametrize("line", ["Cầu sẽ thông xe vào ngày 30/4.", "Ông Khải cho biết như vậy.",
                                  "Hà Nội có 30 cây cầu", "nguồn tin riêng"])
def test_a_closing_sentence_is_not_a_byline(line):
    article = clean(URL, "Cầu treo", "\n".join([*BODY, line]))
    assert article.author == "" and article.paragraphs[-1] == line
