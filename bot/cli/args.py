"""The `hoibao` command line's arguments: every command, option and help text, in one place.

A public interface that scripts depend on: add commands and options, never rename or remove one.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.log import add_arguments as log_arguments


# Commands whose --help explains itself at length: the one-line help, a blank line, what it does;
# after "Exit codes:", the epilog.
STATUS = """does the index match the articles and the settings? (exit 0 fresh, 1 stale, 3 missing)

Compare the index with the articles folder and the embedding/chunking/index settings, without loading
the model. Prints fresh, stale or missing with the reasons.
Exit codes: 0 fresh (a build would change nothing); 1 stale (articles added, changed or removed, or
another embedder, chunking, index format or index type: `hoibao index build` updates it); 3 missing
(no index, or its manifest cannot be read); 2 the check itself failed (a `hoibao:` line says why,
e.g. the articles folder does not exist)."""

ADD = """add articles from their web pages (URLs) and update the index

Fetch each page, extract the article, write it into the articles folder (one file per canonical URL),
then rebuild the index incrementally if anything changed. Prints one line per URL (mới / cập nhật /
không đổi / lỗi with the reason) and a summary.
Exit codes: 0 when at least one URL was added or found unchanged; 2 when every URL failed."""

SOURCES_ADD = """follow a news site: an RSS/Atom feed, a sitemap, or a homepage whose feeds are found

Fetch each URL once (robots.txt obeyed) to learn what it is: RSS or Atom, a sitemap, news sitemap
or sitemap index, or a homepage whose <link rel="alternate"> feeds are then followed. Prints what
was found, or refuses with the reason. `hoibao refresh` then fetches the articles.
Exit codes: 0 every URL was added (or already followed); 2 at least one was refused."""

REFRESH = """poll every source; fetch new and changed articles; rebuild the index once if anything changed

