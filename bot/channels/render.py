"""One Answer, three renderings: Telegram HTML, plain text (Zalo), and the terminal.

Pure functions. Every piece of article or user text is escaped for HTML;
lengths are kept under each platform's limit by cutting at a sentence with "…".
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bot import messages
from bot.core.answer import Answer, Citation
from bot.core.outcome import UNSURE
from index.manifest import ArticleMeta
from index.text import split_sentences

TELEGRAM_LIMIT = 4096
ZALO_LIMIT = 2000
_ELLIPSIS = "…"


def source_line(c: Citation, english: bool = False) -> str:
    """'Title — đoạn 3 · MINH ANH · 2024-03-15' (plain text)."""
    para = f"paragraph {c.paragraph.number}" if english else f"đoạn {c.paragraph.number}"
    parts = [c.paragraph.title, para] + [x for x in (c.paragraph.author, c.paragraph.date) if x]
    return " · ".join(parts)


def _quote_html(c: Citation, budget: int) -> str:
    """The paragraph, escaped, the decisive sentence in bold, cut to `budget` characters."""
    text = c.paragraph.text
    if c.sentence and c.sentence_start >= 0:
        a, b = c.sentence_start, c.sentence_start + len(c.sentence)
        pieces = [(text[:a], False), (text[a:b], True), (text[b:], False)]
    else:
        pieces = [(text, False)]
    out, used = [], 0
    for piece, bold in pieces:
        for sentence in split_sentences(piece) if not bold else [piece]:
            rendered = html.escape(sentence)
            rendered = f"<b>{rendered}</b>" if bold else rendered
            if used + len(rendered) + 1 > budget:
                out.append(_ELLIPSIS)
                return " ".join(out)
            out.append(rendered)
            used += len(rendered) + 1
    return " ".join(out)


def _line_html(answer: Answer) -> str:
    """The answer line, escaped; in a sentence-form line, the phrase of the asked type in bold."""
    line = answer.answer or ""
    if answer.highlight is None:
        return html.escape(line)
    a, b = answer.highlight
    return f"{html.escape(line[:a])}<b>{html.escape(line[a:b])}</b>{html.escape(line[b:])}"


def _source_html(c: Citation, english: bool) -> str:
    line = html.escape(source_line(c, english))
    if c.paragraph.url:
        return f'📰 <a href="{html.escape(c.paragraph.url, quote=True)}">{line}</a>'
    return f"📰 {line}"


def telegram_html(answer: Answer, citation: int = 0) -> str:
    """The reply for Telegram (parse_mode=HTML), never over 4096 characters."""
    if not answer.citations:
        return html.escape(answer.note or messages.not_found(list(answer.titles)))
    english = answer.language == "en"
    c = answer.citations[citation]
    head = f"{html.escape(answer.written)}\n\n" if citation == 0 and answer.written else ""
    if citation == 0 and answer.status == UNSURE:
        head = f"<i>{html.escape(messages.unsure(english))}</i>\n\n"
    elif citation == 0 and answer.answer:
        label = "Answer" if english else "Trả lời"
        head += f"<b>{label}:</b> {_line_html(answer)}\n\n"
    elif citation > 0:
        label = "Another source" if english else "Nguồn khác"
        head = f"<i>{label} ({citation + 1}/{len(answer.citations)})</i>\n\n"
    source = "\n" + _source_html(c, english)
    budget = TELEGRAM_LIMIT - len(head) - len(source) - len("<blockquote></blockquote>") - 8
    return f"{head}<blockquote>{_quote_html(c, budget)}</blockquote>{source}"


def quoted(text: str) -> str:
    """The paragraph in quotation marks, without a second closing mark after its own ('…”.', not '…”.”')."""
    if re.search(r"[”\"»][.!?…]*\s*$", text):
        return f"“{text}"
    return f"“{text}”"


def plain_text(answer: Answer, citation: int = 0) -> str:
    """Plain text of one citation (Zalo, logs, the terminal without colour)."""
    if not answer.citations:
        return answer.note or messages.not_found(list(answer.titles))
    english = answer.language == "en"
    c = answer.citations[citation]
    lines = [answer.written] if citation == 0 and answer.written else []
    if citation == 0 and answer.status == UNSURE:
        lines.append(messages.unsure(english))
    elif citation == 0 and answer.answer:
        lines.append(f"{'Answer' if english else 'Trả lời'}: {answer.answer}")
    lines.append(quoted(c.paragraph.text))
    lines.append(f"📰 {source_line(c, english)}" + (f"\n{c.paragraph.url}" if c.paragraph.url else ""))
    return "\n\n".join(lines)


def split_message(text: str, limit: int = ZALO_LIMIT) -> list[str]:
    """Split into messages of at most `limit` characters at sentence (else word) boundaries."""
    messages_out: list[str] = []
    current = ""
    units: list[str] = []
    for block in text.split("\n"):
        units.extend(split_sentences(block) or [""])
        units[-1] += "\n"
    for unit in units:
        while len(unit) > limit:  # a single sentence longer than a message: cut at a space
            cut = unit.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current.strip():
                messages_out.append(current.rstrip())
                current = ""
            messages_out.append(unit[:cut].rstrip())
            unit = unit[cut:].lstrip()
        joiner = "" if current.endswith("\n") or not current else " "
        if len(current) + len(joiner) + len(unit.rstrip("\n")) > limit:
            messages_out.append(current.rstrip())
            current = unit
        else:
            current += joiner + unit
    if current.strip():
        messages_out.append(current.rstrip())
    return [m for m in messages_out if m.strip()]


def plain_messages(answer: Answer, limit: int = ZALO_LIMIT) -> list[str]:
    """The reply as Zalo messages, each 1..limit characters."""
    return split_message(plain_text(answer), limit)


def terminal(answer: Answer, color: bool = True) -> str:
    """For `hoibao chat` / `hoibao ask`: the answer, the quote with the sentence marked, the source.

    The sentence is marked in bold (ANSI) only with `color`: a pipe, a file or NO_COLOR get plain text.
    """
    if not answer.citations:
        return answer.note or messages.not_found(list(answer.titles))
    c = answer.citations[0]
    text = c.paragraph.text
    if color and c.sentence and c.sentence_start >= 0:
        a, b = c.sentence_start, c.sentence_start + len(c.sentence)
        text = f"{text[:a]}\033[1m{text[a:b]}\033[0m{text[b:]}"
    label = "Answer" if answer.language == "en" else "Trả lời"
    out = [answer.written, ""] if answer.written else []
    if answer.status == UNSURE:
        out.append(messages.unsure(answer.language == "en"))
    elif answer.answer:
        line = answer.answer
        if color and answer.highlight is not None:
            a, b = answer.highlight
            line = f"{line[:a]}\033[1m{line[a:b]}\033[0m{line[b:]}"
        out.append(f"{label}: {line}")
    out += [f"  {quoted(text)}", f"  — {source_line(c, answer.language == 'en')}"]
    if c.paragraph.url:
        out.append(f"    {c.paragraph.url}")
    return "\n".join(out)


def sources_list(articles: Sequence[ArticleMeta]) -> str:
    """`/sources`: the indexed articles, title, date and link when known."""
    if not articles:
        return "Chưa có bài báo nào được lập chỉ mục."
    lines = ["Các bài báo mình có:"]
    for meta in articles:
        extra = " · ".join(x for x in (meta.date, meta.url) if x)
        lines.append(f"• {meta.title}" + (f" ({extra})" if extra else ""))
    return "\n".join(lines)
