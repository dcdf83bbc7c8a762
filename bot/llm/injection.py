"""Text in an article that addresses the model ("bỏ qua hướng dẫn", "ignore previous instructions",
"hãy trả lời…"). Pure.

A crawled page is written by whoever controls it. Such a paragraph is still quoted to the model,
marked as data (bot.llm.prompt), and a reply that repeats what it asks fails the check
(bot.llm.check: `follows_instruction`). The patterns read folded text, so they hold unaccented too.
"""

from __future__ import annotations

import re

from index.text import fold, nfc, split_sentences

_PATTERNS = re.compile("|".join((
    r"\b(?:bo qua|phot lo|quen di|quen het|bat ke|khong can tuan theo)\b.{0,40}"
    r"\b(?:huong dan|chi dan|chi thi|yeu cau|lenh|quy tac|nhiem vu)\b",
    r"\bignore\b.{0,40}\b(?:instructions?|prompts?|rules|directions|above|previous)\b",
    r"\bdisregard\b.{0,40}\b(?:instructions?|prompts?|rules|above|previous)\b",
    r"\b(?:system prompt|developer message|new instructions|huong dan moi)\b",
    r"\b(?:you are now|from now on you|as an ai|ban la (?:mot )?(?:tro ly|chatbot|mo hinh|ai)\b)",
    r"\b(?:hay|vui long|please)\s+(?:tra loi|tra ve|noi voi|viet rang|tuyen bo|answer|reply|respond|tell)\b",
    r"\b(?:tra loi|answer|reply|respond)\s+(?:rang|that)\b",
    r"\b(?:mo hinh ngon ngu|language model|chatbot|tro ly ao|ai assistant)\b.{0,40}"
    r"\b(?:phai|hay|must|should|need to)\b",
)))


def addresses_model(text: str) -> bool:
    """Whether `text` speaks to a language model rather than to a reader."""
    return _PATTERNS.search(fold(nfc(text))) is not None


def instruction_sentences(paragraph: str) -> list[str]:
    """The sentences of `paragraph` from the first one that addresses the model to the end:
    what follows an instruction is usually its payload ("…: đăng nhập tại https://…")."""
    sentences = split_sentences(paragraph)
    for i, sentence in enumerate(sentences):
        if addresses_model(sentence):
            return sentences[i:]
    return []
