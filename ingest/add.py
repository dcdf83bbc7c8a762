"""`hoibao add`: each URL fetched, extracted and written into the seeds folder; one rebuild if anything changed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx

from index.corpus import article_files
from index.errors import HoibaoError
from index.files import write_atomically
from ingest.article import render
from ingest.extract import extract
from ingest.fetch import Page, fetch
from ingest.site import Site
from ingest.urls import article_file_name, canonical_url, is_web_url

NEW, UPDATED, UNCHANGED, FAILED = "mới", "cập nhật", "không đổi", "lỗi"
REMOVED = "đã xoá"  # `hoibao refresh`: gone (404/410) on two checks in a row
DUPLICATE = "trùng"  # `hoibao refresh`: the same article as one already saved under another URL; not saved


@dataclass(frozen=True)
class Outcome:
    url: str
    status: str  # NEW, UPDATED, UNCHANGED, FAILED (REMOVED, DUPLICATE: refresh only)
    file: str = ""
    title: str = ""
    reason: str = ""

    def line(self) -> str:
        detail = self.reason if self.status in (FAILED, REMOVED, DUPLICATE) else " · ".join(filter(None, (self.file, self.title)))
        return f"{self.status:<10} {self.url}  {detail}"


@dataclass
class AddReport:
    outcomes: list[Outcome] = field(default_factory=list)
    build: object = None  # the BuildReport when the index was rebuilt

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def changed(self) -> bool:
        return any(o.status in (NEW, UPDATED, REMOVED) for o in self.outcomes)

    def summary(self) -> str:
        """'3 mới · 1 cập nhật · 12 không đổi · 1 lỗi', and '· 1 đã xoá' ('· 2 trùng') when any was removed
        (found a duplicate)."""
        shown = (NEW, UPDATED, UNCHANGED, FAILED) + tuple(s for s in (REMOVED, DUPLICATE) if self.count(s))
        return " · ".join(f"{self.count(s)} {s}" for s in shown)

    @property
    def exit_code(self) -> int:
        """0 when at least one URL was added or found unchanged; 2 when every URL failed."""
        return 2 if self.outcomes and self.count(FAILED) == len(self.outcomes) else 0


def save(seeds_dir: Path, name: str, text: str) -> str:
    """Write the article file unless it already holds `text`; NEW, UPDATED or UNCHANGED."""
    path = seeds_dir / name
    try:
        old = path.read_text("utf-8")
    except FileNotFoundError:
        old = None
    except (OSError, UnicodeDecodeError):
        old = ""
    if old == text:
        return UNCHANGED
    write_atomically(path, text)
    return NEW if old is None else UPDATED


def content_digest(text: str) -> str:
    """sha256 of an article file without its front matter (which holds the URL): the same article
    under two URLs has one digest."""
    if text.startswith("---\n") and "\n---\n" in text:
        text = text.split("\n---\n", 1)[1]
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save_page(url: str, page: Page, seeds_dir: Path, prune: dict[str, str] | None = None,
              duplicate_of: Callable[[str], str] | None = None) -> tuple[Outcome, str]:
    """A downloaded page into the seeds folder, as `<hash of the canonical url>.txt`; the outcome and
    the text written ('' on failure). A failure is an Outcome with the reason, never an exception.

    `duplicate_of(content_digest)`: the URL of another article already saved with that content, or
    ''; a duplicate is not written (outcome DUPLICATE).
    """
    try:
        article = replace(extract(page, url, prune), url=canonical_url(page.url))
    except HoibaoError as exc:
        return Outcome(url, FAILED, reason=getattr(exc, "reason", str(exc))), ""
    name, text = article_file_name(url), render(article)
    other = duplicate_of(content_digest(text)) if duplicate_of else ""
    if other:
        return Outcome(url, DUPLICATE, name, article.title, reason=f"trùng nội dung với {other}; không lưu"), text
    return Outcome(url, save(seeds_dir, name, text), name, article.title), text


def add_one(url: str, seeds_dir: Path, client: httpx.Client, max_bytes: int,
            prune: dict[str, str] | None = None, allowed_hosts: tuple[str, ...] = ()) -> Outcome:
    """One URL into the seeds folder; a failure is an Outcome with the reason, never an exception.
    Its redirects stay on its site (and `allowed_hosts`)."""
    if not is_web_url(url):
        return Outcome(url, FAILED, reason="không phải địa chỉ http(s) (not an http or https URL)")
    try:
        page = fetch(url, client, max_bytes, Site.of(url, allowed_hosts))
    except HoibaoError as exc:
        return Outcome(url, FAILED, reason=getattr(exc, "reason", str(exc)))
    return save_page(url, page, seeds_dir, prune)[0]


def add_urls(urls: Iterable[str], seeds_dir: Path, client: httpx.Client, max_bytes: int,
             rebuild: Callable[[], object], on_outcome: Callable[[Outcome], None] = lambda o: None,
             prune: dict[str, str] | None = None, allowed_hosts: tuple[str, ...] = ()) -> AddReport:
    """Add every URL (one failure never stops the others), then `rebuild()` once if any article changed.

    Args:
        rebuild: the incremental index build (the CLI passes bot.service.build_from_settings);
            a failed build leaves the previous index serving.
        on_outcome: called as each URL is done, so a long list shows progress.
        prune: per-site XPath rules (HOIBAO_PRUNE_XPATH).
        allowed_hosts: where a redirect may lead besides the URL's own site (HOIBAO_ALLOWED_HOSTS).
    """
    article_files(seeds_dir)  # SeedsNotFound, naming the setting, before any download
    report = AddReport()
    for url in urls:
        outcome = add_one(url, seeds_dir, client, max_bytes, prune, allowed_hosts)
        report.outcomes.append(outcome)
        on_outcome(outcome)
    if report.changed:
        report.build = rebuild()
    return report
