"""Bylines as Vietnamese papers write them, down to the name: 'Bài và ảnh: Lê Vy' → 'Lê Vy'.

A signature closes most articles: 'THANH TÂM', 'Minh Anh - Hoàng Long', 'Lan Hương (TTXVN)',
'Nhóm PV', 'Theo Báo Tin Tức', 'Bài và ảnh: Lê Vy'. The credit words before the name ('Bài và
ảnh:', 'Ảnh:', 'Tin, ảnh:', 'Thực hiện:') and 'Theo' are not part of it; an agency tag in
parentheses is kept, tidied, since it says where the story came from. Pure functions.
"""

from __future__ import annotations

import re

from index.corpus import is_signature

_BYLINE_MAX_WORDS, _BYLINE_MAX_CHARS = 6, 60
_BYLINE_AGENCY = re.compile(r"\s*(?:\([^()]{1,24}\)|[-–/]\s*[A-ZĐ]{2,10})\s*$")  # "(TTXVN)", "/VOV", "- TTXVN"
_BYLINE_JOINERS = re.compile(r"[\s,\-–&/]+")
# "Bài và ảnh:", "Bài, ảnh:", "Tin + ảnh:", "Ảnh:", "Thực hiện:", "Nhóm thực hiện:" (the colon may have been lost).
_CREDIT_WORD = r"(?:bài|tin|ảnh|video|clip|bài viết|thực hiện|nhóm thực hiện|văn bản)"
_PREFIX = re.compile(rf"^\s*{_CREDIT_WORD}(?:\s*(?:,|và|&|\+|-)\s*{_CREDIT_WORD})*\s*(?::\s*|\s+(?=[A-ZĐÀ-Ỹ]))",
                     re.IGNORECASE)
_THEO = re.compile(r"^\s*Theo\s+(?=[A-ZĐÀ-Ỹ])")
_LONE_AGENCY = re.compile(r"^\(\s*([^()]{1,24}?)\s*\)$")


def is_byline(line: str) -> bool:
    """A short signature closing an article: 'THANH TÂM', 'Thanh Tâm', 'Minh Anh - Hoàng Long', 'Lan Hương (TTXVN)'.

    A few capitalised words with no digits and no sentence punctuation; 'và' may join two names.
    """
    if is_signature(line):
        return True
    core = _BYLINE_AGENCY.sub("", line).strip()
    if not core or len(core) > _BYLINE_MAX_CHARS:
        return False
    words = [w for w in _BYLINE_JOINERS.split(core) if w and w != "và"]
    return 0 < len(words) <= _BYLINE_MAX_WORDS and all(w.isalpha() and w[0].isupper() for w in words)


def clean_byline(text: str) -> str:
    """The name(s) in a byline: credit words and 'Theo' dropped, an agency tag kept as ' (TTXVN)'."""
    text = " ".join((text or "").split()).strip(" .;")
    lone = _LONE_AGENCY.match(text)
    if lone:
        return lone.group(1)
    text = _THEO.sub("", _PREFIX.sub("", text, count=1), count=1)
    return re.sub(r"\s*\(\s*([^()]+?)\s*\)\s*$", r" (\1)", text).strip(" .;:")


def byline_of(line: str) -> str:
    """The cleaned name when `line` is a byline (with or without its credit words), else ''."""
    if _LONE_AGENCY.match(line.strip()):
        return clean_byline(line)
    name = clean_byline(line)
    return name if name and is_byline(name) else ""
