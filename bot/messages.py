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


# Telegram, while a language model writes the answer (bot/channels/telegram_stream.py): above the
# extractive answer until its first checked sentences replace it; then after them until it is done.
WRITING = "✍️ Đang viết câu trả lời…"
WRITING_EN = "✍️ Writing the answer…"
STILL_WRITING = " ✍️…"


# Feedback on an answer: the 👍/👎 buttons (Telegram), a reply of 👍/👎/đúng/sai (Zalo).
def feedback_thanks(value: int) -> str:
    if value > 0:
        return "Cảm ơn bạn đã góp ý 👍! Mình đã ghi nhận câu trả lời này là đúng."
    return "Cảm ơn bạn đã góp ý 👎! Mình đã ghi nhận để ban biên tập xem lại câu trả lời này."
