"""The bot's own words (Vietnamese), shared by every channel."""

from __future__ import annotations

EMPTY = "Bạn hãy gõ một câu hỏi về các bài báo, ví dụ: «Ai là bí thư phường …?»"
SYMBOLS_ONLY = "Mình chỉ hiểu câu hỏi bằng chữ. Bạn hãy gõ câu hỏi về nội dung các bài báo nhé."
NOT_TEXT = "Mình chỉ trả lời câu hỏi dạng văn bản. Bạn hãy gõ câu hỏi về nội dung các bài báo nhé."
APOLOGY = "Xin lỗi, mình gặp sự cố khi trả lời câu hỏi này. Bạn thử lại sau ít phút nhé."
NOT_ALLOWED = "Xin lỗi, bot này chỉ phục vụ các nhóm/người dùng đã được cho phép."
ADMIN_ONLY = "Chỉ quản trị viên mới dùng được lệnh này."
REINDEX_STARTED = "Đang xây dựng lại chỉ mục… Trong lúc đó mình vẫn trả lời từ chỉ mục cũ."
REINDEX_BUSY = "Chỉ mục đang được xây dựng lại, bạn chờ một lát nhé."
NOT_FOUND = "Xin lỗi, các bài báo mình có không nói về điều này."


UNSURE = "Mình chưa chắc chắn câu trả lời. Đây là đoạn gần nhất với câu hỏi của bạn, bạn xem giúp nhé:"
UNSURE_EN = "I am not sure of the answer. This is the closest passage to your question:"


def unsure(english: bool = False) -> str:
    return UNSURE_EN if english else UNSURE


_FACT_NAMES = {"author": "tác giả", "date": "ngày đăng", "title": "tiêu đề", "url": "đường dẫn (link) bài gốc"}


def fact_missing(fact: str, title: str) -> str:
    """The article does not give it: said plainly, never guessed."""
    return f"Bài «{title}» không ghi {_FACT_NAMES.get(fact, fact)}."


def no_article_about(about: str, titles: "list[str] | tuple[str, ...]" = ()) -> str:
    """A question about an article the index does not have: said so, with what it does have."""
    listed = "".join(f"\n• {t}" for t in list(titles)[:5])
    return f"Mình không có bài nào về «{about}»." + (f" Các bài mình có:{listed}" if listed else "")


def too_long(limit: int) -> str:
    return f"Câu hỏi dài quá (tối đa {limit} ký tự). Bạn hãy hỏi ngắn gọn hơn nhé."


def rate_limited(seconds: int) -> str:
    return f"Bạn hỏi nhanh quá. Bạn chờ khoảng {seconds} giây rồi hỏi tiếp nhé."


def reindex_done(summary: str) -> str:
    return f"Đã xây dựng lại chỉ mục.\n{summary}"


def reindex_failed(reason: str) -> str:
    return f"Không xây dựng lại được chỉ mục; chỉ mục cũ vẫn đang dùng.\nLý do: {reason}"


def not_found(titles: list[str], limit: int = 5) -> str:
    """'Not in the articles', and what the bot can answer about instead."""
    if not titles:
        return NOT_FOUND
    shown = "\n".join(f"• {t}" for t in titles[:limit])
    more = f"\n… và {len(titles) - limit} bài khác." if len(titles) > limit else ""
    return f"{NOT_FOUND}\nMình trả lời được các câu hỏi về những bài sau:\n{shown}{more}"


def greeting(examples: list[str]) -> str:
    lines = [
        "Xin chào! Mình là Hỏi Báo: hỏi mình về nội dung các bài báo, mình trả lời và trích đúng đoạn văn làm nguồn.",
    ]
    if examples:
        lines.append("Bạn thử hỏi:")
        lines += [f"• {q}" for q in examples]
    lines.append("Gõ /sources để xem danh sách bài báo, /help để xem hướng dẫn.")
    return "\n".join(lines)


