"""Renderers: escaping, the bold decisive sentence, platform limits, not-found."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from bot import messages
from bot.core.answer import Answer, Citation
from bot.channels.render import (
    TELEGRAM_LIMIT, ZALO_LIMIT, plain_messages, plain_text, sources_list, split_message, telegram_html, terminal,
)
from index.corpus import Paragraph
from index.manifest import ArticleMeta

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "tg-spoiler", "span"}


class StrictTelegramHTML(HTMLParser):
    """Parses like Telegram: only its tags, every tag closed, entities only &lt; &gt; &amp; &quot;."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert tag in TELEGRAM_TAGS, f"unsupported tag <{tag}>"
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    def handle_entityref(self, name):
        assert name in {"lt", "gt", "amp", "quot"}, f"unsupported entity &{name};"
        self.text.append({"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[name])

    def handle_charref(self, name):
        self.text.append(chr(int(name[1:], 16) if name.startswith("x") else int(name)))


def parse(markup: str) -> str:
    parser = StrictTelegramHTML()
    parser.feed(markup)
    parser.close()
    assert not parser.stack, f"unclosed {parser.stack}"
    return "".join(parser.text)


HOSTILE = 'Ông <b>Nguyễn</b> & bà <script>alert("x")</script> nói: “1 < 2 > 0”.'


def make_answer(text: str, sentence: str | None = None, found: bool = True, url: str = "", n: int = 1) -> Answer:
    paragraph = Paragraph("a1", "Tiêu đề <i>thử</i> & kiểm tra", "a1.txt", 3, text, author="MINH ANH", date="2024-03-15", url=url)
    start = text.find(sentence) if sentence else -1
    cited = [Citation(paragraph, 0.9, sentence or "", start)]
    cited += [Citation(Paragraph("a1", "Bài khác", "a2.txt", i + 4, f"Đoạn phụ số {i}."), 0.5) for i in range(n - 1)]
    return Answer(
        question="Ai?", found=found, answer="Nguyễn <Văn> A" if found else None, sentence=sentence,
        citations=tuple(cited) if found else (), titles=("Bài một", "Bài <hai>"),
    )


def test_hostile_text_is_escaped_and_parses():
    answer = make_answer(HOSTILE, sentence=HOSTILE)
    markup = telegram_html(answer)
    text = parse(markup)
    assert "<script>" not in markup
    assert HOSTILE in text
    assert "Nguyễn <Văn> A" in text
    assert "Tiêu đề <i>thử</i> & kiểm tra" in text


def test_decisive_sentence_is_bold_inside_the_blockquote():
    paragraph = "Câu mở đầu. Ông Trần Văn B là giám đốc. Câu kết thúc."
    markup = telegram_html(make_answer(paragraph, sentence="Ông Trần Văn B là giám đốc."))
    assert "<blockquote>Câu mở đầu. <b>Ông Trần Văn B là giám đốc.</b> Câu kết thúc.</blockquote>" in markup
    parse(markup)


def test_source_line_has_title_paragraph_author_date_and_link():
    markup = telegram_html(make_answer("Một câu.", url="https://example.vn/bai?a=1&b=2"))
    assert '<a href="https://example.vn/bai?a=1&amp;b=2">' in markup
    text = parse(markup)
    assert "đoạn 3" in text and "MINH ANH" in text and "2024-03-15" in text


def test_telegram_reply_is_cut_at_a_sentence_under_the_limit():
    long = " ".join(f"Câu số {i} có <thẻ> & ký tự cần thoát." for i in range(600))
    markup = telegram_html(make_answer(long, sentence="Câu số 0 có <thẻ> & ký tự cần thoát."))
    assert len(markup) <= TELEGRAM_LIMIT
    text = parse(markup)
    assert "…" in text
    assert text.split("…")[0].rstrip().endswith("thoát.")


def test_other_sources_render_by_position():
    answer = make_answer("Một câu.", n=3)
    markup = telegram_html(answer, citation=2)
    assert "Nguồn khác (3/3)" in parse(markup)
    assert "Đoạn phụ số 1." in markup


def test_not_found_lists_what_the_bot_knows():
    answer = make_answer("x", found=False)
    assert parse(telegram_html(answer)) == messages.not_found(["Bài một", "Bài <hai>"])
    assert "Bài một" in plain_text(answer)
    assert messages.NOT_FOUND in terminal(answer)


def test_zalo_messages_split_at_sentences_within_the_limit():
    long = " ".join(f"Câu thứ {i} nói về một chủ đề dài dòng của bài báo." for i in range(200))
    parts = plain_messages(make_answer(long, sentence="Câu thứ 0 nói về một chủ đề dài dòng của bài báo."))
    assert len(parts) > 1
    assert all(1 <= len(p) <= ZALO_LIMIT for p in parts)
    for part in parts[1:-1]:
        assert part.endswith("báo.")
    joined = " ".join(parts)
    assert "Câu thứ 199 nói" in joined


def test_split_never_cuts_inside_a_word():
    text = "a" * 10 + " " + "từ " * 1500
    parts = split_message(text, 100)
    assert all(len(p) <= 100 for p in parts)
    assert all(w in {"từ", "a" * 10} for p in parts for w in p.split())


@pytest.mark.parametrize("limit", [50, 2000])
def test_split_keeps_every_word(limit):
    text = "Dòng một. Dòng hai!\nDòng ba? " + "Câu tiếp theo. " * 300
    parts = split_message(text, limit)
    assert " ".join(parts).split() == text.split()


def test_terminal_marks_the_sentence():
    out = terminal(make_answer("Một. Hai là câu chính. Ba.", sentence="Hai là câu chính."))
    assert "\033[1mHai là câu chính.\033[0m" in out
    assert "Trả lời: Nguyễn <Văn> A" in out


def test_sources_list_shows_date_and_link():
    text = sources_list([ArticleMeta("a.txt", "Bài A", "h1", 3, date="2024-01-02", url="https://x.vn/a"),
                         ArticleMeta("b.txt", "Bài B", "h2", 1)])
    assert "• Bài A (2024-01-02 · https://x.vn/a)" in text
    assert "• Bài B" in text


def test_a_written_answer_comes_first_and_the_source_stays_under_it(answerer):
    from dataclasses import replace

    answer = answerer.answer("Bí thư Đảng ủy phường Phước Mỹ là ai?")
    assert answer.found
    written = replace(answer, written="Ông <b>X</b> & cộng sự [1].")
    html_text = telegram_html(written)
    assert html_text.startswith("Ông &lt;b&gt;X&lt;/b&gt; &amp; cộng sự [1].\n\n<b>Trả lời:</b> ")
    assert "<blockquote>" in html_text
    assert plain_text(written).startswith("Ông <b>X</b> & cộng sự [1].\n\nTrả lời: ")
    assert terminal(written, color=False).startswith("Ông <b>X</b> & cộng sự [1].\n\nTrả lời: ")
    assert telegram_html(written, 1) == telegram_html(answer, 1)  # other sources: no written answer
