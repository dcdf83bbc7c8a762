"""Articles from disk: read, clean, and split into body paragraphs with provenance.

Article file format (UTF-8, `.txt` or `.md`):

    ---                      optional front matter (url, date, author, title)
    url: https://...
    date: 2023-02-01
    ---
    Title on the first non-empty line

    Body paragraphs separated by blank lines.

Noise that must never become an answer is dropped here: lines of lone
punctuation, photo captions ("... Ảnh: H.H", often repeated), an all-caps
signature at the end (kept as the author). Subheadings are kept as the section
of the paragraphs below them, not as paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.errors import SeedsNotFound
from index.text import content_hash, has_letters_or_digits, nfc, words

ARTICLE_SUFFIXES = (".txt", ".md")
_FRONT_MATTER_KEYS = ("url", "date", "author", "title")
_FRONT_LINE = re.compile(r"^\s*(url|date|author|title)\s*:\s*(.+?)\s*$", re.IGNORECASE)
# "... Ảnh: H.H", "(Ảnh: TTXVN)", "Ảnh minh họa: Internet" at the end of a line.
_CAPTION = re.compile(r"(?:^|[\s(.])(?:Ảnh|Ảnh minh họa|Ảnh minh hoạ|Nguồn ảnh|Photo)\s*:\s*.{1,40}$", re.IGNORECASE)
_SENTENCE_PUNCT = tuple(".!?…:;”\"»)")
_MAX_SUBHEADING_WORDS = 16
_MAX_SIGNATURE_WORDS = 6


@dataclass(frozen=True)
class Paragraph:
    """One body paragraph as a reader sees it, with where it came from."""

    article_id: str
    title: str
    source: str
    number: int  # 1 = first body paragraph after the title, as a reader counts
    text: str
    section: str = ""
    author: str = ""
    date: str = ""
    url: str = ""


@dataclass
class Article:
    article_id: str
    source: str
    title: str
    paragraphs: list[Paragraph]  # never empty; each carries the article's author, date and url
    content_hash: str = ""

    @property
    def author(self) -> str:
        return self.paragraphs[0].author

    @property
    def date(self) -> str:
        return self.paragraphs[0].date

    @property
    def url(self) -> str:
        return self.paragraphs[0].url


@dataclass
class LoadReport:
    articles: list[Article] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    truncated: list[tuple[str, int, int]] = field(default_factory=list)  # (file name, characters, kept)


class UnreadableArticle(ValueError):
    """An article file that cannot be indexed; the message says why."""


def _split_front_matter(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Front matter as a `---` block, or `key: value` lines before the title."""
    meta: dict[str, str] = {}
    body = list(lines)
    while body and not body[0].strip():
        body.pop(0)
    if body and body[0].strip() == "---":
        end = next((i for i in range(1, len(body)) if body[i].strip() == "---"), None)
        if end is not None:
            for line in body[1:end]:
                match = _FRONT_LINE.match(line)
                if match:
                    meta[match.group(1).lower()] = match.group(2)
            return meta, body[end + 1 :]
    while body:
        match = _FRONT_LINE.match(body[0])
        if match:
            meta[match.group(1).lower()] = match.group(2)
            body.pop(0)
        elif not body[0].strip() and meta:
            body.pop(0)
        else:
            break
    return meta, body


