"""The push messages a follower gets (pure): one article, or a digest when several match at once."""

from __future__ import annotations

from dataclasses import dataclass

from index.text import split_sentences

SAPO_CHARS = 200
QUOTE_CHARS = 300
DIGEST_SHOWN = 5


@dataclass(frozen=True)
class Match:
    article: str
    title: str
    url: str
    sapo: str  # the first paragraph
    paragraph: int  # the matching paragraph's number
    quote: str  # its text


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def one(topic: str, match: Match) -> str:
    """Title, sapo, link and the paragraph that matched."""
    first = split_sentences(match.sapo)[0] if match.sapo else ""
    lines = [f"🔔 Tin mới về «{topic}»:", match.title, _cut(first, SAPO_CHARS)]
    if match.paragraph != 1 or match.quote != match.sapo:
        lines.append(f"Đoạn {match.paragraph}: «{_cut(match.quote, QUOTE_CHARS)}»")
    if match.url:
        lines.append(match.url)
    lines.append(f"(Bỏ theo dõi: /huytheodoi {topic})")
    return "\n".join(line for line in lines if line)


def digest(topics: list[str], matches: list[Match]) -> str:
    """Several new articles for one chat in one message."""
    about = ", ".join(f"«{t}»" for t in topics)
    lines = [f"🔔 {len(matches)} tin mới về {about}:"]
    for i, match in enumerate(matches[:DIGEST_SHOWN], 1):
        lines.append(f"{i}. {match.title}" + (f"\n   {match.url}" if match.url else ""))
    if len(matches) > DIGEST_SHOWN:
        lines.append(f"… và {len(matches) - DIGEST_SHOWN} tin khác: gõ /tinmoi {topics[0]}")
    return "\n".join(lines)
