"""What a source URL answers with: an RSS/Atom feed (feedparser), a sitemap, news sitemap or
sitemap index (lxml), or an HTML page whose feeds are discovered from its
<link rel="alternate" type="application/rss+xml|atom+xml">. Pure: bytes in, listings out.
"""

from __future__ import annotations

import calendar
import gzip
import io
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from index.errors import HoibaoError

RSS, ATOM, SITEMAP, NEWS_SITEMAP, SITEMAP_INDEX, HOMEPAGE = "rss", "atom", "sitemap", "news-sitemap", "sitemap-index", "homepage"
KIND_NAMES = {RSS: "RSS", ATOM: "Atom", SITEMAP: "sitemap", NEWS_SITEMAP: "news sitemap",
              SITEMAP_INDEX: "sitemap index", HOMEPAGE: "trang chủ"}
FEED_TYPES = ("application/rss+xml", "application/atom+xml")
MAX_DISCOVERED = 5  # feeds taken from one homepage
_VERSIONS = {"rss20": "RSS 2.0", "rss10": "RSS 1.0", "rss092": "RSS 0.92", "rss091u": "RSS 0.91",
             "rss091n": "RSS 0.91", "rss090": "RSS 0.90", "atom10": "Atom 1.0", "atom03": "Atom 0.3"}
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_XML_PARSER = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


class NotASource(HoibaoError):
    """The URL is neither a feed, a sitemap, nor a page that names its feeds."""

    def __init__(self, url: str, why: str) -> None:
        self.url, self.reason = url, f"Không phải nguồn tin theo dõi được: {why}"
        super().__init__(f"{url}: {self.reason}")


@dataclass(frozen=True)
class Listed:
    """One link a source lists: an article (feed entry, sitemap <url>) or a child sitemap."""
    url: str
    updated: str = ""  # the entry's updated/lastmod as given: a change makes the article due again
    published: float | None = None  # epoch seconds, when the source says


@dataclass(frozen=True)
class Listing:
    kind: str
    title: str = ""
    entries: tuple[Listed, ...] = ()
    children: tuple[Listed, ...] = ()  # sitemap index: its sitemaps
    feeds: tuple[str, ...] = ()  # homepage: the feeds it names
    version: str = ""  # feedparser's, e.g. rss20, atom10
    hub: str = ""  # a feed's WebSub hub (<link rel="hub">), where it pushes its updates
    topic: str = ""  # the feed's own URL for WebSub (<link rel="self">), else ""

    def describe(self) -> str:
        """RSS 2.0, Atom 1.0, news sitemap, …"""
        return _VERSIONS.get(self.version, KIND_NAMES[self.kind])


def _epoch(text: str) -> float | None:
    """A W3C datetime (sitemaps) as epoch seconds; a date alone is midnight UTC."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _ungzip(body: bytes, url: str, max_bytes: int) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as unzipped:
            data = unzipped.read(max_bytes + 1)
    except (OSError, EOFError) as exc:
        raise NotASource(url, f"tệp .gz hỏng ({exc})") from None
    if len(data) > max_bytes:
        raise NotASource(url, f"sitemap giải nén quá {max_bytes / 1_000_000:g} MB (too large)")
    return data


def _join(base: str, link: str) -> str:
    """`link` made absolute against `base`; '' when it is empty or urllib rejects it ("http://[x" in a listing)."""
    if not link:
        return ""
    try:
        return urljoin(base, link)
    except ValueError:
        return ""


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _sitemap(root: etree._Element, url: str) -> Listing:
    def text(node: etree._Element, *path: str) -> str:
        for ns, name in path:
            node = node.find(f"{{{ns}}}{name}") if node is not None else None
        return (node.text or "").strip() if node is not None else ""

    if _local(root.tag) == "sitemapindex":
        children = tuple(Listed(loc, text(child, (_SITEMAP_NS, "lastmod")))
                         for child in root.iter(f"{{{_SITEMAP_NS}}}sitemap")
                         if (loc := _join(url, text(child, (_SITEMAP_NS, "loc")))))
        return Listing(SITEMAP_INDEX, children=children)
    news = root.find(f".//{{{_NEWS_NS}}}news") is not None
    entries = []
    for node in root.iter(f"{{{_SITEMAP_NS}}}url"):
        if not (loc := _join(url, text(node, (_SITEMAP_NS, "loc")))):
            continue
        lastmod = text(node, (_SITEMAP_NS, "lastmod"))
        published = text(node, (_NEWS_NS, "news"), (_NEWS_NS, "publication_date"))
        entries.append(Listed(loc, lastmod or published, _epoch(published) or _epoch(lastmod)))
    return Listing(NEWS_SITEMAP if news else SITEMAP, entries=tuple(entries))


def _feed(body: bytes, url: str) -> Listing:
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if not parsed.version:
        raise NotASource(url, "XML không phải RSS/Atom hay sitemap (not a feed)")
    entries = []
    for entry in parsed.entries:
        if not (link := _join(url, entry.get("link") or "")):
            continue
        # dict.get, not entry.get: feedparser's updated→published fallback warns (DeprecationWarning).
        published = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        updated = dict.get(entry, "updated") or dict.get(entry, "published") or ""
        entries.append(Listed(link, updated, calendar.timegm(published) if published else None))
    kind = ATOM if parsed.version.startswith("atom") else RSS
    links = {link.get("rel"): _join(url, link.get("href") or "") for link in parsed.feed.get("links", [])}
    return Listing(kind, " ".join((parsed.feed.get("title") or "").split()), tuple(entries), version=parsed.version,
                   hub=links.get("hub", ""), topic=links.get("self", ""))


def _homepage(body: bytes, url: str, charset: str | None) -> Listing:
    try:
        page = lxml_html.document_fromstring(body.decode(charset, errors="replace") if charset else body)
    except (etree.ParserError, ValueError, LookupError):
        raise NotASource(url, "trang HTML không đọc được") from None
    base = page.xpath("string(//base/@href)") or url
    feeds: list[str] = []
    for link in page.xpath("//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        if "alternate" in rel and (link.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES:
            href = _join(_join(url, base) or url, link.get("href").strip())
            if href and href not in feeds:
                feeds.append(href)
    title = " ".join(page.xpath("string(//title)").split())
    return Listing(HOMEPAGE, title, feeds=tuple(feeds[:MAX_DISCOVERED]))


def parse_listing(body: bytes, url: str, content_type: str = "", charset: str | None = None,
                  max_bytes: int = 50_000_000) -> Listing:
    """What `body` (fetched from `url`) lists; NotASource with the reason when it is none of the kinds."""
    body = _ungzip(body, url, max_bytes)
    head = body[:512].lstrip().lower()
    mime = content_type.split(";")[0].strip().lower()
    looks_html = mime in ("text/html", "application/xhtml+xml") or head.startswith((b"<!doctype html", b"<html"))
    if looks_html and not head.startswith(b"<?xml"):
        return _homepage(body, url, charset)
    if not head.startswith(b"<"):
        raise NotASource(url, f"không phải XML hay HTML ({content_type or 'no Content-Type'})")
    try:
        root = etree.fromstring(body, etree.XMLParser(**_XML_PARSER))
    except etree.XMLSyntaxError as exc:
        if looks_html:
            return _homepage(body, url, charset)
        raise NotASource(url, f"XML hỏng ({exc})") from None
    if _local(root.tag) in ("urlset", "sitemapindex"):
        return _sitemap(root, url)
    if _local(root.tag) == "html":
        return _homepage(body, url, charset)
    return _feed(body, url)
