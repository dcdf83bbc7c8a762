"""Is a written answer supported, sentence by sentence, by the paragraphs it cites? Pure: the text,
the paragraphs it was given, a reason or None.

A written answer passes only if
- it carries at least one citation marker ([1], [2], [1, 2]) and every marker names a given
  paragraph (else `bad_citation`: an uncited answer cites nothing, so its facts cannot be traced;
  "I don't know" is uncited too, and the extractive answer, which did find something, is better);
- and each of its sentences, against the paragraphs that sentence cites (a sentence without a
  marker: those of the sentence before it, or for the first, of the next one that has one):
  - holds no URL, e-mail address, handle, phone number, date, number (in digits or words) or name
    (capitalised, or lower-case after a family name) that those paragraphs do not
    (`unsupported_fact`, bot.llm.facts);
  - repeats nothing a paragraph addressed to the model asks for, nor a link, handle, address or
    phone number from such text (`follows_instruction`, bot.llm.injection);
  - shares most of its content words with one sentence of them, and nearly all with the paragraphs
    given (`unsupported_claim`);
  - agrees with the clause it matches on negation (`negation_mismatch`) and does not give a person
    of the paragraph another role or another's deed (`role_swap`), approximately (bot.llm.claims).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.llm.claims import content, negation_flipped, role_swapped, support
from bot.llm.facts import Facts
from bot.llm.injection import instruction_sentences
from index.text import nfc, split_sentences

BAD_CITATION, UNSUPPORTED_FACT = "bad_citation", "unsupported_fact"
UNSUPPORTED_CLAIM, NEGATION_MISMATCH, ROLE_SWAP = "unsupported_claim", "negation_mismatch", "role_swap"
FOLLOWS_INSTRUCTION = "follows_instruction"
REASONS = (BAD_CITATION, UNSUPPORTED_FACT, FOLLOWS_INSTRUCTION, UNSUPPORTED_CLAIM, NEGATION_MISMATCH, ROLE_SWAP)

# Shares of a sentence's content words: in the best single sentence cited, and in all the
# paragraphs given together. Set on the crafted set (tests/data/written_check_set.py).
SENTENCE_SUPPORT = 0.5
CONTEXT_SUPPORT = 0.75

_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_NUMBER = re.compile(r"\d+(?:[.,/:-]\d+)*")


def cited(text: str) -> list[int]:
    """The paragraph numbers the markers name, in order (1-based)."""
    return [int(n) for group in _MARKER.findall(text) for n in re.split(r"[,;]", group)]


def numbers(text: str) -> list[str]:
    """Numbers and dates as written: '1.200', '15/3/2024', '7,5'."""
    return _NUMBER.findall(text)


def claims(text: str) -> list[tuple[str, list[int]]]:
    """Each sentence without its markers, and the paragraphs it cites (see the module docstring)."""
    sentences = [(_MARKER.sub(" ", s).strip(), cited(s)) for s in split_sentences(text)]
    out, previous = [], []
    for i, (sentence, refs) in enumerate(sentences):
        if not refs:
            refs = previous or next((r for _, r in sentences[i + 1:] if r), [])
        previous = refs
        if content(sentence) or Facts.of(sentence).any:  # a bare marker, "Vâng." say nothing to check
            out.append((sentence, refs))
    return out


def _follows(sentence: str, mine: Facts, sources: list[str]) -> bool:
    """Whether the sentence repeats text a cited paragraph addressed to the model, or its links."""
    instructions = [s for p in sources for s in instruction_sentences(p)]
    if not instructions:
        return False
    theirs = Facts.of(" ".join(instructions))
    if (mine.urls & theirs.urls) or (mine.emails & theirs.emails) or (mine.handles & theirs.handles) \
            or (mine.phones & theirs.phones):
        return True
    rest = [s for p in sources for s in split_sentences(p) if s not in instructions]
    return support(sentence, instructions).sentence > max(0.4, support(sentence, rest).sentence) if rest \
        else support(sentence, instructions).sentence >= 0.4


def sentence_reason(sentence: str, sources: list[str], context: list[str] | None = None) -> str | None:
    """None when one sentence is supported by the paragraphs it cites (`sources`; `context`: all
    the paragraphs given), else why not."""
    mine, source_text = Facts.of(sentence), "\n\n".join(sources)
    if mine.missing(Facts.of(source_text), source_text):
        return UNSUPPORTED_FACT
    if _follows(sentence, mine, sources):
        return FOLLOWS_INSTRUCTION
    backing = support(sentence, sources, context)
    if backing.sentence < SENTENCE_SUPPORT or backing.context < CONTEXT_SUPPORT:
        return UNSUPPORTED_CLAIM
    if negation_flipped(sentence, sources):
        return NEGATION_MISMATCH
    if role_swapped(sentence, sources):
        return ROLE_SWAP
    return None


def check(text: str, paragraphs: Sequence[str]) -> str | None:
    """None when `text` is supported by `paragraphs` (numbered from 1), else the reason it is not."""
    text = nfc(text)
    numbers_cited = cited(text)
    if not numbers_cited or any(not 1 <= n <= len(paragraphs) for n in numbers_cited):
        return BAD_CITATION
    context = [nfc(p) for p in paragraphs]
    for sentence, refs in claims(text):
        reason = sentence_reason(sentence, [context[n - 1] for n in dict.fromkeys(refs)], context)
        if reason:
            return reason
    return None
