"""Word lists the written-answer check reads: numbers in words, negations, roles, family names.

Matched lower-case WITH accents: folded, "chưa" (not yet) would be "chua" (sour) and "chùa"
(pagoda), "năm" (five, year) "nam" (south, male).
"""

from __future__ import annotations

# ---- numbers written in words ----------------------------------------------------------
_DIGITS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
           "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_AFTER_TENS = {"mốt": 1, "tư": 4, "lăm": 5, "nhăm": 5, "năm": 5}  # only after "mươi"
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
          "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "mười": 10}
_SCALES = {"nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9,
           "thousand": 1e3, "million": 1e6, "billion": 1e9}
_HUNDRED = ("trăm", "hundred")
_FILLERS = ("linh", "lẻ", "and")
# Alone, these are mostly not numbers: "một" (a), "năm" (year), "one" (one of…), "ba" (dad) is rare.
_AMBIGUOUS_ALONE = {"một", "năm", "one"}


NUMBER_WORDS = frozenset(_DIGITS) | frozenset(_AFTER_TENS) - {"năm", "tư"} | frozenset(_TEENS) | frozenset(_SCALES) \
    | frozenset(_HUNDRED) | {"mươi"}


def _is_number_word(word: str, previous: str) -> bool:
    if word in _DIGITS or word in _TEENS or word in _SCALES or word in _HUNDRED or word == "mươi":
        return True
    if word in _AFTER_TENS:
        return previous == "mươi" or (word == "năm" and previous in _FILLERS)
    return word in _FILLERS and previous in _HUNDRED


def _value(run: list[str]) -> float:
    total = group = last = 0.0
    for word in run:
        if word in _DIGITS or word in _AFTER_TENS:
            last = _DIGITS.get(word, _AFTER_TENS.get(word, 0))
        elif word in _TEENS:
            group += _TEENS[word]
        elif word == "mươi":
            group, last = group + last * 10, 0
        elif word in _HUNDRED:
            group, last = group + (last or 1) * 100, 0
        elif word in _SCALES:
            total, group, last = total + (group + last or 1) * _SCALES[word], 0, 0
    return total + group + last


def number_runs(words: list[str]) -> list[float]:
    """Values of the numbers written in words among lower-case `words` ("mười hai" → 12,
    "hai mươi lăm" → 25); a lone "hàng trăm" or "một" (a) is not one."""
    values, run = [], []
    for i, word in enumerate(words + [""]):
        if word and _is_number_word(word, words[i - 1] if i else ""):
            run.append(word)
            continue
        while run and run[-1] in _FILLERS:
            run.pop()
        counted = [w for w in run if w not in _SCALES and w not in _HUNDRED]
        if counted and not (len(run) == 1 and run[0] in _AMBIGUOUS_ALONE):
            values.append(_value(run))
        run = []
    return values


# ---- negation ----------------------------------------------------------------------------
NEGATIONS = frozenset("không chưa chẳng chả đừng chớ chưa_từng không_hề phủ_nhận bác_bỏ "
                      "not no never none nobody nothing cannot denied denies".split())
# "không" inside a word that is no negation: không khí (air), hàng không (aviation)…
NOT_NEGATION = frozenset("không_khí không_gian hàng_không không_quân không_trung không_phận không_lưu "
                         "không_kích không_vận không_ảnh chẳng_hạn chả_giò chả_lụa chả_cá "
                         "không_chỉ chẳng_những không_ngừng không_ít".split())  # idioms: "không chỉ… mà còn"

# ---- roles a person holds in a story ------------------------------------------------------
ROLES = frozenset((
    "nhân chứng|người chứng kiến|nghi phạm|nghi can|bị can|bị cáo|bị hại|nạn nhân|thủ phạm|hung thủ|đối tượng|"
    "tài xế|người lái|bác sĩ|luật sư|thẩm phán|kiểm sát viên|điều tra viên|chủ tịch|phó chủ tịch|giám đốc|"
    "phó giám đốc|bộ trưởng|thứ trưởng|trưởng phòng|trưởng ban|phó trưởng ban|người phát ngôn|phát ngôn viên|chủ đầu tư|nhà thầu|"
    "chủ nhà|chủ quán|chủ tiệm|bảo vệ|cảnh sát|công an|phóng viên|giáo viên|hiệu trưởng|học sinh|sinh viên|"
    "witness|suspect|victim|defendant|driver|doctor|lawyer|judge|chairman|director|minister|police"
).split("|"))

# ---- names written lower-case -------------------------------------------------------------
# Family names that are not also everyday words (dương: positive, hồ: lake, đỗ: to park…).
LOWER_SURNAMES = frozenset("nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi trịnh trương ngô".split())
# A lower-case family name starts a name only before one of these middle names, or after an
# honorific: "sai phạm trước…" (a violation) is no "Phạm".
MIDDLE_NAMES = frozenset((
    "văn thị hữu đức minh quốc thanh ngọc xuân thu hoàng công quang trọng đình huy tiến kim hồng bảo gia anh "
    "tuấn hải mạnh phương thành khánh nhật như bích thúy mỹ lan hoài duy trung"
).split())
HONORIFICS = frozenset("ông bà anh chị cô chú bác em cụ".split())
# Words after a family name that end the name rather than continue it.
NAME_STOPS = frozenset((
    "là của và các những một được cho với thì mà sẽ này ấy kia hay hoặc đã đang bị do theo nói biết "
    "cũng vẫn có không chưa trong tại ở khi người về từ đến ra vào lên xuống làm đi tới rằng như"
).split())
