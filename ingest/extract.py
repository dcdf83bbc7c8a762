"""From a downloaded page to an article: trafilatura, then what Vietnamese papers add.

`clean` is pure (extracted text and metadata in, article out); `extract` is the thin
trafilatura adapter in front of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.corpus import is_noise_line, is_signature, is_subheading
from index.text import fold, nfc
from ingest.errors import NoArticle
from ingest.fetch import Page

MIN_ARTICLE_CHARS = 300
_MIN_SAPO_WORDS = 8
# "Ảnh: …", "Video: …", "Nguồn: …", "Clip: …", "Đồ họa: …" as a line of their own.
_CREDIT = re.compile(r"^\(?\s*(?:Ảnh|Ảnh minh h(?:ọa|oạ)|Video|Clip|Nguồn|Đồ h(?:ọa|oạ)|Infographic)\s*:", re.IGNORECASE)
_MAX_CREDIT_CHARS = 160


@dataclass(frozen=True)
class WebArticle:
    url: str
    title: str
    paragraphs: tuple[str, ...]
    author: str = ""
    date: str = ""


def _one_line(text: str) -> str:
    return " ".join(nfc(text or "").split())


def is_credit(line: str) -> bool:
    """A photo/video/source credit line ('Ảnh: Minh Đức', 'Video: …', 'Nguồn: …')."""
    return len(line) <= _MAX_CREDIT_CHARS and bool(_CREDIT.match(line))


def _with_sapo(paragraphs: list[str], description: str) -> list[str]:
    """The description first when it is a real lead paragraph the text does not already hold."""
    sapo = _one_line(description).rstrip(".… ").strip()
    if len(sapo.split()) < _MIN_SAPO_WORDS:
        return paragraphs
    if any(fold(sapo) in fold(p) for p in paragraphs):
        return paragraphs
    return [_one_line(description), *paragraphs]


def _refuse_unless_article(url: str, paragraphs: list[str], title: str) -> None:
    if not title:
        raise NoArticle(url, "trang không có tiêu đề bài (no title)")
    prose = [p for p in paragraphs if not is_subheading(p)]
    chars = sum(len(p) for p in prose)
    if chars < MIN_ARTICLE_CHARS:
        short = len(paragraphs) - len(prose)
        links = f"; {short} dòng ngắn kiểu liên kết — trang chủ hoặc trang chuyên mục?" if short > len(prose) else ""
        raise NoArticle(url, f"chỉ {chars} ký tự văn bản thân bài, cần ít nhất {MIN_ARTICLE_CHARS}{links}"
                             "; too little article text")


def clean(url: str, title: str, text: str, description: str = "", author: str = "", date: str = "") -> WebArticle:
    """Drop the repeated title and credit lines, keep the byline as author, put the sapo first.

    `text` is the extracted body, one paragraph per line; `description` is the page's
    description meta, often the only place the sapo appears.
    """
    title = _one_line(title)
    lines = [_one_line(line) for line in (text or "").splitlines()]
    paragraphs = [line for line in lines if line and not is_credit(line) and not is_noise_line(line)]
    if paragraphs and fold(paragraphs[0]) == fold(title):
        paragraphs.pop(0)
    author = _one_line(author)
    if paragraphs and is_signature(paragraphs[-1]):
        byline = paragraphs.pop()
        author = author or byline
    _refuse_unless_article(url, paragraphs, title)
    return WebArticle(url, title, tuple(_with_sapo(paragraphs, description)), author, _one_line(date))


def extract(page: Page, url: str) -> WebArticle:
    """The article on `page` (fetched for `url`); NoArticle with the reason when there is none."""
    import trafilatura

    html = page.body.decode(page.charset, errors="replace") if page.charset else page.body
    doc = trafilatura.bare_extraction(html, url=page.url, with_metadata=True, include_comments=False,
                                      include_tables=False, include_images=False)
    if doc is None or not (doc.text or "").strip():
        raise NoArticle(url, "không trích được văn bản chính (no main text found)")
    return clean(url, doc.title or "", doc.text, doc.description or "", doc.author or "", doc.date or "")
