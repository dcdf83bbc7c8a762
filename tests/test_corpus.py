"""Article cleaning: noise, author, sections, front matter, numbering, encodings."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from index.corpus import UnreadableArticle, load_articles, parse_article, read_article
from index.errors import SeedsNotFound

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

NOISY = """Quận Sơn Trà đẩy mạnh xây dựng Đảng

.

Quận ủy Sơn Trà lãnh đạo triển khai đồng bộ nhiệm vụ xây dựng Đảng.

Cầu Rồng phun lửa vào tối cuối tuần. Ảnh: H.H
Cầu Rồng phun lửa vào tối cuối tuần. Ảnh: H.H

Tăng cường công tác dân vận

Phường An Hải Tây đã xử lý hơn 1.200 trường hợp vi phạm trong năm 2022.

Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình thông tin về kế hoạch năm 2023.

Đẩy nhanh thực hiện các chỉ tiêu, nhiệm vụ

Quận ủy giao Ban Tổ chức tham mưu công tác phát triển đảng viên.

HOÀNG HIỆP

;
;
.
.
"""


@pytest.fixture
def noisy():
    return parse_article(NOISY, article_id="son-tra", source="son-tra.txt")


def test_title_is_first_line_and_not_a_paragraph(noisy):
    assert noisy.title == "Quận Sơn Trà đẩy mạnh xây dựng Đảng"
    assert all(p.text != noisy.title for p in noisy.paragraphs)


def test_noise_is_dropped_and_paragraphs_numbered_as_a_reader_counts(noisy):
    assert [(p.number, p.text) for p in noisy.paragraphs] == [
        (1, "Quận ủy Sơn Trà lãnh đạo triển khai đồng bộ nhiệm vụ xây dựng Đảng."),
        (2, "Phường An Hải Tây đã xử lý hơn 1.200 trường hợp vi phạm trong năm 2022."),
        (3, "Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình thông tin về kế hoạch năm 2023."),
        (4, "Quận ủy giao Ban Tổ chức tham mưu công tác phát triển đảng viên."),
    ]


def test_caption_repeated_twice_is_not_a_paragraph(noisy):
    assert not any("Ảnh: H.H" in p.text or "Cầu Rồng phun lửa" in p.text for p in noisy.paragraphs)


def test_all_caps_signature_is_the_author(noisy):
    assert noisy.author == "HOÀNG HIỆP"
    assert all(p.author == "HOÀNG HIỆP" for p in noisy.paragraphs)
    assert not any("HOÀNG HIỆP" in p.text for p in noisy.paragraphs)


def test_subheadings_are_sections_not_paragraphs(noisy):
    sections = [(p.number, p.section) for p in noisy.paragraphs]
    assert sections == [
        (1, ""),
        (2, "Tăng cường công tác dân vận"),
        (3, "Tăng cường công tác dân vận"),
        (4, "Đẩy nhanh thực hiện các chỉ tiêu, nhiệm vụ"),
    ]
    texts = {p.text for p in noisy.paragraphs}
    assert "Tăng cường công tác dân vận" not in texts
    assert "Đẩy nhanh thực hiện các chỉ tiêu, nhiệm vụ" not in texts


def test_provenance_on_every_paragraph(noisy):
    for p in noisy.paragraphs:
        assert (p.article_id, p.source, p.title) == ("son-tra", "son-tra.txt", "Quận Sơn Trà đẩy mạnh xây dựng Đảng")


def test_front_matter_block():
    article = parse_article(
        "---\n"
        "url: https://baodanang.vn/phuoc-my.html\n"
        "date: 2023-02-01\n"
        "author: Hoàng Hiệp\n"
        "---\n"
        "Phường Phước Mỹ phát triển đảng viên\n"
        "\n"
        "Đảng ủy phường Phước Mỹ xây dựng kế hoạch tạo nguồn đảng viên.\n",
        article_id="phuoc-my",
        source="phuoc-my.md",
    )
    assert article.title == "Phường Phước Mỹ phát triển đảng viên"
    assert (article.url, article.date, article.author) == ("https://baodanang.vn/phuoc-my.html", "2023-02-01", "Hoàng Hiệp")
    [paragraph] = article.paragraphs
    assert paragraph.number == 1
    assert paragraph.text == "Đảng ủy phường Phước Mỹ xây dựng kế hoạch tạo nguồn đảng viên."
    assert (paragraph.url, paragraph.date, paragraph.author) == ("https://baodanang.vn/phuoc-my.html", "2023-02-01", "Hoàng Hiệp")


def test_bare_front_matter_lines_before_the_title():
    article = parse_article(
        "url: https://baodanang.vn/cau-rong.html\n"
        "date: 2023-03-05\n"
        "\n"
        "Cầu Rồng phun lửa cuối tuần\n"
        "\n"
        "Cầu Rồng phun lửa và nước vào tối thứ Bảy, Chủ nhật hằng tuần.\n",
        article_id="cau-rong",
        source="cau-rong.txt",
    )
    assert article.title == "Cầu Rồng phun lửa cuối tuần"
    assert (article.url, article.date) == ("https://baodanang.vn/cau-rong.html", "2023-03-05")
    assert [(p.number, p.text) for p in article.paragraphs] == [
        (1, "Cầu Rồng phun lửa và nước vào tối thứ Bảy, Chủ nhật hằng tuần."),
    ]


def test_signature_does_not_override_front_matter_author():
    article = parse_article(
        "---\nauthor: Hoàng Hiệp\n---\nTiêu đề bài báo\n\nĐoạn văn đầu tiên của bài.\n\nHOÀNG HIỆP\n",
        article_id="x", source="x.txt",
    )
    assert article.author == "Hoàng Hiệp"
    assert [p.text for p in article.paragraphs] == ["Đoạn văn đầu tiên của bài."]


def test_crlf_file(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("Tiêu đề bài\r\n\r\nĐoạn một có nội dung.\r\nDòng tiếp theo.\r\n\r\nĐoạn hai cũng có nội dung.\r\n".encode())
    article = read_article(path)
    assert article.title == "Tiêu đề bài"
    assert [(p.number, p.text) for p in article.paragraphs] == [
        (1, "Đoạn một có nội dung. Dòng tiếp theo."),
        (2, "Đoạn hai cũng có nội dung."),
    ]


def test_seed_article_numbering_and_noise():
    report = load_articles(SEEDS)
    assert report.skipped == []
    [article] = report.articles
    assert article.title == "Xây dựng Đảng gắn với thực hiện các nhiệm vụ trọng tâm"
    assert article.author == "HOÀNG HIỆP"
    by_number = {p.number: p for p in article.paragraphs}
    assert by_number[9].text.startswith("Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình thông tin")
    assert by_number[1].text.startswith("Quận ủy Sơn Trà lãnh đạo, chỉ đạo")
    assert [p.number for p in article.paragraphs] == list(range(1, len(article.paragraphs) + 1))
    assert all(p.text != article.title for p in article.paragraphs)
    assert not any("Ảnh: H.H" in p.text for p in article.paragraphs)
    assert not any(p.text in {";", ".", "HOÀNG HIỆP"} for p in article.paragraphs)
    # Exact characters: the seed has a no-break space after the comma.
    assert by_number[9].section == "Tăng cường công tác dân vận,\xa0tạo nguồn phát triển Đảng"


def test_nfd_copy_parses_to_the_same_nfc_text(tmp_path):
    [seed] = sorted(SEEDS.glob("*.txt"))
    nfc_text = seed.read_text("utf-8")
    nfd_text = unicodedata.normalize("NFD", nfc_text)
    assert nfd_text != nfc_text
    (tmp_path / "nfd.txt").write_text(nfd_text, "utf-8")
    original, copy = read_article(seed), read_article(tmp_path / "nfd.txt")
    assert copy.title == original.title
    assert copy.author == original.author
    assert [(p.number, p.section, p.text) for p in copy.paragraphs] == [
        (p.number, p.section, p.text) for p in original.paragraphs
    ]
    assert all(unicodedata.is_normalized("NFC", p.text) for p in copy.paragraphs)


def test_unreadable_files_are_skipped_by_name_and_the_rest_indexed(tmp_path):
    (tmp_path / "tot.txt").write_text("Tin tốt\n\nPhường Phước Mỹ hoàn thành chỉ tiêu năm 2022.\n", "utf-8")
    # "Tin cũ / Cà phê sữa đá." saved by an old Windows editor (code page 1258).
    (tmp_path / "cp1258.txt").write_bytes(b"Tin cu\xde\n\nC\xe0 ph\xea s\xfd\xdea \xf0\xe1.\n")
    (tmp_path / "latin1.txt").write_bytes("Café\n\nUn café crème à Da Nang.\n".encode("latin-1"))
    (tmp_path / "rong.txt").write_bytes(b"")
    (tmp_path / "trang.md").write_text("  \n\n \n", "utf-8")
    (tmp_path / "anh.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "ghi-chu.json").write_text("{}", "utf-8")  # not an article suffix: named, not read
    (tmp_path / ".gitkeep").write_bytes(b"")  # hidden: left out without a word
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / "cu").mkdir()  # articles are read from the folder itself, not below it

    report = load_articles(tmp_path)

    assert [a.source for a in report.articles] == ["tot.txt"]
    skipped = dict(report.skipped)
    assert set(skipped) == {"cp1258.txt", "latin1.txt", "rong.txt", "trang.md", "anh.txt", "ghi-chu.json", "cu"}
    assert skipped["ghi-chu.json"] == "not an article file: only .txt and .md are read"
    assert skipped["cu"] == "a folder: only files directly in the articles folder are read"
    assert "UTF-8" in skipped["cp1258.txt"]
    assert "UTF-8" in skipped["latin1.txt"]
    assert skipped["rong.txt"] == "empty file"
    assert skipped["trang.md"] == "empty file"
    assert "binary" in skipped["anh.txt"]


def test_title_only_article_is_unreadable():
    with pytest.raises(UnreadableArticle, match="no body paragraphs"):
        parse_article("Chỉ có tiêu đề\n\n;\n.\n", article_id="t", source="t.txt")


def test_utf8_bom_is_not_part_of_the_title(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffTiêu đề có BOM\n\nNội dung của bài.\n".encode())
    assert read_article(path).title == "Tiêu đề có BOM"


def test_utf16_with_bom_is_read_and_same_stem_files_are_two_articles(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = "Tiêu đề bài\n\nĐoạn thân bài đầu tiên của bài báo.\n"
    (seeds / "a.txt").write_bytes(text.encode("utf-16"))
    (seeds / "a.md").write_text(text.replace("Tiêu đề", "Tựa"), encoding="utf-8")
    report = load_articles(seeds)
    assert report.skipped == []
    assert sorted(a.article_id for a in report.articles) == ["a.md", "a.txt"]
    assert {a.title for a in report.articles} == {"Tiêu đề bài", "Tựa bài"}


@pytest.mark.parametrize("make, problem", [
    (lambda path: None, "does not exist"),
    (lambda path: path.write_text("Tin\n\nĐoạn.\n", "utf-8"), "is a file, not a folder"),
])
def test_missing_articles_folder_names_the_setting(tmp_path, make, problem):
    seeds = tmp_path / "bai-bao"
    make(seeds)
    with pytest.raises(SeedsNotFound) as caught:
        load_articles(seeds)
    assert str(caught.value) == (
        f"The articles folder {seeds} {problem}. Point HOIBAO_SEEDS_DIR (or --seeds) at a folder "
        "of UTF-8 .txt or .md articles."
    )