_HOW_TO_ASK = (
    "Cách dùng:\n"
    "• Gõ câu hỏi bằng tiếng Việt (có dấu hoặc không dấu), ví dụ «Ai là …?», «… bao nhiêu?», «… năm nào?».\n"
    "• Mỗi câu trả lời kèm đoạn văn gốc, tên bài và số thứ tự đoạn để bạn kiểm tra.\n"
    "• Hỏi tiếp ngắn gọn («Còn … thì sao?») được hiểu theo câu hỏi trước.\n"
    "• «Tóm tắt bài này», «tóm tắt bài về giá xăng» hoặc /tomtat: 3–5 câu của chính bài, kèm số đoạn.\n"
    "• «Có tin gì mới?», «hôm qua có tin gì về y tế?» hoặc /tinmoi giao thông: các tin mới nhất.\n"
    "• «Theo dõi giá xăng» hoặc /theodoi giá xăng: mình nhắn bạn khi có bài mới; «bỏ theo dõi …», /huytheodoi, "
    "/dangtheodoi.\n"
)
HELP = _HOW_TO_ASK + (
    "• /sources: danh sách bài báo. Trong nhóm: nhắc tên bot, trả lời tin nhắn của bot, hoặc dùng /ask câu hỏi."
)
CONSOLE_HELP = _HOW_TO_ASK + "• /sources: danh sách bài báo, /start: câu hỏi ví dụ. Gõ 'exit' hoặc Ctrl-D để thoát."


# Telegram: the "more sources" button and the command menu.
MORE_SOURCES = "Xem thêm nguồn"
SOURCES_EXPIRED = "Câu trả lời này đã cũ, mình không còn giữ nguồn của nó. Bạn hỏi lại nhé."
COMMANDS = {
    "start": "Giới thiệu và câu hỏi ví dụ",
    "help": "Hướng dẫn sử dụng",
    "sources": "Danh sách bài báo",
    "ask": "Đặt câu hỏi (dùng trong nhóm)",
    "tomtat": "Tóm tắt bài báo: /tomtat hoặc /tomtat giá xăng",
    "tinmoi": "Tin mới nhất: /tinmoi hoặc /tinmoi giao thông",
    "theodoi": "Theo dõi một chủ đề: /theodoi giá xăng",
    "huytheodoi": "Bỏ theo dõi: /huytheodoi giá xăng",
    "dangtheodoi": "Các chủ đề bạn đang theo dõi",
}


def unknown_command(command: str) -> str:
    """One line for a command the bot does not know, with those it does."""
    known = ", ".join(f"/{c}" for c in COMMANDS)
    return f"Mình không có lệnh /{command}. Các lệnh mình biết: {known}. Hoặc cứ gõ câu hỏi của bạn."


# Zalo: no buttons, no replies to the bot's messages; groups call the bot by name.
def zalo_help(name: str) -> str:
    return _HOW_TO_ASK + (
        f"• /sources: danh sách bài báo. Trong nhóm: gọi tên bot («@{name} …» hoặc «{name} ơi, …») "
        "hoặc dùng /ask câu hỏi."
    )


# Telegram, while a language model writes the answer (bot/channels/telegram/stream.py): above the
# extractive answer until its first checked sentences replace it; then after them until it is done.
WRITING = "✍️ Đang viết câu trả lời…"
WRITING_EN = "✍️ Writing the answer…"
STILL_WRITING = " ✍️…"


# Feedback on an answer: the 👍/👎 buttons (Telegram), a reply of 👍/👎/đúng/sai (Zalo).
def feedback_thanks(value: int) -> str:
    if value > 0:
        return "Cảm ơn bạn đã góp ý 👍! Mình đã ghi nhận câu trả lời này là đúng."
    return "Cảm ơn bạn đã góp ý 👎! Mình đã ghi nhận để ban biên tập xem lại câu trả lời này."


# Readers' requests (bot/desk/reply.py): summaries, the latest news.
ASK_ABOUT = "Hỏi về bài này"


def which_article(topic: str, titles: list[str]) -> str:
    """A summary request naming no article clearly: which one?"""
    if not titles:
        return (f"Mình không tìm thấy bài nào về «{topic}». " if topic else "") + \
            "Bạn gõ «tóm tắt bài về …» kèm tên bài hoặc chủ đề (xem /sources) nhé."
    listed = "\n".join(f"{i}. {t}" for i, t in enumerate(titles, 1))
    return f"Bạn muốn tóm tắt bài nào?\n{listed}\nGõ «tóm tắt bài về …» kèm tên hoặc chủ đề của bài."


