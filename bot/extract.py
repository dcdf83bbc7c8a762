"""Short answers: what a question asks for, and the span of a sentence that gives it.

Pure functions over strings. Every span returned is a slice of the sentence it
came from, character for character. The rules are about Vietnamese grammar
(question words, name shape, titles, number and date forms), never about any
particular article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.text import fold, has_diacritics, nfc

PERSON, ROLE, NUMBER, DATE, PLACE, NAMED, WHICH, OTHER = (
    "person", "role", "number", "date", "place", "named", "which", "other",
)

# Folded question phrases, most specific first.
_KIND_PATTERNS: list[tuple[str, str]] = [
    (ROLE, r"\b(giu|dam nhiem|nam giu|la) (chuc vu|chuc danh|cuong vi|vi tri) (gi|nao)\b|\bchuc vu (gi|nao)\b|\bwhat (position|role|title)\b"),
    (DATE, r"\b(khi nao|bao gio|luc nao|ngay nao|thang nao|nam nao|thoi gian nao|thoi diem nao|when|what year|which year)\b"),
    (NUMBER, r"\b(bao nhieu|how many|how much)\b"),
    (PLACE, r"\b(o dau|tai dau|noi nao|dia diem nao|dia phuong nao|o cho nao|where)\b"),
    (PERSON, r"\b(la ai|ai la|ai da|ai duoc|ai se|ai dang|nguoi nao|vi nao|ho ten|who)\b|^ai\b"),
    (NAMED, r"\b(ten (la )?gi|co ten|goi la gi|la gi|what is the name)\b"),
    (WHICH, r"\b\w+ nao\b"),
]

# Function words of questions. Matched with accents when the question has them:
# folded, "đô" (capital) would collide with "do" and "An" (a place) with "an".
_VI_STOPWORDS = frozenset(
    (
        "là ai gì nào bao nhiêu mấy khi giờ lúc đâu sao tại vì như thế có không chưa hả vậy nhỉ à "
        "của và các những một được cho với thì mà sẽ này ấy kia hay hoặc đã đang bị do ông bà anh chị theo"
    ).split()
)
_EN_STOPWORDS = frozenset(
    (
        "who what which when where why how many much is are was were the of a an does do did in on at to "
        "for and or by with from as that this it its my your his her their"
    ).split()
)
_FOLDED_STOPWORDS = frozenset(fold(w) for w in _VI_STOPWORDS) | _EN_STOPWORDS


# Honorifics before a name; stripped from a person's name in a question.
_HONORIFICS = {"ong", "ba", "anh", "chi", "co", "chu", "bac", "em", "ngai", "mr", "mrs", "ms"}

# Common Vietnamese family names (folded): a name usually starts with one.
SURNAMES = set(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly lam trinh dinh mai to ta "
    "truong chau cao luu quach kieu thai doan ha vuong tang lai luong trieu diep khuc la lu tong thach "
    "kim quan van khong dong tieu".split()
)

# Capitalised first words of institutions and places, never of a person's name.
_INSTITUTION_WORDS = set(
    "Quận Phường Thành Tỉnh Xã Huyện Ban Đảng Ủy Bộ Sở Công Trường Bệnh Viện Hội Nhà Trung Ngân Tổng Cục "
    "Báo Đài Sông Núi Đường Cầu Chợ Khu Làng Thôn Ấp Nghị Kết Chỉ Luật Quyết Thông Chương Dự Đại Học Cộng "
    "Liên Ủy Hợp Tập Công Việt Châu Biển Vịnh Đảo Miền Bắc Nam Tây Đông "
    "Phó Tổng Chủ Giám Bí Thủ Trưởng Giáo Tiến Phần Mùa Chương".split()
)

# First syllables of titles that sit before a name ("Bí thư ...", "Phó Chủ tịch ...").
_TITLE_HEADS = (
    "bi thu", "pho bi thu", "chu tich", "pho chu tich", "giam doc", "pho giam doc", "truong", "pho truong",
    "tong bi thu", "thu tuong", "pho thu tuong", "bo truong", "thu truong", "chu nhiem", "pho chu nhiem",
    "tong giam doc", "chanh", "pho chanh", "uy vien", "dai su", "hieu truong", "vien truong", "tham phan",
    "dai tuong", "thuong tuong", "trung tuong", "thieu tuong", "dai ta", "thuong ta", "trung ta", "thieu ta",
    "dai uy", "giao su", "pho giao su", "tien si", "bac si", "nha bao", "dai bieu", "cuu", "nguyen",
    "lanh dao", "tong cuc truong", "cuc truong", "vu truong", "bi thu thuong truc", "chi huy truong",
    "president", "minister", "secretary", "director", "chairman",
)

# Syllables that, lower-cased, still belong to a proper noun ("Tỉnh ủy", "Huyện ủy").
_LOWER_IN_NAMES = {"uy", "bo", "vu", "van", "dan", "hoa", "thanh"}

_WORD = re.compile(r"[\w]+(?:[.,/-]\w+)*", re.UNICODE)
_NUMBER = re.compile(
    r"(?:(?:hơn|khoảng|gần|trên|dưới|tới|đến|gần như|chừng|xấp xỉ|tổng cộng|tổng số|chỉ|ít nhất|tối đa)\s+)?"
    r"\d+(?:[.,]\d+)*(?:\s*%)?"
    r"(?:\s+(?:triệu|tỷ|tỉ|nghìn|ngàn|trăm|vạn|chục))*"
    r"(?:\s+(?:đồng|USD|VNĐ|VND|euro|km2|km|m2|ha|héc-ta|kg|tấn|lít|người|phần trăm))?",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"(?:(?:ngày|hôm)\s+)?\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}"
    r"|(?:ngày\s+)?\d{1,2}\s+tháng\s+\d{1,2}(?:\s*(?:năm|,)\s*\d{4})?"
    r"|tháng\s+\d{1,2}\s*(?:năm\s+|/)\d{4}"
    r"|năm\s+\d{4}(?:\s*-\s*\d{4})?"
    r"|\b(?:1[5-9]|20)\d{2}\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[“\"«]([^”\"»]{3,200})[”\"»]")
_PLACE = re.compile(r"\b(?:tại|ở|trên địa bàn|thuộc)\s+((?:[^\s,.;:]+\s*){1,8})", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    score: float


# The question is analysed again for every candidate span of every sentence; it is pure, so cache it.
@lru_cache(maxsize=1024)
def question_kind(question: str) -> str:
    """What the question asks for: person, role, number, date, place, named, which, other."""
    folded = " ".join(re.findall(r"\w+", fold(question)))
    person = person_in_question(question)
    if person and re.search(r"\b(la ai|la gi|lam gi|who is)\b", folded):
        # "Ông X là ai?" asks X's title; "Vợ của X là ai?" asks for another person.
        opening = [w for w in re.findall(r"\w+", fold(question)) if w not in _HONORIFICS]
        if " ".join(opening).startswith(fold(person)):
            return ROLE
    lowered = nfc(question).lower()
    # "mấy" asks how many; folded it would also match "máy" (machine).
    if re.search(r"\bmấy\b", lowered) or (not has_diacritics(question) and re.search(r"\bmay\b", folded)):
        if not re.search(_KIND_PATTERNS[1][1], folded):
            return NUMBER
    for kind, pattern in _KIND_PATTERNS:
        if re.search(pattern, folded):
            if kind == NAMED and re.search(r"\b(nguoi|ong|ba|anh|chi|vi|co ay|cau be|co gai)\b", folded):
                return PERSON
            return kind
    return OTHER


@lru_cache(maxsize=1024)
def question_content(question: str) -> tuple[str, ...]:
    """Lower-case syllables of the question minus function words and the asking phrase.

    Accented questions keep their accents (matched against accented text);
    unaccented ones come back folded.
    """
    words = re.findall(r"\w+", nfc(question).lower())
    exact = has_diacritics(question)
    # Drop the role-asking phrase ("giữ chức vụ gì"): it is never in the answer.
    folded = [fold(w) for w in words]
    role = re.search(_KIND_PATTERNS[0][1], " ".join(folded))
    if role:
        before = len(" ".join(folded)[: role.start()].split())
        words = words[:before] + words[before + len(role.group().split()) :]
    if exact:
        return tuple(w for w in words if w not in _VI_STOPWORDS)
    return tuple(fold(w) for w in words if fold(w) not in _FOLDED_STOPWORDS)


def capitalised_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of runs of capitalised words ('Hòa Khánh Nguyễn Văn Tùng')."""
    runs: list[tuple[int, int]] = []
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        if is_capitalised(words[i].group()):
            j = i
            while j + 1 < len(words) and is_capitalised(words[j + 1].group()) and _only_space(text, words[j].end(), words[j + 1].start()):
                j += 1
            runs.append((words[i].start(), words[j].end()))
            i = j + 1
        else:
            i += 1
    return runs


