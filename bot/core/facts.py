"""Questions about an article itself (who wrote it, when, its title, its link), answered from its metadata.

"Ai viết bài này?" has no answer in any paragraph's text: the byline is the
article's signature or front matter, which the index keeps in the manifest.
Pure functions over the question and an `ArticleMeta`.
"""

from __future__ import annotations

from index.manifest import ArticleMeta
from index.text import Rule, lower_words, tokens, words

AUTHOR, DATE, TITLE, URL = "author", "date", "title", "url"

# Phrases asking for each fact, most specific first; matched as the reader wrote them
# (index.text.Rule): accented, "đang" (is …ing) is not "đăng" (published), "bãi" not "bài".
_ASKS = (
    (URL, Rule(r"\b(link|đường dẫn|địa chỉ|url|nguồn gốc|bài gốc|bản gốc)\b")),
    (AUTHOR, Rule(r"\b(ai viết|ai là tác giả|tác giả|người viết|bút danh|phóng viên nào|nhà báo nào|ký tên|kí tên"
                  r"|who wrote|author)\b")),
    (DATE, Rule(r"\b(đăng|đăng tải|xuất bản|phát hành|viết|cập nhật|published|posted)\b.*"
                r"\b(ngày nào|khi nào|lúc nào|bao giờ|hôm nào|when)\b"
                r"|\b(ngày đăng|ngày xuất bản|thời gian đăng|publication date|when was)\b")),
    (TITLE, Rule(r"\b(tiêu đề|tên bài|tên của bài|tên bài báo|headline|title)\b")),
)
# Words that point at the article rather than at something it reports on.
# "bài" alone is also a song or a poem ("bài hát", "bài thơ"): those are works the article reports on.
_ARTICLE = Rule(r"\bbài(?! (hát|thơ|văn|giảng|học|thi|phát biểu|ca|tập|bơi|bạc|xích))\b|\b(bản tin|article|story|this post)\b")
# A fact question with no article word must be short: "Tác giả là ai?", "Link bài gốc?".
_SHORT = 6
_FACT_WORDS = set("ai la gi nao cua bai bao viet nay do tren trong ve ngay khi luc dang o dau the".split())
# "bài về lễ hội ẩm thực", "bài viết về …": the words after name the article asked about.
_ABOUT = Rule(r"\bbài(?: viết| báo)? (?:về|nói về|kể về|đưa tin về) (.+)")


def asked_fact(question: str) -> str | None:
    """AUTHOR, DATE, TITLE or URL when the question asks it about the article, else None.

    "Ai viết bài này?" asks for the author; "Ai viết Truyện Kiều?" does not (it
    names a work, not the article), so it is answered from the text as usual.
    """
    lowered = lower_words(question)
    for fact, rule in _ASKS:
        if not rule.search(question):
            continue
        # Without an article word, only a short question naming nothing else ("Tác giả là ai?").
        named = any(w[:1].isupper() for w in words(question)[1:])
        if _ARTICLE.search(question) or (len(lowered) <= _SHORT and not named and fact in (URL, AUTHOR, TITLE)):
            return fact
    return None


def described_article(question: str) -> str | None:
    """What the question says the article is about ("bài về lễ hội ẩm thực" → "lễ hội ẩm thực"), if it does."""
    match = _ABOUT.search(question)
    return match.group(1).strip() if match else None


def fact_value(fact: str, meta: ArticleMeta) -> str:
    """The article's own value for `fact` ('' when the article does not give it)."""
    return {AUTHOR: meta.author, DATE: meta.date, TITLE: meta.title, URL: meta.url}[fact].strip()


def names_an_article(question: str, meta: ArticleMeta, min_shared: int = 2) -> bool:
    """Whether the question repeats words of the article's title beyond the fact words ('… bài Cầu Rồng …')."""
    asked = set(tokens(question)) - _FACT_WORDS
    title = set(tokens(meta.title)) - _FACT_WORDS
    return len(asked & title) >= min(min_shared, len(title))
