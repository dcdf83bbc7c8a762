"""A question log filled with synthetic rows, for the report's tests and the docs' screenshot.

The questions, articles and feedback are invented for these tests (no seed article is quoted).
`fill` writes through the shared schema (bot/questionlog/schema.py), as the log writer does; the
figures the tests check are constants below, so a change to the data shows in one place.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, create_engine

from bot.questionlog import schema

# 12:00 in Vietnam on 18/05/2025: the reports of the tests end here.
NOW = datetime(2025, 5, 18, 5, 0, tzinfo=UTC)

ARTICLES = {
    "010_cau-rong.txt": "Cầu Rồng phun lửa, phun nước phục vụ du khách dịp cuối tuần",
    "011_phao-hoa.txt": "Lễ hội pháo hoa quốc tế trở lại với sáu đội thi",
    "012_xe-buyt.txt": "Thêm ba tuyến xe buýt nối trung tâm với các khu công nghiệp",
}

# (days before NOW, question or None when text logging was off, outcome, article, paragraph, votes)
# votes: one character per reader, "+" 👍 and "-" 👎.
ROWS = [
    # One question in three phrasings: two fold to one key, the third only meaning joins.
    *[(d, "Giá vàng hôm nay bao nhiêu?", "not_found", None, None, "") for d in (0, 0, 1, 2, 3)],
    *[(d, "gia vang hom nay bao nhieu", "not_found", None, None, "") for d in (0, 1, 4)],
    *[(d, "Hôm nay giá vàng là bao nhiêu vậy?", "not_found", None, None, "") for d in (2, 5)],
    # Close in words, another question: never merged with the one above.
    *[(d, "Lịch cắt điện quận Hải Châu tuần này", "not_found", None, None, "") for d in (1, 3, 6)],
    *[(d, "Lịch cắt nước quận Hải Châu tuần này", "not_found", None, None, "") for d in (2,)],
    # Unsure, two phrasings of one question.
    *[(d, "Bao giờ khai mạc lễ hội pháo hoa?", "unsure", "011_phao-hoa.txt", 2, "+") for d in (0, 1)],
    *[(d, "Lễ hội pháo hoa khai mạc ngày nào?", "unsure", "011_phao-hoa.txt", 2, "-") for d in (3,)],
    # Answered, cited.
    *[(d, "Cầu Rồng phun lửa lúc mấy giờ?", "answered", "010_cau-rong.txt", 3, v)
      for d, v in ((0, "++"), (0, "+"), (1, ""), (2, "-"), (4, ""), (5, "+"))],
    *[(d, "Tuyến xe buýt mới chạy từ đâu?", "answered", "012_xe-buyt.txt", 1, v) for d, v in ((1, "+-"), (6, ""))],
    *[(d, "Xe buýt số 12 bao nhiêu tiền một lượt?", "answered", "012_xe-buyt.txt", 4, "") for d in (2,)],
    # Text kept back (HOIBAO_LOG_QUESTIONS off): counted, never shown.
    (0, None, "answered", "010_cau-rong.txt", 3, "-"),
    (1, None, "not_found", None, None, ""),
    # A question that would break a page if it were not escaped.
    (2, "<script>alert('x')</script> & <b>giá</b> xăng?", "not_found", None, None, ""),
    # Refused: counted per day, not among the most asked.
    (3, "?????", "refused", None, None, ""),
    # Before any report of 7 days.
    (9, "Câu hỏi cũ từ tuần trước?", "answered", "010_cau-rong.txt", 1, "-"),
]

TOTAL = 30  # rows in the 7 days that end at NOW
OUTCOMES = {"answered": 10, "unsure": 3, "not_found": 16, "refused": 1}
ANSWERS = 13  # answered + unsure: feedback's denominator
WITH_FEEDBACK = 9  # answers at least one reader rated
UP, DOWN = 7, 4
GOLD_TIMES = 10  # the gold price question, every phrasing
GOLD_FOLDED = 8  # its two phrasings that fold to one key


def _question_rows(now: datetime):
    ids = itertools.count(1)
    for days, text, outcome, article, paragraph, votes in ROWS:
        number = next(ids)
        asked = now - timedelta(days=days, minutes=7 * number)
        row = dict(id=f"{number:032x}", asked_at=asked, channel="telegram" if number % 3 else "zalo",
                   chat_hash=f"chat{number % 5}", user_hash=f"user{number % 7}", question=text, outcome=outcome,
                   confidence=0.8 if outcome == "answered" else 0.4, article_id=article,
                   article_title=ARTICLES.get(article or ""), paragraph=paragraph, latency_ms=90.0 + number,
                   written=False, fallback=None)
        feedback = [dict(question_id=row["id"], user_hash=f"reader{i}", value=1 if v == "+" else -1,
                         given_at=asked + timedelta(minutes=1)) for i, v in enumerate(votes)]
        yield row, feedback


def fill(engine: Engine, now: datetime = NOW) -> None:
    """The tables (created if missing) with ROWS, asked relative to `now`."""
    schema.metadata.create_all(engine)
    rows = list(_question_rows(now))
    with engine.begin() as connection:
        connection.execute(schema.questions.insert(), [r for r, _ in rows])
        votes = [v for _, vs in rows for v in vs]
        if votes:
            connection.execute(schema.feedback.insert(), votes)


def sqlite_log(path, now: datetime = NOW) -> str:
    """A filled SQLite log at `path`; its URL."""
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    fill(engine, now)
    engine.dispose()
    return url


def busy_week(engine: Engine, now: datetime = NOW, seed: int = 7) -> None:
    """A livelier week (a few hundred questions) for the screenshot in the docs: ROWS plus random traffic."""
    fill(engine, now)
    rng = random.Random(seed)
    asked_often = [
        ("Cầu Rồng phun lửa lúc mấy giờ?", "answered", "010_cau-rong.txt", 3),
        ("Cầu Rồng có phun lửa tối thứ Sáu không?", "answered", "010_cau-rong.txt", 2),
        ("Lễ hội pháo hoa có mấy đội thi?", "answered", "011_phao-hoa.txt", 1),
        ("Vé xem pháo hoa giá bao nhiêu?", "unsure", "011_phao-hoa.txt", 5),
        ("Tuyến xe buýt mới chạy từ đâu?", "answered", "012_xe-buyt.txt", 1),
        ("Xe buýt chạy đến mấy giờ tối?", "unsure", "012_xe-buyt.txt", 3),
        ("Giá vàng hôm nay bao nhiêu?", "not_found", None, None),
        ("Lịch cắt điện quận Hải Châu tuần này", "not_found", None, None),
        ("Ngày mai Đà Nẵng có mưa không?", "not_found", None, None),
        ("Kết quả xổ số hôm nay?", "refused", None, None),
    ]
    weights = [14, 6, 8, 5, 9, 4, 10, 6, 5, 1]
    rows, votes = [], []
    for number in range(400):
        text, outcome, article, paragraph = rng.choices(asked_often, weights)[0]
        asked = now - timedelta(minutes=rng.randrange(7 * 24 * 60 - 12 * 60))
        qid = f"b{number:031x}"
        rows.append(dict(id=qid, asked_at=asked, channel=rng.choice(["telegram", "zalo"]), chat_hash=f"c{number}",
                         user_hash=f"u{number % 90}", question=text if rng.random() > 0.05 else None,
                         outcome=outcome, confidence=0.6, article_id=article,
                         article_title=ARTICLES.get(article or ""), paragraph=paragraph, latency_ms=95.0,
                         written=False, fallback=None))
        if article and rng.random() < 0.3:
            good = rng.random() < (0.8 if outcome == "answered" else 0.4)
            votes.append(dict(question_id=qid, user_hash=f"u{number}", value=1 if good else -1,
                              given_at=asked + timedelta(minutes=2)))
    with engine.begin() as connection:
        connection.execute(schema.questions.insert(), rows)
        connection.execute(schema.feedback.insert(), votes)
