"""Questions about an article itself (who wrote it, when, its title, its link), answered from its metadata.

"Ai viết bài này?" has no answer in any paragraph's text: the byline is the
article's signature or front matter, which the index keeps in the manifest.
Pure functions over the question and an `ArticleMeta`.
"""

from __future__ import annotations

import re

from index.manifest import ArticleMeta
from index.text import fold

AUTHOR, DATE, TITLE, URL = "author", "date", "title", "url"

# Folded phrases asking for each fact, most specific first.
_ASKS = (
    (URL, r"\b(link|duong dan|dia chi|url|nguon goc|bai goc|ban goc)\b"),
    (AUTHOR, r"\b(ai viet|ai la tac gia|tac gia|nguoi viet|but danh|phong vien nao|nha bao nao|ky ten|who wrote|author)\b"),
    (DATE, r"\b(dang|dang tai|xuat ban|phat hanh|viet|cap nhat|published|posted)\b.*\b(ngay nao|khi nao|luc nao|bao gio|hom nao|when)\b"
           r"|\b(ngay dang|ngay xuat ban|thoi gian dang|publication date|when was)\b"),
    (TITLE, r"\b(tieu de|ten bai|ten cua bai|ten bai bao|headline|title)\b"),
)
# Words that point at the article rather than at something it reports on.
# "bài" alone is also a song or a poem ("bài hát", "bài thơ"): those are works the article reports on.
_ARTICLE = r"\bbai(?! (hat|tho|van|giang|hoc|thi|phat bieu|ca|tap|boi|bac|xich))\b|\b(ban tin|article|story|this post)\b"
# A fact question with no article word must be short: "Tác giả là ai?", "Link bài gốc?".
_SHORT = 6
_FACT_WORDS = set("ai la gi nao cua bai bao viet nay do tren trong ve ngay khi luc dang o dau the".split())


def asked_fact(question: str) -> str | None:
    """AUTHOR, DATE, TITLE or URL when the question asks it about the article, else None.

    "Ai viết bài này?" asks for the author; "Ai viết Truyện Kiều?" does not (it
    names a work, not the article), so it is answered from the text as usual.
    """
    folded = " ".join(re.findall(r"\w+", fold(question)))
    for fact, pattern in _ASKS:
        match = re.search(pattern, folded)
        if not match:
            continue
        # Without an article word, only a short question naming nothing else ("Tác giả là ai?").
        named = any(w[:1].isupper() for w in re.findall(r"\w+", question)[1:])
        if re.search(_ARTICLE, folded) or (len(folded.split()) <= _SHORT and not named and fact in (URL, AUTHOR, TITLE)):
            return fact
    return None


def fact_value(fact: str, meta: ArticleMeta) -> str:
    """The article's own value for `fact` ('' when the article does not give it)."""
    return {AUTHOR: meta.author, DATE: meta.date, TITLE: meta.title, URL: meta.url}[fact].strip()


def names_an_article(question: str, meta: ArticleMeta, min_shared: int = 2) -> bool:
    """Whether the question repeats words of the article's title beyond the fact words ('… bài Cầu Rồng …')."""
    asked = set(re.findall(r"\w+", fold(question))) - _FACT_WORDS
    title = set(re.findall(r"\w+", fold(meta.title))) - _FACT_WORDS
    return len(asked & title) >= min(min_shared, len(title))
