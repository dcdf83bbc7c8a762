"""Vietnamese text handling, in one place: NFC, accent folding, tokens, sentences.

Both indexing and querying go through these functions, so an unaccented or NFD
question meets the same tokens as the NFC article it is about.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Abbreviations after which a period does not end a sentence ("TP. Đà Nẵng",
# "Q. Hải Châu", "PGS. TS. Lê Văn A", "v.v."). Compared folded and lower-case, so
# nothing here may fold to a Vietnamese word: "ong", "ba", "no" made "thứ ba.",
# "gặp ông." and "quý nó." run on into the next sentence.
_ABBREVIATIONS = frozenset(
    "tp q p x h t tt ths ts pgs gs bs ks ds ns mr mrs ms dr st nxb vd tr ptg ubnd hdnd".split()
)
_WORD = re.compile(r"\w+", re.UNICODE)
_JOINED_WORD = re.compile(r"\w+(?:[.,/-]\w+)*", re.UNICODE)
# The five tone marks (grave, acute, tilde, hook above, dot below), as combining characters.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_SENTENCE_END = re.compile(r"[.!?…][”\"’)»]*(\s+)")


def nfc(text: str) -> str:
    """Unicode NFC, the one form stored and compared everywhere."""
    return unicodedata.normalize("NFC", text)


class _Folded(dict):
    """Each character's folded form, worked out the first time it is seen (str.translate's table)."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(code)).replace("đ", "d")
        self[code] = folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return folded


_FOLDED = _Folded()


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ→d), so 'Hòa Khánh' and 'hoa khanh' match.

    Character by character through a table (decomposition and dropping the marks are
    per character, so this is NFD-and-strip on the whole text, several times faster).
    """
    return text.lower().translate(_FOLDED)


def has_diacritics(text: str) -> bool:
    """Whether any letter carries a Vietnamese mark (or is đ): 'Hòa' yes, 'hoa' and 'HOA' no."""
    return fold(text) != text.lower()


def content_hash(text: str | bytes) -> str:
    """The one content hash: articles, evaluation paragraphs, embedded chunks (unchanged → reused)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()[:16]


# ---------------------------------------------------------------- the word splitter
# One word: a run of letters, digits and "_" (`_WORD`). Vietnamese writes one syllable per word, so
# these are syllables. Each function below is that split over one form of the text; callers pick the
# form they compare in, never a regex of their own.


def words(text: str) -> list[str]:
    """Word tokens (syllables for Vietnamese) as written, NFC."""
    return _WORD.findall(nfc(text))


def lower_words(text: str) -> list[str]:
    """Word tokens NFC and lower-case, diacritics kept ('Đô' → 'đô'): how rules match an accented question."""
    return _WORD.findall(nfc(text).lower())


def tokens(text: str) -> list[str]:
    """Folded syllable tokens: the lexical index's and the sentence scorer's unit."""
    return _WORD.findall(fold(nfc(text)))


def joined_words(text: str) -> list[re.Match[str]]:
    """Words with the joiners inside numbers, dates and names kept ('2.500', '10/3', 'TP.HCM', 'Covid-19'),
    as matches over `text` as given, so their positions index it: the span finders' unit."""
    return list(_JOINED_WORD.finditer(text))


def bigrams(toks: list[str]) -> list[str]:
    """Adjacent syllable pairs ('hoa_khanh'): Vietnamese words are mostly two syllables."""
    return [f"{a}_{b}" for a, b in zip(toks, toks[1:])]


def index_terms(text: str) -> list[str]:
    """Terms the lexical index stores: folded syllables plus syllable bigrams."""
    toks = tokens(text)
    return toks + bigrams(toks)


def spelling_key(word: str) -> str:
    """The word with its tone mark moved to the end: one key for 'hòa' and 'hoà', 'thụy' and 'thuỵ'."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(ch for ch in decomposed if ch in _TONES)
    return nfc("".join(ch for ch in decomposed if ch not in _TONES)) + tones


def word_runs(text: str) -> list[list[tuple[int, int]]]:
    """(start, end) of each word in `text`, grouped into runs that only spaces separate.

    Punctuation ends a run: "Hà Nội, Huế" is two runs, so no syllable pair is
    counted or scored across the comma.
    """
    runs: list[list[tuple[int, int]]] = []
    end = None
    for match in _WORD.finditer(text):
        if end is None or text[end : match.start()].strip():
            runs.append([])
        runs[-1].append(match.span())
        end = match.end()
    return runs


def has_letters_or_digits(text: str) -> bool:
    """False for text made only of emoji, punctuation, symbols or spaces."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _ends_with_abbreviation(chunk: str) -> bool:
    match = re.search(r"(\w+)\.$", chunk)
    if not match:
        return False
    word = match.group(1)
    # Single capital letters are initials ("T.T", "Nguyễn V. A") not sentence ends.
    return fold(word) in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping each sentence's exact characters.

    Knows Vietnamese abbreviations ("TP.", "Q.", "TS."), initials, decimal and
    thousands separators ("2.500"), and closing quotes (“...”) after the full stop.
    """
    text = text.strip()
    if not text:
        return []
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start : match.start(1)]
        following = text[match.end() : match.end() + 1]
        # "kinh tế... thu hút": an ellipsis before a lower-case word goes on.
        if _ends_with_abbreviation(candidate) or following.islower():
            continue
        if candidate.strip():
            pieces.append(candidate.strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of `split_sentences(text)` inside `text`."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in split_sentences(text):
        start = text.index(sentence, cursor)
        spans.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    return spans


# ---------------------------------------------------------------- rules over questions


class Rule:
    """A pattern written with diacritics, matched as the reader wrote the question.

    A question typed with diacritics is matched with them: folding would merge
    bài/bãi, đăng/đang, còn/con, and "Con đường nào…" is not "Còn … thì sao?". A
    question typed without any is matched folded, since nothing else is possible.
    Patterns see the question as `rule_text` gives it: NFC, lower-case, words
    joined by single spaces, punctuation dropped.
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = nfc(pattern)
        self.accented = re.compile(_outside_escapes(self.pattern, str.lower), flags)
        self.folded = re.compile(_outside_escapes(self.pattern, fold), flags)

    def search(self, question: str) -> re.Match[str] | None:
        if has_diacritics(question):
            return self.accented.search(rule_text(question))
        return self.folded.search(rule_text(fold(question)))


_ESCAPE_OR_WORD = re.compile(r"\\.|\w+", re.UNICODE)


def _outside_escapes(pattern: str, change) -> str:
    """`change` applied to the words of a regex, never to its escapes (lower-casing "\\D" breaks it)."""
    return _ESCAPE_OR_WORD.sub(lambda m: m.group() if m.group().startswith("\\") else change(m.group()), pattern)


def rule_text(text: str) -> str:
    """The form `Rule` patterns are matched against: NFC, lower-case, words joined by single spaces."""
    return " ".join(lower_words(text))
