"""An article as the file `index.corpus` reads: front matter, title, blank-line paragraphs."""

from __future__ import annotations

from ingest.extract import WebArticle


def render(article: WebArticle) -> str:
    """The file text; front matter holds only the fields present, the author replaces a signature line."""
    meta = [f"{key}: {value}" for key, value in
            (("url", article.url), ("date", article.date), ("author", article.author)) if value]
    head = ["---", *meta, "---"] if meta else []
    return "\n".join(head + [article.title, ""] + [f"{p}\n" for p in article.paragraphs])