New articles, corrections of recent ones (re-checked hourly under 48 h, weekly after) and articles
gone (404/410 twice in a row: deleted) are followed, politely: robots.txt, a delay between requests
to one host (HOIBAO_CRAWL_DELAY_SECONDS or robots.txt's), conditional requests. Prints one line per
new, updated, removed or failed article and "3 mới · 1 cập nhật · 12 không đổi · 1 lỗi · 5 chưa đến
hạn" (articles not due yet: `hoibao refresh URL` checks one now). Without --once, runs again every
HOIBAO_REFRESH_MINUTES until Ctrl-C. With URLs, re-checks just those articles now (followed or not),
once, and rebuilds if any changed.
Exit codes: 0 done (single URLs may have failed: see the lỗi lines); 2 every source failed, the
rebuild failed (the previous index keeps answering), or no source is followed."""


REPORT = """the editors' report: what readers asked, what went unanswered, citations, feedback

Read the question log (HOIBAO_DATABASE_URL) for the last N days, write DIR/report.html (charts and
tables in one self-contained page) and print the same figures as text. Near-duplicate questions are
grouped by their folded text, then by meaning with the embedding model when it has a measured cut.
Exit codes: 0 written; 2 no log yet, no questions in the period, or the database cannot be read
(a `hoibao:` line says which)."""


def _days(value: str) -> int:
    days = int(value)
    if not 1 <= days <= 3660:
        raise argparse.ArgumentTypeError(f"{value} is not a number of days from 1 to 3660")
    return days


def report_command(sub, func: str) -> None:
    report = described(sub, "report", REPORT)
    report.add_argument("--days", type=_days, default=7, help="days in the report, today included (default 7)")
    report.add_argument("--out", type=Path, default=Path("var/report"), metavar="DIR",
                        help="where report.html is written (default var/report)")
    report.set_defaults(func=func)


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Every option shows its default, unless its help already says it or it has none worth showing
    (None: the setting decides, and the help names it)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or action.default in (None, False, argparse.SUPPRESS) or not action.option_strings:
            return text
        return text + " (default: %(default)s)"


class _Commands(argparse._SubParsersAction):
    """Subcommands that read as one tool: a one-line description (the help line when none is given),
    defaults shown, and -v / -q accepted after the command as well as before it."""

    def add_parser(self, name: str, **kwargs) -> argparse.ArgumentParser:
        if "help" in kwargs:
            kwargs.setdefault("description", kwargs["help"][:1].upper() + kwargs["help"][1:] + ".")
        kwargs.setdefault("formatter_class", HelpFormatter)
        command = super().add_parser(name, **kwargs)
        verbosity(command, argparse.SUPPRESS)  # SUPPRESS: an -v before the command is not undone
        return command


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", _Commands)


def verbosity(p: argparse.ArgumentParser, default: object) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("-v", "--verbose", action="store_true", default=default, help="debug logging")
    group.add_argument("-q", "--quiet", action="store_true", default=default,
                       help="errors only (the bots: warnings and errors)")


def described(sub, name: str, text: str) -> argparse.ArgumentParser:
    """A subcommand from a help text laid out as above."""
    help_line, _, rest = text.partition("\n\n")
    description, _, codes = rest.partition("Exit codes:")
    return sub.add_parser(name, help=help_line, description=" ".join(description.split()),
                          epilog="Exit codes: " + " ".join(codes.split()) if codes else None)


def parser(commands: dict[str, str]) -> argparse.ArgumentParser:
    """The whole command line; `commands` maps "index build", "ask", … to what runs them (set as `func`)."""
    p = Parser(prog="hoibao", description="Ask the paper: answers about Vietnamese news articles, with the source "
               "paragraph. Messages for the operator are in English; what readers see is quoted in Vietnamese.",
               formatter_class=HelpFormatter)
    verbosity(p, False)
    sub = p.add_subparsers(dest="command", required=True)

    def paths(q: argparse.ArgumentParser, seeds: bool = False) -> None:
        q.add_argument("--index-dir", type=Path, help="index directory (default: HOIBAO_INDEX_DIR or var/index)")
        if seeds:
            q.add_argument("--seeds", dest="seeds_dir", type=Path, help="articles folder (default: HOIBAO_SEEDS_DIR or seeds)")

    index = sub.add_parser("index", help="build or inspect the index").add_subparsers(dest="index_command", required=True)
    build = index.add_parser("build", help="(re)build the index from the articles folder")
    paths(build, seeds=True)
    build.add_argument("--full", action="store_true", help="re-embed everything, even unchanged articles")
    build.set_defaults(func=commands["index build"])
    info = index.add_parser("info", help="what is indexed and with which model")
    paths(info)
    info.add_argument("--json", action="store_true", help="print the manifest")
    info.set_defaults(func=commands["index info"])
    status = described(index, "status", STATUS)
    paths(status, seeds=True)
    status.add_argument("--json", action="store_true", help="the status as JSON (state, reasons, files by name)")
    status.set_defaults(func=commands["index status"])
    export = index.add_parser("export", help="copy the built FAISS index into Qdrant, reusing its vectors",
                              description="Copy the FAISS index in --index-dir into a new collection on the Qdrant "
                                          "server (QDRANT_URL, QDRANT_API_KEY) or local store (QDRANT_PATH) and move "
                                          "the alias HOIBAO_QDRANT_COLLECTION onto it; nothing is embedded again.")
    export.add_argument("--to", choices=["qdrant"], required=True, help="the backend to copy into")
    paths(export)
    export.set_defaults(func=commands["index export"])

    add = described(sub, "add", ADD)
    add.add_argument("urls", nargs="+", metavar="URL")
    paths(add, seeds=True)
    add.set_defaults(func=commands["add"])

    sources = sub.add_parser("sources", help="the feeds and sitemaps `hoibao refresh` follows").add_subparsers(
        dest="sources_command", required=True)
    for name, text in (("add", SOURCES_ADD), ("list", "the sources followed, with their articles and last check"),
                       ("remove", "stop following a source (its articles stay)")):
        q = described(sources, name, text) if "\n" in text else sources.add_parser(name, help=text)
        if name != "list":
            q.add_argument("urls", nargs="+", metavar="URL")
        paths(q)
        q.set_defaults(func=commands[f"sources {name}"])
    refresh = described(sub, "refresh", REFRESH)
    refresh.add_argument("urls", nargs="*", metavar="URL", help="re-check just these articles now")
    refresh.add_argument("--once", action="store_true", help="one refresh, then exit (default: every HOIBAO_REFRESH_MINUTES)")
    refresh.add_argument("--recheck", action="store_true", help="re-check every known article now, whatever its schedule")
    paths(refresh, seeds=True)
    refresh.set_defaults(func=commands["refresh"])

    ask = sub.add_parser("ask", help="answer one question (or one per line of stdin), as the bots would")
    ask.add_argument("question", nargs="*")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--top-k", type=int, help="citations to return (default: HOIBAO_TOP_K or 5)")
    ask.add_argument("--conversation", action="store_true",
                     help="stdin lines are the turns of one chat, answered with its history as Telegram or Zalo "
                          "would; an empty line starts a new chat")
    ask.add_argument("--article", metavar="SOURCE",
                     help="search only this article: its file name, its link or its title (`hoibao links` lists them)")
    paths(ask)
    ask.set_defaults(func=commands["ask"])

    for name, text in (
        ("chat", "chat with the bot on this terminal (questions are not rate limited)"),
        ("run", "the Telegram and/or Zalo bot when its token is set, else the console chat"),
        ("telegram", "run the Telegram bot (TELEGRAM_BOT_TOKEN) until Ctrl-C or SIGTERM"),
        ("zalo", "run the Zalo bot (ZALO_BOT_TOKEN) until Ctrl-C or SIGTERM"),
    ):
        q = sub.add_parser(name, help=text)
        paths(q, seeds=True)
        q.set_defaults(func=commands[name])

    ev = sub.add_parser("eval", help="retrieval and answer quality on a SQuAD-format file")
    ev.add_argument("file", help="a SQuAD-format .json (data → paragraphs → qas)")
    ev.add_argument("--cache-dir", default="var/eval-index", help="where the evaluation index is kept between runs")
    ev.add_argument("--limit", type=int, help="evaluate only the first N questions")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.add_argument("--other", help="questions about another corpus (SQuAD .json or .jsonl with 'q'); all should be 'not found'")
    ev.add_argument("--llm", action="store_true",
                    help="also score answers written by the model HOIBAO_LLM_BASE_URL points at (docs/llm.md)")
    ev.add_argument("--given-article", action="store_true",
                    help="also score each question asked of its own article only (as `ask --article` does), "
                         "beside open retrieval over the whole file")
    ev.set_defaults(func=commands["eval"])
    log_arguments(sub, commands)
    report_command(sub, commands["report"])
    links = sub.add_parser("links", help="the 'ask the bot about this article' link of every article (CSV or JSON)")
    links.add_argument("--json", action="store_true", help="a JSON array instead of CSV")
    links.add_argument("--bot", metavar="USERNAME", help="the Telegram bot's username (default: HOIBAO_BOT_USERNAME)")
    paths(links)
    links.set_defaults(func=commands["links"])
    return p
