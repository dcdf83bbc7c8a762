"""Deep links per article: "Hỏi bot về bài này" under every article on the newsroom's site.

An article's key is a hash of its link (its file name when it has none): short (10 characters, what
Telegram's `start` parameter allows: A–Z a–z 0–9 _ -), stable across rebuilds and machines, and
looked up only among the indexed articles, so no key, guessed or forged, opens anything but a
public article. Telegram: https://t.me/<bot>?start=<key>. Zalo's Bot API documents no start
parameter, so a Zalo link can only open the chat (docs/zalo.md).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from index.manifest import ArticleMeta

KEY_BYTES = 6  # 48 bits: ten base32 characters; collisions among a million articles ~ 2e-3


@dataclass(frozen=True)
class Link:
    key: str
    article: str  # its id in the index
    title: str
    source: str
    url: str
    link: str  # t.me/<bot>?start=<key>

    def to_json(self) -> dict:
        return {"key": self.key, "link": self.link, "title": self.title, "source": self.source, "url": self.url}


def article_key(meta: ArticleMeta) -> str:
    """The article's short, stable key."""
    identity = (meta.url or meta.source).strip()
    digest = hashlib.blake2b(identity.encode("utf-8"), digest_size=KEY_BYTES, person=b"hoibao-link").digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def links(articles: Iterable[tuple[str, ArticleMeta]], bot_username: str) -> list[Link]:
    name = bot_username.lstrip("@")
    return [Link(key, aid, meta.title, meta.source, meta.url, f"https://t.me/{name}?start={key}")
            for aid, meta in articles for key in [article_key(meta)]]


def find(articles: Iterable[tuple[str, ArticleMeta]], key: str) -> str | None:
    """The article a start parameter names, None for any other key."""
    key = key.strip().lower()
    return next((aid for aid, meta in articles if article_key(meta) == key), None)