def summary(title: str, url: str, sentences: list[tuple[str, int]]) -> str:
    """The summary: each sentence with its paragraph number, so the reader can check it."""
    lines = [f"Tóm tắt bài «{title}»:"] + [f"• {s} (đoạn {n})" for s, n in sentences]
    if url:
        lines.append(f"Bài gốc: {url}")
    return "\n".join(lines)


def latest(topic: str, days: str, items: list[tuple[str, str, str, str]]) -> str:
    """The newest articles (title, day, one-line sapo, link), or a plain "none"."""
    about = f" về «{topic}»" if topic else ""
    when = f" ({days})" if days else ""
    if not items:
        return f"Chưa có tin nào{about}{when}. Gõ /tinmoi để xem các tin mới nhất."
    lines = [f"Tin mới nhất{about}{when}:"]
    for i, (title, day, sapo, url) in enumerate(items, 1):
        lines.append(f"{i}. {title}" + (f" ({day})" if day else ""))
        if sapo:
            lines.append(f"   {sapo}")
        if url:
            lines.append(f"   {url}")
    return "\n".join(lines)


def now_about(title: str) -> str:
    """After "Hỏi về bài này": the chat's questions now go to that article."""
    return f"Bạn đang hỏi về bài «{title}». Gõ câu hỏi của bạn, hoặc «tóm tắt bài này»; gõ /start để hỏi về mọi bài."


def article_greeting(title: str, questions: list[str]) -> str:
    """A chat opened from an article's "hỏi bot" link: its title and questions the bot answers from it."""
    lines = [f"Xin chào! Bạn đang hỏi về bài «{title}». Mình trả lời và trích đúng đoạn văn trong bài."]
    if questions:
        lines.append("Bạn thử hỏi:")
        lines += [f"• {q}" for q in questions]
    lines.append("Gõ «tóm tắt bài này» để đọc nhanh, /start để hỏi về mọi bài.")
    return "\n".join(lines)


# Topics to follow (bot/followers).
FOLLOW_OFF = "Bot này chưa bật tính năng theo dõi chủ đề."
FOLLOW_UNAVAILABLE = "Xin lỗi, mình tạm thời chưa lưu được danh sách theo dõi. Bạn thử lại sau ít phút nhé."
FOLLOW_TOPIC_BAD = "Chủ đề cần có chữ và ngắn gọn (tối đa 80 ký tự), ví dụ: /theodoi giá xăng"


def followed(topic: str, outcome: str, cap: int) -> str:
    if outcome == "exists":
        return f"Bạn đã theo dõi «{topic}» rồi."
    if outcome == "full":
        return f"Bạn đã theo dõi {cap} chủ đề, mức tối đa. Bỏ bớt bằng /huytheodoi <chủ đề> rồi thử lại nhé."
    return f"Đã theo dõi «{topic}». Khi có bài mới về chủ đề này, mình sẽ nhắn bạn. Bỏ theo dõi: /huytheodoi {topic}"


def unfollowed(topic: str, removed: bool) -> str:
    return f"Đã bỏ theo dõi «{topic}»." if removed else f"Bạn không theo dõi «{topic}». Gõ /dangtheodoi để xem danh sách."


def following(topics: list[str], kind: str) -> str:
    if not topics:
        return "Bạn chưa theo dõi chủ đề nào. Gõ /theodoi <chủ đề>, ví dụ: /theodoi giá xăng"
    listed = "\n".join(f"• {t}" for t in topics)
    hint = "Bỏ theo dõi: /huytheodoi <chủ đề>" if kind != "follow" else "Thêm: /theodoi <chủ đề>"
    return f"Bạn đang theo dõi:\n{listed}\n{hint}"


# Telegram inline mode (bot/channels/telegram/inline.py): the first card of an unsure answer.
INLINE_UNSURE = "Chưa chắc chắn: đoạn gần nhất với câu hỏi"
