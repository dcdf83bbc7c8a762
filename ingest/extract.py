"""From a downloaded page to an article: trafilatura, then what Vietnamese papers add.

`clean` is pure (extracted text and metadata in, article out); `extract` is the thin
trafilatura adapter in front of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from index.corpus import is_noise_line, is_subheading
from index.text import fold, nfc
from ingest.byline import byline_of, clean_byline, is_byline  # noqa: F401 (is_byline: where it always was)
from ingest.errors import FetchFailed, NoArticle
from ingest.fetch import Page
from ingest.markup import Markup, read_markup

MIN_ARTICLE_CHARS = 300
_MIN_SAPO_WORDS = 8
# "Ảnh: …", "Video: …", "Nguồn: …", "Clip: …", "Đồ họa: …" as a line of their own.
_CREDIT = re.compile(r"^\(?\s*(?:Ảnh|Ảnh minh h(?:ọa|oạ)|Video|Clip|Nguồn|Đồ h(?:ọa|oạ)|Infographic)\s*:", re.IGNORECASE)
_MAX_CREDIT_CHARS = 160
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_BAD_CHARS = 0.01  # U+FFFD in the extracted text: more than 1% is a page in another encoding


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


def _refuse_unless_article(url: str, paragraphs: list[str], title: str, marked: bool) -> None:
    """NoArticle for a page without a title or body; the length floor only where no markup says "article"."""
    if not title:
        raise NoArticle(url, "trang không có tiêu đề bài (no title)")
    prose = [p for p in paragraphs if not is_subheading(p)]
    chars = sum(len(p) for p in prose)
    if marked and prose:
        return  # a brief ("tin vắn") the page itself calls an article: JSON-LD, og:type or article:published_time
    if chars < MIN_ARTICLE_CHARS:
        short = len(paragraphs) - len(prose)
        links = f"; {short} dòng ngắn kiểu liên kết — trang chủ hoặc trang chuyên mục?" if short > len(prose) else ""
        raise NoArticle(url, f"chỉ {chars} ký tự văn bản thân bài, cần ít nhất {MIN_ARTICLE_CHARS}{links}"
                             "; too little article text")


def clean(url: str, title: str, text: str, description: str = "", author: str = "", date: str = "",
          markup: Markup | None = None) -> WebArticle:
    """Drop the repeated title and credit lines, keep the byline as author, put the sapo first.

    `text` is the extracted body, one paragraph per line; `description` is the page's
    description meta, often the only place the sapo appears. `markup` (JSON-LD, Open Graph,
    article:* metas) wins over trafilatura's title, author and date, and lets a short article in.
    """
    markup = markup or Markup()
    title = _one_line(markup.headline or title)
    lines = [line for line in (_one_line(line) for line in (text or "").splitlines()) if line and not is_credit(line)]
    # The signature before the caption filter: "Bài và ảnh: Lê Vy" reads as a photo caption too.
    signed = byline_of(lines[-1]) if lines else ""
    if signed:
        lines.pop()
    paragraphs = [line for line in lines if not is_noise_line(line)]
    if paragraphs and fold(paragraphs[0]) == fold(title):
        paragraphs.pop(0)
    author = ", ".join(clean_byline(a) for a in markup.authors) or clean_byline(_one_line(author)) or signed
    _refuse_unless_article(url, paragraphs, title, markup.is_article)
    sapo = description or markup.description
    return WebArticle(url, title, tuple(_with_sapo(paragraphs, sapo)), author, _day(markup.published) or _one_line(date))


def _day(moment: str) -> str:
    """'2024-03-12T08:30:00+07:00' → '2024-03-12' (the paper's own day, as trafilatura gives it); '' otherwise."""
    found = _ISO_DAY.match(moment.strip())
    return found.group(0) if found else ""


def decode(page: Page, url: str) -> str | bytes:
    """The page as text in the charset it declares (HTTP header, else <meta charset>); bytes when it
    declares none (trafilatura then detects it). A wrong or unknown declared charset fails the URL."""
    charset = page.charset
    if not charset:
        found = _META_CHARSET.search(page.body[:4096])
        charset = found.group(1).decode("ascii") if found else None
    if not charset:
        return page.body
    try:
        return page.body.decode(charset)
    except LookupError:
        raise FetchFailed(url, f"bảng mã {charset!r} không biết (unknown encoding)") from None
    except UnicodeDecodeError as exc:
        raise FetchFailed(url, f"trang khai báo bảng mã {charset} nhưng byte {exc.start} không hợp lệ "
                               "(wrong encoding)") from None


def site_rule(rules: dict[str, str] | None, url: str) -> str | None:
    """The XPath to prune for the site of `url` (HOIBAO_PRUNE_XPATH, keyed by host; 'www.' optional)."""
    if not rules:
        return None
    host = (urlsplit(url).hostname or "").lower()
    bare = host.removeprefix("www.")
    for key, xpath in rules.items():
        if key.lower().removeprefix("www.") == bare:
            return xpath
    return None


def extract(page: Page, url: str, prune: dict[str, str] | None = None) -> WebArticle:
    """The article on `page` (fetched for `url`); NoArticle with the reason when there is none.

    `prune` maps a host to an XPath whose matches are removed before extraction (related-news
    boxes, comment widgets a site puts inside the article).
    """
    import trafilatura

    html = decode(page, url)
    doc = trafilatura.bare_extraction(html, url=page.url, with_metadata=True, include_comments=False,
                                      include_tables=False, include_images=False,
                                      prune_xpath=site_rule(prune, page.url) or site_rule(prune, url))
    if doc is None or not (doc.text or "").strip():
        raise NoArticle(url, "không trích được văn bản chính (no main text found)")
    bad = doc.text.count("\ufffd")
    if bad > _MAX_BAD_CHARS * len(doc.text):
        raise FetchFailed(url, f"{bad} ký tự không đọc được: sai bảng mã (bad encoding)")
    return clean(url, doc.title or "", doc.text, doc.description or "", doc.author or "", doc.date or "",
                 read_markup(html))