def _is_acronym(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def is_capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


def _only_space(text: str, a: int, b: int) -> bool:
    return text[a:b].strip() == ""


def person_in_question(question: str) -> str | None:
    """A person's name the question mentions ('Bà Trần Thị Mai Lan ...' → 'Trần Thị Mai Lan')."""
    for start, end in capitalised_runs(question):
        parts = question[start:end].split()
        while parts and fold(parts[0]) in _HONORIFICS:
            parts.pop(0)
        if 2 <= len(parts) <= 5 and fold(parts[0]) in SURNAMES:
            return " ".join(parts)
    return None


def _syllables(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]


def person_spans(sentence: str, question: str) -> list[Span]:
    """Names in `sentence`: 2–5 capitalised syllables, not words the question already has."""
    asked = set(re.findall(r"\w+", fold(question)))
    spans: list[Span] = []
    for start, end in capitalised_runs(sentence):
        sylls = _syllables(sentence, start, end)
        # Acronyms ("UBND", "HĐQT") are organisations: a name starts after them.
        while sylls and _is_acronym(sentence[sylls[0][0] : sylls[0][1]]):
            sylls.pop(0)
        # Drop leading syllables the question already names (the place before a
        # name), but never a family name that starts a name-shaped rest.
        while sylls and fold(sentence[sylls[0][0] : sylls[0][1]]) in asked:
            if fold(sentence[sylls[0][0] : sylls[0][1]]) in SURNAMES and 2 <= len(sylls) <= 5:
                break
            sylls.pop(0)
        if not sylls:
            continue
        folded = [fold(sentence[a:b]) for a, b in sylls]
        # A surname inside the run starts the name ("Hòa Khánh Nguyễn Văn Tùng").
        cut = next((i for i, f in enumerate(folded) if f in SURNAMES and len(folded) - i >= 2), None)
        if cut is not None:
            sylls, folded = sylls[cut:], folded[cut:]
        if not 2 <= len(sylls) <= 5 or all(f in asked for f in folded):
            continue
        score = 1.0 + (1.0 if folded[0] in SURNAMES else 0.0)
        if sentence[sylls[0][0] : sylls[0][1]] in _INSTITUTION_WORDS:
            score -= 0.5
        before = fold(sentence[max(0, sylls[0][0] - 30) : sylls[0][0]]).split()
        if before and (before[-1] in _HONORIFICS or any(" ".join(before[-k:]) in _TITLE_HEADS for k in (1, 2, 3))):
            score += 0.5
        if sylls[0][0] == 0 and folded[0] not in SURNAMES:
            score -= 1.0
        a, b = sylls[0][0], sylls[-1][1]
        score += _anchor_bonus(sentence, a, b, question)
        spans.append(Span(a, b, sentence[a:b], score))
    return [s for s in spans if s.score >= 1.0]


def role_span(sentence: str, person: str) -> Span | None:
    """The title written before (or in apposition after) `person` in `sentence`."""
    folded_sentence = fold(sentence)
    at = folded_sentence.find(fold(person))
    if at < 0:
        return None
    prefix = sentence[:at]
    clause_start = max(prefix.rfind(","), prefix.rfind(":"), prefix.rfind(";"), prefix.rfind("“")) + 1
    clause = prefix[clause_start:]
    folded_clause = fold(clause)
    starts = [m.start() for head in _TITLE_HEADS for m in re.finditer(rf"(?:^|\s){re.escape(head)}\b", folded_clause)]
    if starts:
        offset = min(starts)
        offset += len(folded_clause[offset:]) - len(folded_clause[offset:].lstrip())
        text = clause[offset:].strip()
        a = clause_start + offset
        if text:
            return Span(a, a + len(text), text, 2.0)
    after = sentence[at + len(person) :]
    match = re.match(r"\s*,\s*([^,;:.]{3,80}?)\s*,", after)
    if match and any(fold(match.group(1)).startswith(h) for h in _TITLE_HEADS):
        a = at + len(person) + match.start(1)
        return Span(a, a + len(match.group(1)), match.group(1), 1.5)
    return None


def _anchor_bonus(sentence: str, start: int, end: int, question: str) -> float:
    """Reward spans that sit where the question's own words put the gap."""
    q = re.findall(r"\w+", fold(question))
    before = re.findall(r"\w+", fold(sentence[max(0, start - 40) : start]))[-3:]
    after = re.findall(r"\w+", fold(sentence[end : end + 40]))[:3]
    qset = {fold(w) for w in question_content(question)}
    near = sum(1 for w in before + after if w in qset)
    return 0.3 * near + (0.5 if before and before[-1] in q and before[-1] in qset else 0.0)


def number_spans(sentence: str, question: str) -> list[Span]:
    spans = []
    dates = [(m.start(), m.end()) for m in _DATE.finditer(sentence)]
    for m in _NUMBER.finditer(sentence):
        if any(a <= m.start() and m.end() <= b for a, b in dates) and not re.search(r"%|triệu|tỷ|nghìn", m.group()):
            continue
        text = m.group().strip()
        end = m.start() + len(text)
        # "bao nhiêu trường hợp" → keep the counted noun when the sentence repeats it.
        counted = re.search(r"(?:bao nhieu|may)((?:\s+\w+){1,4})", fold(question))
        if counted:
            following = fold(sentence[end:])
            for word in counted.group(1).split():
                step = re.match(r"\s+" + re.escape(word) + r"\b", following)
                if not step:
                    break
                end += step.end()
                following = following[step.end() :]
        spans.append(Span(m.start(), end, sentence[m.start() : end], 1.0 + _anchor_bonus(sentence, m.start(), m.end(), question)))
    return spans


def date_spans(sentence: str, question: str) -> list[Span]:
    wants_year = "nam nao" in fold(question) or "what year" in fold(question)
    spans = []
    for m in _DATE.finditer(sentence):
        text = m.group().strip()
        score = 1.0 + _anchor_bonus(sentence, m.start(), m.end(), question)
        if wants_year and re.search(r"\d{4}", text):
            score += 0.3
        spans.append(Span(m.start(), m.start() + len(text), text, score))
    return spans


def place_spans(sentence: str, question: str) -> list[Span]:
    asked = set(re.findall(r"\w+", fold(question)))
    spans = []
    for m in _PLACE.finditer(sentence):
        text = m.group(1).strip()
        words = text.split()
        # Keep the capitalised place name, or the phrase up to the clause end.
        if words and is_capitalised(words[0]):
            end = 1
            while end < len(words) and (is_capitalised(words[end]) or fold(words[end]) in _LOWER_IN_NAMES):
                end += 1
            text = " ".join(words[:end])
        new = [w for w in re.findall(r"\w+", fold(text)) if w not in asked]
        if not new:
            continue
        spans.append(Span(m.start(1), m.start(1) + len(text), text, 1.0 + (0.5 if is_capitalised(text) else 0)))
    return spans


def named_spans(sentence: str, question: str) -> list[Span]:
    """Quoted names ('nghị quyết về “...”'), for 'tên là gì' questions."""
    spans = []
    for m in _QUOTED.finditer(sentence):
        text = m.group(1).strip()
        if len(text.split()) <= 20:
            spans.append(Span(m.start(1), m.start(1) + len(text), text, 1.0 + _anchor_bonus(sentence, m.start(), m.end(), question)))
    return spans


def which_spans(sentence: str, question: str) -> list[Span]:
    """'Ban nào tham mưu ...?' → the words in the sentence between 'Ban' and 'tham mưu'."""
    folded_q = " ".join(re.findall(r"\w+", fold(question)))
    m = re.search(r"(\w+) nao\b(.*)", folded_q)
    if not m:
        return []
    head, rest = m.group(1), m.group(2).split()
    folded_s = fold(sentence)
    spans = []
    for hm in re.finditer(rf"\b{re.escape(head)}\b", folded_s):
        start = hm.start()
        if not sentence[start].isupper():
            continue
        end = None
        if rest:
            follow = " ".join(rest[:2])
            at = folded_s.find(follow, hm.end())
            if 0 <= at - hm.end() <= 60:
                end = at
        if end is None:
            runs = [r for r in capitalised_runs(sentence) if r[0] == start]
            if not runs:
                continue
            end = runs[0][1]
            while True:
                nxt = re.match(r"\s+(\w+)", sentence[end:])
                if nxt and fold(nxt.group(1)) in _LOWER_IN_NAMES:
                    end += nxt.end()
                else:
                    break
        text = sentence[start:end].strip(" ,")
        if 1 < len(text.split()) <= 12:
            spans.append(Span(start, start + len(text), text, 2.0))
    return spans


_FINDERS = {
    PERSON: person_spans,
    NUMBER: number_spans,
    DATE: date_spans,
    PLACE: place_spans,
    NAMED: named_spans,
    WHICH: which_spans,
}


def extract(sentence: str, question: str, kind: str) -> Span | None:
    """The best short answer of `kind` in `sentence`, or None."""
    if kind == ROLE:
        person = person_in_question(question)
        return role_span(sentence, person) if person else None
    finder = _FINDERS.get(kind)
    if finder is None:
        return None
    spans = finder(sentence, question)
    if kind == NAMED and not spans:
        spans = which_spans(sentence, question)
    return max(spans, key=lambda s: s.score, default=None)