def _blocks(lines: list[str]) -> list[list[str]]:
    """Blank-line separated blocks of non-empty, stripped lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def is_noise_line(line: str) -> bool:
    """Lone punctuation, separators and photo captions."""
    return not has_letters_or_digits(line) or bool(_CAPTION.search(line))


def is_signature(block: str) -> bool:
    """An all-caps byline such as 'MINH ANH' (letters only, a few words)."""
    tokens = block.replace(".", " ").split()
    return (
        0 < len(tokens) <= _MAX_SIGNATURE_WORDS
        and block == block.upper()
        and all(t.isalpha() for t in tokens)
    )


def is_subheading(block: str) -> bool:
    """A short line without sentence punctuation at its end ('Đẩy nhanh thực hiện ...')."""
    return len(words(block)) <= _MAX_SUBHEADING_WORDS and not block.rstrip().endswith(_SENTENCE_PUNCT)


def _clean_block(lines: list[str]) -> str:
    """Drop noise lines and consecutive repeats (captions often come twice)."""
    kept: list[str] = []
    for line in lines:
        if is_noise_line(line) or (kept and kept[-1] == line):
            continue
        kept.append(line)
    return " ".join(kept)


def parse_article(raw_text: str, article_id: str, source: str) -> Article:
    """Turn one article's text into a title and numbered body paragraphs."""
    meta, body = _split_front_matter(nfc(raw_text).replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    blocks = [text for text in (_clean_block(b) for b in _blocks(body)) if text]
    if not blocks:
        raise UnreadableArticle("no text")
    title = meta.get("title") or blocks.pop(0)
    author = meta.get("author", "")
    # The signature is the last block that is a short all-caps line.
    if blocks and is_signature(blocks[-1]):
        signature = blocks.pop()
        author = author or signature
    paragraphs: list[Paragraph] = []
    section = ""
    for text in blocks:
        if is_subheading(text):
            section = text
            continue
        paragraphs.append(
            Paragraph(
                article_id=article_id,
                title=title,
                source=source,
                number=len(paragraphs) + 1,
                text=text,
                section=section,
                author=author,
                date=meta.get("date", ""),
                url=meta.get("url", ""),
            )
        )
    if not paragraphs:
        raise UnreadableArticle("no body paragraphs after the title")
    return Article(article_id, source, title, paragraphs)


def read_article(path: Path) -> Article:
    """Read and parse one file; raises UnreadableArticle with a reason."""
    raw = path.read_bytes()
    if not raw.strip():
        raise UnreadableArticle("empty file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        # "Unicode" in Windows Notepad: UTF-16 with a byte-order mark.
        try:
            raw = raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise UnreadableArticle("UTF-16 marked but not decodable; save it as UTF-8") from None
    if b"\x00" in raw:
        raise UnreadableArticle("binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableArticle(f"not UTF-8 (byte {exc.start}); save it as UTF-8") from None
    # The file name, suffix included: "a.txt" and "a.md" are two articles.
    article = parse_article(text, article_id=path.name, source=path.name)
    article.content_hash = content_hash(raw)
    return article


def _entries(seeds_dir: Path) -> list[Path]:
    """What the articles folder holds; SeedsNotFound (naming the setting) when it is not a readable folder."""
    try:
        return sorted(seeds_dir.iterdir())
    except FileNotFoundError:
        raise SeedsNotFound(seeds_dir, "does not exist") from None
    except NotADirectoryError:
        raise SeedsNotFound(seeds_dir, "is a file, not a folder") from None
    except OSError as exc:
        raise SeedsNotFound(seeds_dir, f"cannot be read ({exc.strerror or exc})") from None


def _not_an_article(path: Path) -> str:
    """Why a visible entry of the folder is not read as an article ('' when it is one)."""
    if path.is_dir():
        return "a folder: only files directly in the articles folder are read"
    if not path.is_file():
        return "not a regular file"
    if path.suffix.lower() not in ARTICLE_SUFFIXES:
        return "not an article file: only .txt and .md are read"
    return ""


def article_files(seeds_dir: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """The article files of `seeds_dir`, and (name, reason) for everything else in it.

    Hidden entries (.gitkeep, .DS_Store, editors' swap files) are left out without a word.
    """
    files: list[Path] = []
    others: list[tuple[str, str]] = []
    for path in _entries(seeds_dir):
        if path.name.startswith("."):
            continue
        reason = _not_an_article(path)
        if reason:
            others.append((path.name, reason))
        else:
            files.append(path)
    return files, others


def cut(article: Article, max_chars: int) -> tuple[Article, int]:
    """The article's body paragraphs up to `max_chars` characters (the last one cut at a word), and its full length.

    A pasted archive or data dump as one "article" would otherwise be embedded whole, chunk by chunk.
    """
    total = sum(len(p.text) for p in article.paragraphs)
    if total <= max_chars:
        return article, total
    kept: list[Paragraph] = []
    left = max_chars
    for paragraph in article.paragraphs:
        if left <= 0:
            break
        text = paragraph.text if len(paragraph.text) <= left else paragraph.text[:left].rsplit(" ", 1)[0]
        kept.append(replace(paragraph, text=text))
        left -= len(text) + 1
    return Article(article.article_id, article.source, article.title, kept, article.content_hash), total


def load_articles(seeds_dir: Path, max_chars: int | None = None) -> LoadReport:
    """Every readable article in `seeds_dir`, each cut at `max_chars` characters of body text (listed in
    `truncated`); unreadable and other files are listed, not fatal."""
    files, others = article_files(seeds_dir)
    report = LoadReport()
    for path in files:
        try:
            article = read_article(path)
        except (UnreadableArticle, OSError) as exc:
            report.skipped.append((path.name, str(exc)))
            continue
        if max_chars is not None:
            article, total = cut(article, max_chars)
            if total > max_chars:
                report.truncated.append((path.name, total, sum(len(p.text) for p in article.paragraphs)))
        report.articles.append(article)
    report.skipped = sorted(report.skipped + others)
    return report
