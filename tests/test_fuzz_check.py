"""Fuzzing the written-answer check with hypothesis: no unsupported URL, handle or number ever passes.

Paragraphs are built from invented sentences holding numbers, dates, links, handles, e-mail
addresses and phone numbers; replies from pieces of them (quoted, cut, recombined) with facts
added: a number in digits or words, a URL, a bare domain, a handle, a phone number, sometimes
one the paragraph does hold. The oracle is independent of bot.llm.facts: plain regular
expressions. Whenever `check` lets a reply through, every digit run, every @handle and every
link of the reply is in the paragraphs the reply cites.

`make test` runs a few hundred replies; `make test-fuzz` 10,000 (marker `fuzz`).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, event, given, settings as hsettings, strategies as st

from bot.llm.check import check

QUICK, FUZZ = 300, 10_000

SENTENCES = (
    "Cầu Tân Mỹ dài 1.250 m, khánh thành ngày 12/4/2026 với vốn 640 tỷ đồng.",
    "Ông Trương Quốc Việt, Giám đốc Ban quản lý dự án, cho biết có 35 công nhân làm việc mỗi ca.",
    "Người dân có thể gọi 0903 112 233 hoặc nhắn @banquanly_tanmy để phản ánh.",
    "Lịch thi công được đăng tại https://tanmy.example.vn/lich-thi-cong và www.tanmy.example.vn/tin.",
    "Lượng khách tăng 12,5% so với năm 2025, đạt khoảng hai mươi nghìn lượt mỗi tháng.",
    "Thư góp ý gửi về gopy@tanmy.example.vn trước ngày 30 tháng 6.",
    "Công trình không dùng vốn vay nước ngoài và chưa được nghiệm thu.",
)
ADDED = st.one_of(
    st.integers(0, 10**7).map(str),
    st.tuples(st.integers(1, 999), st.integers(0, 999)).map(lambda p: f"{p[0]}.{p[1]:03d}"),
    st.tuples(st.integers(1, 31), st.integers(1, 12), st.integers(1990, 2030)).map(lambda d: f"{d[0]}/{d[1]}/{d[2]}"),
    st.sampled_from(["mười hai", "ba mươi lăm", "hai trăm", "bốn nghìn", "twelve", "thirty five"]),
    st.from_regex(r"https?://[a-z]{3,10}\.(com|vn|xyz|me)/[a-z0-9-]{0,12}", fullmatch=True),
    st.from_regex(r"(www\.)?[a-z]{3,10}\.(com|vn|ly|me)(/[a-z]{1,8})?", fullmatch=True),
    st.from_regex(r"@[a-z][a-z0-9_]{2,14}", fullmatch=True),
    st.from_regex(r"0[39]\d{2}[ .]?\d{3}[ .]?\d{3}", fullmatch=True),
    st.from_regex(r"[a-z]{3,8}@[a-z]{3,8}\.(com|vn)", fullmatch=True),
    st.sampled_from(["@banquanly_tanmy", "0903 112 233", "1.250", "35", "tanmy.example.vn/lich-thi-cong"]),
)


@st.composite
def cases(draw):
    paragraph = " ".join(draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4, unique=True)))
    words = paragraph.split()
    start = draw(st.integers(0, len(words) - 1))
    piece = words[start:start + draw(st.integers(1, 25))]
    for _ in range(draw(st.integers(0, 3))):
        piece.insert(draw(st.integers(0, len(piece))), draw(ADDED))
    marker = draw(st.sampled_from(["[1]", "[1, 1]", "[1]."]))
    return paragraph, " ".join(piece).rstrip(".") + f" {marker}"


def _links(text: str) -> set[str]:
    found = re.findall(r"(?i)(?:https?://|www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|vn|xyz|me|ly)\b(?:/[\w-]*)?", text)
    return {re.sub(r"^(?:https?://)?(?:www\.)?", "", f.lower()).rstrip("/") for f in found}


def unsupported(reply: str, paragraph: str) -> list[str]:
    """What the reply holds that the paragraph does not: digit runs, handles, links (plain regexes)."""
    reply_plain = re.sub(r"\[[\d,\s]+\]", " ", reply)
    emails = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    missing = [d for d in re.findall(r"\d+", re.sub(emails, " ", reply_plain))
               if d not in re.findall(r"\d+", paragraph)]
    missing += [h for h in re.findall(r"(?<![\w@.])@\w+", reply_plain.lower())
                if h not in paragraph.lower()]
    missing += [e for e in re.findall(emails, reply_plain.lower()) if e not in paragraph.lower()]
    para_links = _links(paragraph)
    missing += [link for link in _links(re.sub(emails, " ", reply_plain))
                if not any(p == link or p.startswith(link) for p in para_links)]
    return missing


def one(case) -> None:
    paragraph, reply = case
    reason = check(reply, [paragraph])
    event("sent" if reason is None else reason)
    if reason is None:
        assert not unsupported(reply, paragraph), (reply, paragraph)


def fuzz_settings(examples: int):
    return hsettings(max_examples=examples, deadline=None, derandomize=examples < 1000, print_blob=True,
                     database=None if examples < 1000 else hsettings.default.database,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@fuzz_settings(QUICK)
@given(case=cases())
def test_no_unsupported_url_handle_or_number_passes(case):
    one(case)


@pytest.mark.fuzz
@fuzz_settings(FUZZ)
@given(case=cases())
def test_fuzz_replies(case):
    one(case)
