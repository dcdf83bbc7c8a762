"""Bot tokens and webhook secrets, checked and resolved once for every platform.

An empty value (`TELEGRAM_BOT_TOKEN=` left as in .env.example) means "not set",
exactly like an absent one. Checks run before anything slow (building the
index, connecting), so a wrong setting ends in one `hoibao:` line naming it.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import SecretStr

from bot.settings import Settings
from index.errors import HoibaoError

log = logging.getLogger("hoibao.channels")


@dataclass(frozen=True)
class SecretRule:
    """What a platform accepts as a webhook secret."""

    variable: str
    platform: str
    min_len: int
    max_len: int = 256
    charset: str = ""  # a regex character class every character must be in; "" = any
    described: str = ""  # the charset in words, for the error


TELEGRAM_SECRET = SecretRule("TELEGRAM_WEBHOOK_SECRET", "Telegram", 1, 256, "[A-Za-z0-9_-]", " of A-Z, a-z, 0-9, _ and -")
ZALO_SECRET = SecretRule("ZALO_WEBHOOK_SECRET", "Zalo", 8, 256)


@dataclass(frozen=True)
class Platform:
    """A chat platform's settings, read through typed accessors."""

    name: str
    token_variable: str
    get_token: str  # how to get a token, for the error
    token: Callable[[Settings], SecretStr | None]
    webhook_url: Callable[[Settings], str]
    webhook_secret: Callable[[Settings], SecretStr | None]
    secret_rule: SecretRule


TELEGRAM = Platform(
    "telegram", "TELEGRAM_BOT_TOKEN", "Create a bot with @BotFather and put its token in .env.",
    lambda s: s.telegram_bot_token, lambda s: s.telegram_webhook_url, lambda s: s.telegram_webhook_secret,
    TELEGRAM_SECRET,
)
ZALO = Platform(
    "zalo", "ZALO_BOT_TOKEN", "Create a bot in Zalo Bot Manager and put its token in .env.",
    lambda s: s.zalo_bot_token, lambda s: s.zalo_webhook_url, lambda s: s.zalo_webhook_secret,
    ZALO_SECRET,
)
PLATFORMS = (TELEGRAM, ZALO)


def given(value: SecretStr | None) -> str | None:
    """The secret's text; None when it is not set or empty."""
    text = value.get_secret_value() if value is not None else ""
    return text or None


def configured(settings: Settings) -> list[Platform]:
    """The platforms whose token is set."""
    return [p for p in PLATFORMS if given(p.token(settings))]


def token(settings: Settings, platform: Platform) -> str:
    """The platform's bot token; HoibaoError naming the variable when it is not set."""
    value = given(platform.token(settings))
    if value is None:
        raise HoibaoError(f"{platform.token_variable} is not set. {platform.get_token}")
    return value


def check_secret(value: SecretStr | None, rule: SecretRule) -> str | None:
    """The secret when it is set and the platform accepts it, None when it is not set."""
    text = given(value)
    if text is None:
        return None
    bad = rule.charset and re.sub(rule.charset, "", text)
    if not rule.min_len <= len(text) <= rule.max_len or bad:
        raise HoibaoError(f"{rule.variable} has {len(text)} characters" + (" (some not allowed)" if bad else "")
                          + f"; {rule.platform} wants {rule.min_len} to {rule.max_len}{rule.described}."
                          " Change it in .env.")
    return text


def webhook_secret(value: SecretStr | None, rule: SecretRule) -> str:
    """The configured secret, or a random one for this run (with a warning) when none is set."""
    text = check_secret(value, rule)
    if text is None:
        log.warning("%s is not set; using a random secret for this run", rule.variable)
        return secrets.token_urlsafe(32)  # 43 characters of A-Z a-z 0-9 _ -: both platforms accept it
    return text


def check(settings: Settings, platforms: list[Platform]) -> None:
    """Every token set and every webhook secret acceptable, before anything slow starts."""
    for platform in platforms:
        token(settings, platform)
        if platform.webhook_url(settings):
            check_secret(platform.webhook_secret(settings), platform.secret_rule)
