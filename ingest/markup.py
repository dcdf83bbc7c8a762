"""What a page says about itself: JSON-LD NewsArticle/Article, Open Graph and `article:*` metas.

Newsrooms' CMSs write these for search engines and social cards, so they are more reliable than
any heuristic: the headline, the author, the publication and modification dates, and above all
whether the page *is* an article (a two-paragraph brief is one; a homepage is not). Read before
trafilatura's guesses (ingest.extract). Pure: the HTML text in, a `Markup` out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

ARTICLE_TYPES = {"newsarticle", "article", "reportagenews", "analysisnewsarticle", "blogposting",
                 "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting"}
_MAX_SCRIPTS = 20
_MAX_SCRIPT_CHARS = 200_000


@dataclass(frozen=True)
class Markup:
    is_article: bool = False  # JSON-LD of an article type, og:type=article, or article:published_time
    headline: str = ""
    authors: tuple[str, ...] = ()
    published: str = ""  # as given (ISO 8601 in practice)
    modified: str = ""
    description: str = ""


def _types(node: dict) -> set[str]:
    given = node.get("@type", [])
    return {str(t).lower() for t in (given if isinstance(given, list) else [given])}


def _nodes(data: object, depth: int = 0) -> list[dict]:
    """Every JSON object in a JSON-LD document (lists and @graph included), shallow enough to be safe."""
    if depth > 4:
        return []
    if isinstance(data, list):
        return [node for item in data[:50] for node in _nodes(item, depth + 1)]
    if isinstance(data, dict):
        return [data, *_nodes(data.get("@graph", []), depth + 1)]
    return []


def _names(author: object) -> tuple[str, ...]:
    """JSON-LD author: a string, a Person/Organization object, or a list of them."""
    items = author if isinstance(author, list) else [author]
    names = []
    for item in items[:10]:
        name = item.get("name", "") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip() and not name.strip().startswith(("http://", "https://")):
            names.append(" ".join(name.split()))
    return tuple(dict.fromkeys(names))


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _json_ld(page: etree._Element) -> dict:
    """The first article-typed JSON-LD object of the page, or {}."""
    for script in page.xpath('//script[@type="application/ld+json"]')[:_MAX_SCRIPTS]:
        text = (script.text or "")[:_MAX_SCRIPT_CHARS]
        try:
            data = json.loads(text, strict=False)
        except (ValueError, RecursionError):
            continue  # a CMS's broken JSON-LD: the metas and heuristics still apply
        for node in _nodes(data):
            if _types(node) & ARTICLE_TYPES:
                return node
    return {}


def _metas(page: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in page.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key and key not in found:
            found[key] = " ".join((meta.get("content") or "").split())
    return found


def read_markup(html: str | bytes) -> Markup:
    """The page's own description of itself; an empty Markup when the HTML cannot be parsed."""
    try:
        page = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return Markup()
    ld, metas = _json_ld(page), _metas(page)
    authors = _names(ld.get("author")) or tuple(a for a in (metas.get("author", ""),) if a)
    marked = bool(ld) or metas.get("og:type", "").lower() == "article" or bool(metas.get("article:published_time"))
    return Markup(
        is_article=marked,
        headline=_text(ld.get("headline")) or metas.get("og:title", ""),
        authors=authors,
        published=_text(ld.get("datePublished")) or metas.get("article:published_time", ""),
        modified=_text(ld.get("dateModified")) or metas.get("article:modified_time", ""),
        description=_text(ld.get("description")) or metas.get("description", "") or metas.get("og:description", ""),
    )
