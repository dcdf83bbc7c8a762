"""Which indexed article a reader or an operator means: by file name, link or title.

`hoibao ask --article SOURCE`, "tóm tắt bài về giá xăng" and the deep links all name one article;
this module turns what they give into an article id of the catalog, or says plainly why it can't.
Pure functions over the catalog (`AnswerService.catalog`); no index, no model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from index.errors import HoibaoError
from index.manifest import ArticleMeta
from index.text import nfc, tokens

_SHOWN = 5  # candidates named in an "ambiguous" message


class ArticleNotFound(HoibaoError):
    def __init__(self, given: str, titles: Iterable[str]) -> None:
        shown = "; ".join(list(titles)[:_SHOWN])
        super().__init__(
            f"No indexed article is named {given!r}: give its file name, its link or its title "
            f"(`hoibao links` lists them){f'. Some of them: {shown}' if shown else ''}."
        )


class ArticleAmbiguous(HoibaoError):
    def __init__(self, given: str, titles: list[str]) -> None:
        shown = "; ".join(titles[:_SHOWN])
        super().__init__(f"{len(titles)} articles match {given!r}: {shown}. Give the file name or the link instead.")


def _url_key(url: str) -> str:
    """A link as compared: no scheme, no "www.", no trailing slash or fragment, case kept in the path."""
    url = url.strip().split("#", 1)[0].rstrip("/")
    for scheme in ("https://", "http://"):
        if url.lower().startswith(scheme):
            url = url[len(scheme):]
    host, _, path = url.partition("/")
    host = host.lower().removeprefix("www.")
    return f"{host}/{path}" if path else host


def _title_key(title: str) -> str:
    return " ".join(tokens(title))  # folded, lower-case, punctuation gone


def resolve(given: str, articles: Mapping[str, ArticleMeta]) -> str:
    """The id of the one article `given` names: its file name (or id), its link, its title, or a
    unique part of its title; ArticleNotFound or ArticleAmbiguous otherwise."""
    given = nfc(given).strip()
    if not given:
        raise ArticleNotFound(given, (m.title for m in articles.values()))
    if given in articles:
        return given
    exact = [aid for aid, meta in articles.items()
             if given == meta.source or (meta.url and _url_key(given) == _url_key(meta.url))]
    if not exact:
        exact = [aid for aid, meta in articles.items() if nfc(meta.title).casefold() == given.casefold()]
    if not exact:
        key = _title_key(given)
        exact = [aid for aid, meta in articles.items() if key and _title_key(meta.title) == key]
    if not exact:
        key = f" {_title_key(given)} "
        exact = [aid for aid, meta in articles.items()
                 if len(key.split()) >= 2 and key in f" {_title_key(meta.title)} "]
    if len(exact) == 1:
        return exact[0]
    if exact:
        raise ArticleAmbiguous(given, [articles[aid].title for aid in exact])
    raise ArticleNotFound(given, (m.title for m in articles.values()))
