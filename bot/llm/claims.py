"""Does a claim say what its paragraph says? Word overlap, negation and roles, approximately. Pure.

- `support`: the share of the claim's content words found in the best single sentence of the
  paragraphs it cites, and in all the paragraphs given ("Bộ trưởng đã từ chức [1]" cited on a paragraph
  about a bridge shares none).
- `negation_flipped`: a clause of the claim and the paragraph clause it matches best disagree on
  a negation ("không", "chưa", "not"…), one way or the other.
- `role_swapped`: a person of the paragraph gets another role in the claim: the role word just
  before the name differs ("nhân chứng A" → "nghi phạm A"), or the claim's verb after the name is,
  in the paragraph, done by another person ("A đã phóng hỏa" where the paragraph says "B đã phóng hỏa").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.spans.lexicon import FOLDED_STOPWORDS, SURNAMES
from bot.llm.words import NEGATIONS, NOT_NEGATION, NUMBER_WORDS, ROLES
from index.text import fold, lower_words, nfc, split_sentences, tokens, words

_CLAUSE = re.compile(r"[,;:](?!\d)|\.\s|[()“”\"]|\s[-–]\s|\b(?:nhưng|song|tuy nhiên|but|while|whereas)\b")
# Negation is compared clause by clause, finer: "và", "nếu" start a clause of their own.
_NEGATION_CLAUSE = re.compile(_CLAUSE.pattern + r"|\b(?:và|nếu|khi|and|if|unless)\b")
_EXTRA_STOPS = frozenset("da dang se rang cung van nay do ve tu den trong tai o nhu khi thi nen neu vi theo "
                         "bai bao doan viet cho biet noi the nhat rat hon lai con ngay thang nam".split())
STOP = FOLDED_STOPWORDS | _EXTRA_STOPS
_ROLE_FOLDED = {fold(r): r for r in ROLES}
_SHARED = frozenset("va cung voi hoac and with or".split())


def content(text: str) -> list[str]:
    """Folded content words: the text's words without function words, numbers (bot.llm.facts
    compares those, in digits or words) and citation markers."""
    found = []
    for word in words(re.sub(r"\[[\d,;\s]+\]", " ", text)):
        lower = word.lower()
        if lower.isdigit() or lower in NUMBER_WORDS:
            continue
        if (folded := fold(lower)) not in STOP:
            found.append(folded)
    return found


@dataclass(frozen=True)
class Support:
    sentence: float  # share of the claim's content words in the best sentence cited
    context: float  # … in all the paragraphs given together (a subject named in another one)
    best: str  # that sentence


def support(claim: str, paragraphs: list[str], context: list[str] | None = None) -> Support:
    words = set(content(claim))
    if not words:
        return Support(1.0, 1.0, "")
    sentences = [s for p in paragraphs for s in split_sentences(p)]
    scored = [(len(words & set(content(s))) / len(words), s) for s in sentences] or [(0.0, "")]
    best_share, best = max(scored, key=lambda pair: pair[0])
    whole = set(content(" ".join(paragraphs + (context or []))))
    return Support(best_share, len(words & whole) / len(words), best)


def _negated(clause: str) -> bool:
    words = lower_words(clause)
    pairs = {f"{a}_{b}" for a, b in zip(words, words[1:])}
    singles = {w for i, w in enumerate(words)
               if not ({f"{words[i - 1]}_{w}" if i else "", f"{w}_{words[i + 1]}" if i + 1 < len(words) else ""}
                       & NOT_NEGATION)}
    return bool((singles | pairs) & NEGATIONS) or "n't" in clause.lower()


def _clauses(text: str, pattern: re.Pattern = _CLAUSE) -> list[str]:
    return [c for s in split_sentences(text) for c in pattern.split(s) if c and c.strip()]


def negation_flipped(claim: str, paragraphs: list[str]) -> bool:
    """Whether a clause of the claim and the paragraph clause(s) it matches best (overlap over the
    shorter of the two, then the most words shared) disagree on negation."""
    theirs = [(set(content(c)), _negated(c)) for p in paragraphs for c in _clauses(p, _NEGATION_CLAUSE)]
    theirs = [(words, negated) for words, negated in theirs if words]
    for clause in _clauses(claim, _NEGATION_CLAUSE):
        words = set(content(clause))
        if len(words) < 2 or not theirs:
            continue
        scored = [((len(words & w) / min(len(words), len(w)), len(words & w)), negated) for w, negated in theirs]
        best = max(score for score, _ in scored)
        if best[0] >= 0.5 and all(negated != _negated(clause) for score, negated in scored if score == best):
            return True
    return False


def person_names(text: str) -> set[str]:
    """Folded person names: the part of a run of capitalised words from its first family name on
    ("Nhân chứng Nguyễn Văn An" → "nguyen van an"; "Ông Lê Minh" → "le minh")."""
    found = set()
    for run in re.findall(r"(?:\b[^\W\d_][\w]*\b\s*)+", nfc(text)):
        capitals = []
        for word in run.split() + [""]:
            if word[:1].isupper():
                capitals.append(fold(word))
                continue
            start = next((i for i, w in enumerate(capitals) if w in SURNAMES), None)
            if start is not None and len(capitals) - start >= 2:
                found.add(" ".join(capitals[start:]))
            capitals = []
    return found


def _persons(text: str, known: set[str]) -> list[tuple[str, int]]:
    """Where each of the `known` names stands in `text`, by token position."""
    folded = tokens(text)
    found = []
    for name in known:
        key = name.split()
        found += [(name, i) for i in range(len(folded)) if folded[i:i + len(key)] == key]
    return found


def _role(folded: list[str], at: int, length: int) -> str:
    """The role word of the name at `at`: the nearest within four words before it ("nghi phạm A"),
    else right after it ("A, nhân chứng"), or ''."""
    for start in range(at - 1, max(-1, at - 5), -1):
        for size in (3, 2, 1):
            phrase = " ".join(folded[start:start + size])
            if start + size <= at and phrase in _ROLE_FOLDED:
                return phrase
    after = at + length
    return next((p for size in (3, 2, 1) if (p := " ".join(folded[after:after + size])) in _ROLE_FOLDED), "")


def _doer(sentences: list[tuple[list[str], list[tuple[str, int]]]], verb: list[str]) -> str | None:
    """The person nearest before the first place `verb` (two content words) is said, or None."""
    for folded, people in sentences:
        for i in range(len(folded) - 1):
            if folded[i:i + 2] == verb:
                before = [(name, at) for name, at in people if at + len(name.split()) <= i]
                return max(before, key=lambda pair: pair[1])[0] if before else None
    return None


def role_swapped(claim: str, paragraphs: list[str]) -> str:
    """The name whose role the claim changes, or ''."""
    sentences = [s for p in paragraphs for s in split_sentences(p)]
    known = set().union(*(person_names(s) for s in sentences)) if sentences else set()
    theirs = [(tokens(s), _persons(s, known)) for s in sentences]
    for clause in _clauses(claim):  # a deed after a comma is no longer the name's ("Theo A, chợ bị…")
        mine = tokens(clause)
        for name, at in _persons(clause, known):
            size = len(name.split())
            role = _role(mine, at, size)
            their_roles = {r for folded, people in theirs for n, p in people if n == name
                           if (r := _role(folded, p, size))}
            if role and their_roles and role not in their_roles:
                return name
            rest = mine[at + size:]
            if set(rest[:2]) & _SHARED:
                continue  # "A và B đã ký…": the verb is theirs together
            after = [t for t in rest if t not in STOP][:2]
            if len(after) == 2 and (doer := _doer(theirs, after)) is not None and doer != name:
                return name
    return ""
