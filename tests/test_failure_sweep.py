"""The operator's first hour, as a table: every failure path of the commands, run as a real subprocess.

Each row is a command, the settings that make it fail (against the local APIs of tests/fake_apis.py
or a closed port) and what its one `hoibao:` line must name. Every row checks the same things: one
line, no traceback, a non-zero exit (a reply for `ask ""`), and that no secret the settings hold,
nor any 8-character piece of it, raw or percent-encoded, reaches stdout or stderr (the log
included). A new command or failure is checked by adding a row. `benchmarks/failure_sweep.py`
prints the table for any `hoibao` (the before/after count of issue 21).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot import messages
from tests import fake_apis
from tests.test_cli import HOIBAO, QUESTION, SEEDS

TG_TOKEN = "7251893346:AAHsEcReT-t0ken_Xy9zQwErTy"
ZALO_TOKEN = "4421987:zalo s3cret^tok3n~value"  # a space and '^': httpx percent-encodes one, not the other
WEBHOOK_SECRET = "webhook-secret-0123456789"
QDRANT_KEY = "qdrant-key-0123456789abcdef"
QDRANT_PASSWORD = "hunter2-qdrant-pass"
DB_PASSWORD = "pw-s3cret-value-42"
LLM_KEY = "sk-llm-0123456789abcdef"
SALT = "0f" * 32
SECRETS = (TG_TOKEN, ZALO_TOKEN, WEBHOOK_SECRET, QDRANT_KEY, QDRANT_PASSWORD, DB_PASSWORD, LLM_KEY, SALT)
FRAGMENT = 8  # characters: a longer piece of a secret in the output is a leak

# The local APIs, by name; "{closed}" is a port nothing listens on.
APIS = {
    "tg_401": fake_apis.telegram({"*": (401, "Unauthorized")}),
    "tg_404": fake_apis.telegram({"*": (404, "Not Found")}),
    "tg_ok": fake_apis.telegram(),
    "tg_webhook_refused": fake_apis.telegram({"setWebhook": (400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")}),
    "tg_502": fake_apis.telegram({"getUpdates": (502, "Bad Gateway for {path}")}),
    "tg_401_polling": fake_apis.telegram({"getUpdates": (401, "Unauthorized")}),
    "zalo_401": fake_apis.zalo({"*": (401, "Unauthorized request to {path}")}),
    "zalo_ok": fake_apis.zalo(),
    "zalo_asking": fake_apis.zalo(asking=QUESTION),
    "zalo_webhook_refused": fake_apis.zalo({"setWebhook": (400, "Invalid webhook url")}),
    "zalo_502": fake_apis.zalo({"getUpdates": (502, "Bad Gateway for {path}")}),
    "key_401": fake_apis.echoing_key(401),
    "key_500": fake_apis.echoing_key(500),
}


@dataclass(frozen=True)
class Row:
    """One failure path: `hoibao ARGS` with `env` ({api} names filled in) ends in one line holding `says`."""

    name: str
    args: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    says: tuple[str, ...] = ()
    reply: str | None = None  # no `hoibao:` line and exit 0, this on stdout instead
    running_until: str | None = None  # a runtime failure: this in the log, then Ctrl-C; exit 0
    stops_itself: bool = False  # a runtime failure that ends the bot: one line (`says`), exit 2, no Ctrl-C
    needs: str | None = None  # a module the row needs (an optional extra)


def _tg(base: str, **extra: str) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": TG_TOKEN, "TELEGRAM_BASE_URL": base, **extra}


def _zalo(base: str, **extra: str) -> dict[str, str]:
    return {"ZALO_BOT_TOKEN": ZALO_TOKEN, "ZALO_BASE_URL": base, **extra}


def _qdrant(url: str) -> dict[str, str]:
    return {"HOIBAO_INDEX_BACKEND": "qdrant", "QDRANT_URL": url, "QDRANT_API_KEY": QDRANT_KEY}


TG_HOOK = {"TELEGRAM_WEBHOOK_URL": "https://hook.example/tg", "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
           "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1", "TELEGRAM_WEBHOOK_PORT": "{free}"}
ZALO_HOOK = {"ZALO_WEBHOOK_URL": "https://hook.example/zalo", "ZALO_WEBHOOK_SECRET": WEBHOOK_SECRET,
             "ZALO_WEBHOOK_LISTEN": "127.0.0.1", "ZALO_WEBHOOK_PORT": "{free}"}
PG = "postgresql+psycopg://hoibao@127.0.0.1:{closed}/hoibao"

SECRET_PATHS = [
    Row("telegram: token rejected (401)", ("telegram",), _tg("{tg_401}/bot"), ("TELEGRAM_BOT_TOKEN",)),
    Row("run: token rejected (401)", ("run",), _tg("{tg_401}/bot"), ("TELEGRAM_BOT_TOKEN",)),
    Row("telegram: base URL leads elsewhere (404)", ("telegram",), _tg("{tg_404}/elsewhere/bot"), ("TELEGRAM_BASE_URL",)),
    Row("telegram: Bot API unreachable", ("telegram",), _tg("{closed_url}/bot"), ("TELEGRAM_BASE_URL",)),
    Row("telegram: base URL without /bot", ("telegram",), _tg("{tg_ok}"), ("TELEGRAM_BASE_URL", "/bot")),
    Row("telegram: credentials in the base URL, unreachable", ("telegram",),
        _tg(f"http://proxy:{QDRANT_PASSWORD}@127.0.0.1:{{closed}}/bot"), ("TELEGRAM_BASE_URL",)),
    Row("telegram: setWebhook refused", ("telegram",), _tg("{tg_webhook_refused}/bot", **TG_HOOK), ("TELEGRAM_WEBHOOK_URL",)),
    Row("telegram: webhook address not this machine's", ("telegram",),
        _tg("{tg_ok}/bot", **{**TG_HOOK, "TELEGRAM_WEBHOOK_LISTEN": "192.0.2.1"}), ("TELEGRAM_WEBHOOK_LISTEN",)),
    Row("telegram: webhook port taken", ("telegram",),
        _tg("{tg_ok}/bot", **{**TG_HOOK, "TELEGRAM_WEBHOOK_PORT": "{taken}"}), ("TELEGRAM_WEBHOOK_PORT",)),
    Row("telegram: token file unreadable", ("telegram",),
        {"TELEGRAM_BOT_TOKEN_FILE": "/nonexistent/telegram-token"}, ("TELEGRAM_BOT_TOKEN_FILE",)),
    Row("zalo: token rejected, path echoed", ("zalo",), _zalo("{zalo_401}"), ("ZALO_BOT_TOKEN",)),
    Row("zalo: Bot API unreachable", ("zalo",), _zalo("{closed_url}"), ("ZALO_BASE_URL",)),
    Row("zalo: base URL no URL at all", ("zalo",), _zalo("http://bad host:x"), ("ZALO_BASE_URL",)),
    Row("zalo: setWebhook refused", ("zalo",), _zalo("{zalo_webhook_refused}", **ZALO_HOOK), ("ZALO_WEBHOOK_URL",)),
    Row("zalo: webhook address not this machine's", ("zalo",),
        _zalo("{zalo_ok}", **{**ZALO_HOOK, "ZALO_WEBHOOK_LISTEN": "192.0.2.1"}), ("ZALO_WEBHOOK_LISTEN",)),
    Row("index info: Qdrant unreachable, password in QDRANT_URL", ("index", "info"),
        _qdrant(f"http://admin:{QDRANT_PASSWORD}@127.0.0.1:{{closed}}"), ("QDRANT_URL",), needs="qdrant_client"),
    Row("index info: Qdrant refuses the key (401)", ("index", "info"), _qdrant("{key_401}"), ("QDRANT_API_KEY",),
        needs="qdrant_client"),
    Row("index info: Qdrant fails, body echoes the key (500)", ("index", "info"), _qdrant("{key_500}"),
        ("Qdrant", "HTTP 500"), needs="qdrant_client"),
    Row("ask: Qdrant unreachable", ("ask", QUESTION), _qdrant(f"http://admin:{QDRANT_PASSWORD}@127.0.0.1:{{closed}}"),
        ("QDRANT_URL",), needs="qdrant_client"),
    Row("report: PostgreSQL unreachable, ?password=", ("report", "--out", "{tmp}/report"),
        {"HOIBAO_DATABASE_URL": PG + f"?password={DB_PASSWORD}"}, ("question log",)),
    Row("log purge: PostgreSQL unreachable, user:password@", ("log", "purge"),
        {"HOIBAO_DATABASE_URL": PG.replace("hoibao@", f"hoibao:{DB_PASSWORD}@")}, ("question log",)),
    Row("ask: chat model refuses the key (401), body echoes it", ("-v", "ask", QUESTION),
        {"HOIBAO_LLM_BASE_URL": "{key_401}/v1", "HOIBAO_LLM_MODEL": "m", "HOIBAO_LLM_API_KEY": LLM_KEY},
        reply="Trả lời:"),
    Row("ask: log salt too short", ("ask", QUESTION), {"HOIBAO_LOG_SALT": "short"}, ("HOIBAO_LOG_SALT",)),
    Row("telegram: getUpdates answers 502 echoing the path (running)", ("telegram",),
        _tg("{tg_502}/bot", HOIBAO_DATABASE_URL="sqlite:///{tmp}/log.db", HOIBAO_LOG_SALT=SALT),
        running_until="getUpdates failed"),
    Row("zalo: getUpdates fails echoing the path (running)", ("zalo",),
        _zalo("{zalo_502}", HOIBAO_DATABASE_URL="sqlite:///{tmp}/log.db"), running_until="retrying"),
    Row("telegram: token revoked while running (getUpdates 401)", ("telegram",),
        _tg("{tg_401_polling}/bot"), ("TELEGRAM_BOT_TOKEN", "while the bot was running"), running_until="Invalid token",
        stops_itself=True),
    Row("zalo: question log's PostgreSQL down while running, ?password=", ("zalo",),
        _zalo("{zalo_asking}", HOIBAO_DATABASE_URL=PG + f"?password={DB_PASSWORD}"), running_until="question log"),
]

MISTAKES = [
    Row("report --out an existing file", ("report", "--out", "{tmp}/a-file"), says=("--out", "is a file")),
    Row("report --out a folder that cannot be written", ("report", "--out", "/proc"), says=("--out", "cannot write")),
    Row("report --out under a folder that cannot be made", ("report", "--out", "/proc/forbidden"), says=("--out",)),
    Row("eval a file of another format", ("eval", "{tmp}/a-file"), says=("not JSON", "SQuAD")),
    Row("eval JSON that is not SQuAD", ("eval", "{tmp}/list.json"), says=("not in SQuAD format",)),
    Row("eval a file that is not there", ("eval", "{tmp}/none.json"), says=("No file", "none.json")),
    Row("eval a folder", ("eval", "{tmp}"), says=("is a folder",)),
    Row("eval --other not JSON lines", ("eval", "{tmp}/squad.json", "--other", "{tmp}/bad.jsonl"), says=("JSON lines",)),
    Row("eval --cache-dir an existing file", ("eval", "{tmp}/squad.json", "--cache-dir", "{tmp}/a-file"),
        says=("--cache-dir",)),
    Row("index build --index-dir an existing file", ("index", "build", "--index-dir", "{tmp}/a-file"), says=("a-file",)),
    Row("index build --seeds not there", ("index", "build", "--seeds", "{tmp}/none", "--index-dir", "{tmp}/ix"),
        says=("HOIBAO_SEEDS_DIR",)),
    Row("index build --seeds a file", ("index", "build", "--seeds", "{tmp}/a-file", "--index-dir", "{tmp}/ix"),
        says=("is a file",)),
    Row("index status --seeds not there", ("index", "status", "--seeds", "{tmp}/none"), says=("HOIBAO_SEEDS_DIR",)),
    Row("add --seeds a file", ("add", "http://127.0.0.1:{closed}/x", "--seeds", "{tmp}/a-file"), says=("is a file",)),
    Row("ask --index-dir with no index", ("ask", "--index-dir", "{tmp}/none", QUESTION), says=("index build",)),
    Row("chat with no index and --seeds not there", ("chat", "--index-dir", "{tmp}/ix2", "--seeds", "{tmp}/none"),
        says=("HOIBAO_SEEDS_DIR",)),
    Row("ask an empty question", ("ask", ""), reply=messages.EMPTY),
    Row("ask --article that is not indexed", ("ask", "--article", "none.txt", QUESTION), says=("hoibao links",)),
    Row("links without the bot's name", ("links",), says=("--bot", "HOIBAO_BOT_USERNAME")),
    Row("links --index-dir with no index", ("links", "--bot", "hoibao_bot", "--index-dir", "{tmp}/none"),
        says=("index build",)),
    Row("ask --top-k 0", ("ask", "--top-k", "0", QUESTION), says=("--top-k",)),
    Row("ask -q (after the command) with no index", ("ask", "-q", "--index-dir", "{tmp}/none", QUESTION),
        says=("index build",)),
]


def leaked(text: str, secret: str) -> str | None:
    """The first piece of `secret` (FRAGMENT characters or more) in `text`, raw or percent-encoded."""
    from index.redact import pattern

    for start in range(0, max(1, len(secret) - FRAGMENT + 1)):
        piece = secret[start:start + FRAGMENT]
        if pattern(piece).search(text):
            return piece
    return None


STARTS_WITHIN = 60  # seconds a failing command may take to say so


def _text(output: str | bytes | None) -> str:
    return output.decode("utf-8", "replace") if isinstance(output, bytes) else output or ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("hoibao:")]


class Sweep:
    """The APIs and files the rows refer to, and the runner (a real `hoibao` subprocess)."""

    def __init__(self, tmp: Path, index_dir: Path, hoibao: Path = HOIBAO) -> None:
        self.tmp, self.index_dir, self.hoibao = tmp, index_dir, hoibao
        self.apis = {name: fake_apis.Api(rule) for name, rule in APIS.items()}
        self._taken = socket.socket()
        self._taken.bind(("127.0.0.1", 0))
        self._taken.listen()
        closed = _free_port()
        self.values = {**{name: api.url for name, api in self.apis.items()}, "closed": str(closed),
                       "closed_url": f"http://127.0.0.1:{closed}", "tmp": str(tmp),
                       "taken": str(self._taken.getsockname()[1])}
        (tmp / "a-file").write_text("# not what any command reads\n", "utf-8")
        (tmp / "list.json").write_text("[1, 2]", "utf-8")
        (tmp / "bad.jsonl").write_text("not json\n", "utf-8")
        (tmp / "squad.json").write_text('{"data": [{"title": "T", "paragraphs": [{"context": "Cầu dài 180 mét.", '
                                        '"qas": [{"question": "Cầu dài bao nhiêu?", "answers": [{"text": "180 mét"}]}]}]}]}',
                                        "utf-8")

    def close(self) -> None:
        for api in self.apis.values():
            api.stop()
        self._taken.close()

    def fill(self, text: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(_free_port()) if m[1] == "free" else self.values.get(m[1], m[0]), text)

    def run(self, row: Row) -> Outcome:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HOIBAO_", "TELEGRAM_", "ZALO_", "QDRANT_"))}
        env.update(HOIBAO_INDEX_DIR=str(self.index_dir), HOIBAO_SEEDS_DIR=str(SEEDS), HOIBAO_DATABASE_URL="off",
                   HOIBAO_REFRESH_MINUTES="0", HOIBAO_INDEX_FOLLOW_SECONDS="0", HOIBAO_DRAIN_SECONDS="1",
                   PYTHONIOENCODING="utf-8")
        env.update({k: self.fill(v) for k, v in row.env.items()})
        args = [str(self.hoibao), *(self.fill(a) for a in row.args)]
        if row.running_until is None:
            try:
                done = subprocess.run(args, cwd=self.tmp, env=env, capture_output=True, text=True, encoding="utf-8",
                                      timeout=STARTS_WITHIN, stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired as exc:  # it started instead of failing: killed, and it says so
                return Outcome(-9, _text(exc.stdout), _text(exc.stderr) + f"\n(still running after {STARTS_WITHIN} s)")
            return Outcome(done.returncode, done.stdout, done.stderr)
        return self._run_until(args, env, row.running_until, interrupt=not row.stops_itself)

    def _run_until(self, args: list[str], env: dict[str, str], marker: str, interrupt: bool = True) -> Outcome:
        """Start a bot, wait for `marker` in its log, then Ctrl-C it (as an operator would) unless it stops
        by itself."""
        err = self.tmp / f"stderr-{time.monotonic_ns()}.txt"
        with open(err, "w+", encoding="utf-8") as stderr:
            process = subprocess.Popen(args, cwd=self.tmp, env=env, stdout=subprocess.PIPE, stderr=stderr,
                                       stdin=subprocess.DEVNULL, text=True, encoding="utf-8")
            deadline = time.monotonic() + 60
            while marker not in err.read_text("utf-8") and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
            if process.poll() is None and interrupt:
                process.send_signal(signal.SIGINT)
            try:
                stdout, _ = process.communicate(timeout=STARTS_WITHIN)
            except subprocess.TimeoutExpired:  # it did not stop: killed, and it says so
                process.kill()
                stdout, _ = process.communicate()
                stderr.write(f"\n(still running after {STARTS_WITHIN} s)")
        return Outcome(process.returncode, stdout, err.read_text("utf-8"))


def check(row: Row, outcome: Outcome) -> None:
    """What every row must show: no secret, no traceback, one line (or the reply) and the exit it implies."""
    output = outcome.stdout + outcome.stderr
    for secret in SECRETS:
        assert leaked(output, secret) is None, (secret, output)
    assert "Traceback" not in output, output
    if row.running_until is not None:
        assert row.running_until in outcome.stderr, outcome.stderr
        if row.stops_itself:
            assert outcome.returncode == 2 and len(outcome.lines) == 1, outcome.stderr
            assert outcome.stderr.strip().splitlines()[-1] == outcome.lines[0], outcome.stderr
            assert all(needle in outcome.lines[0] for needle in row.says), outcome.lines
            return
        assert outcome.returncode in (0, -signal.SIGINT, 130), outcome.stderr
        assert not outcome.lines, outcome.stderr
        # PTB's last getUpdates at shutdown and the retry loop: at most one line each, never a traceback.
        assert sum("get_updates" in line for line in outcome.stderr.splitlines()) <= 1, outcome.stderr
        return
    if row.reply is not None:
        assert outcome.returncode == 0 and not outcome.lines, outcome.stderr
        assert row.reply in outcome.stdout, outcome.stdout
        return
    assert outcome.returncode == 2, (outcome.returncode, outcome.stderr)
    assert len(outcome.lines) == 1 and outcome.stderr.strip() == outcome.lines[0], outcome.stderr
    for needle in row.says:
        assert needle in outcome.lines[0], outcome.lines[0]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory, seed_index_dir):
    sweep = Sweep(tmp_path_factory.mktemp("sweep"), seed_index_dir)
    yield sweep
    sweep.close()


@pytest.mark.parametrize("row", SECRET_PATHS + MISTAKES, ids=lambda row: row.name)
def test_each_failure_is_one_line_without_a_secret(sweep, row):
    if row.needs:
        pytest.importorskip(row.needs, reason=f"{row.needs} comes with the qdrant extra (make install-test)")
    check(row, sweep.run(row))


def test_the_leak_check_finds_pieces_and_encodings():
    """The check itself can fail: a piece of a token, or the token percent-encoded, is found."""
    assert leaked(f"x {ZALO_TOKEN[3:14]} y", ZALO_TOKEN)
    assert leaked("/bot4421987:zalo%20s3cret^tok3n~value/getMe", ZALO_TOKEN)
    assert leaked("The token `7251893346:AAHsEcReT` was", TG_TOKEN)
    assert leaked("nothing here <hidden>", TG_TOKEN) is None

