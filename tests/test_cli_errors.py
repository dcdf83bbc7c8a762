"""Mistakes a new user makes end in one `hoibao:` line (exit 2) naming what to fix, never a traceback."""

from __future__ import annotations

import subprocess

import pytest

from bot.settings import CORE, TELEGRAM, Settings, SettingsError, load_settings
from tests.test_cli import HOIBAO, QUESTION, run


def one_line_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hoibao: "), result.stderr
    for needle in needles:
        assert needle in lines[0]


def with_env(tmp_path, seed_index_dir, args, **env):
    """`hoibao ARGS` with extra environment variables (in a folder with no .env)."""
    command = ["env", *(f"{k}={v}" for k, v in env.items()), str(HOIBAO)]
    return run(args, cwd=tmp_path, index_dir=seed_index_dir, command=command)


def test_zero_citations_names_the_option(tmp_path, seed_index_dir):
    one_line_error(run(["ask", "--top-k", "0", "x"], cwd=tmp_path, index_dir=seed_index_dir), "--top-k", "HOIBAO_TOP_K")


def test_more_citations_than_candidates_names_both_settings(tmp_path, seed_index_dir):
    result = with_env(tmp_path, seed_index_dir, ["ask", "x"], HOIBAO_TOP_K="10", HOIBAO_CANDIDATES="5")
    one_line_error(result, "HOIBAO_TOP_K=10 is more than HOIBAO_CANDIDATES=5",
                   "lower HOIBAO_TOP_K (or --top-k) or raise HOIBAO_CANDIDATES")
    assert result.stdout == ""


def test_unknown_index_type_names_the_setting_and_its_values(tmp_path, seed_index_dir):
    one_line_error(with_env(tmp_path, seed_index_dir, ["index", "build"], HOIBAO_INDEX_TYPE="bogus"),
                   "HOIBAO_INDEX_TYPE", "'hnsw'")


def test_a_bad_telegram_setting_does_not_break_index_commands(tmp_path, seed_index_dir):
    info = with_env(tmp_path, seed_index_dir, ["index", "info"], TELEGRAM_ADMIN_IDS="abc")
    assert info.returncode == 0, info.stderr
    assert "Embedder:" in info.stdout
    # … but the command that reads it says what is wrong with it.
    one_line_error(with_env(tmp_path, seed_index_dir, ["telegram"], TELEGRAM_ADMIN_IDS="abc", TELEGRAM_BOT_TOKEN="1:x"),
                   "TELEGRAM_ADMIN_IDS='abc'", "numeric ids")


def test_sentence_transformers_model_with_the_default_backend(tmp_path, seed_index_dir):
    result = with_env(tmp_path, seed_index_dir, ["ask", "x"], HOIBAO_EMBEDDING_MODEL="intfloat/multilingual-e5-small")
    one_line_error(result, "HOIBAO_EMBEDDING_MODEL", "HOIBAO_EMBEDDING_BACKEND=sentence-transformers")


def test_missing_evaluation_file(tmp_path, seed_index_dir):
    one_line_error(run(["eval", str(tmp_path / "none.json")], cwd=tmp_path, index_dir=seed_index_dir), "none.json")


def test_output_cut_short_by_the_reader_is_not_an_error(tmp_path, seed_index_dir):
    questions = "\n".join([QUESTION] * 40) + "\n"
    result = subprocess.run(f"{HOIBAO} ask --json | head -1", shell=True, cwd=tmp_path, input=questions,
                            capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HOIBAO_INDEX_DIR": str(seed_index_dir)})
    assert result.stdout.count("\n") == 1 and '"found": true' in result.stdout
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr


def test_ask_prints_no_log_lines(tmp_path, seed_index_dir):
    result = run(["ask", QUESTION], cwd=tmp_path, index_dir=seed_index_dir)
    assert result.returncode == 0
    assert result.stderr == ""


def test_empty_values_mean_not_set(tmp_path):
    env = tmp_path / ".env"
    env.write_text("TELEGRAM_BOT_TOKEN=\nZALO_WEBHOOK_SECRET=\nTELEGRAM_WEBHOOK_PORT=\nHOIBAO_TOP_K=\n", "utf-8")
    settings = Settings(_env_file=env)
    assert settings.telegram_bot_token is None and settings.zalo_webhook_secret is None
    assert settings.telegram_webhook_port == 8443 and settings.top_k == 5


def test_each_command_validates_only_what_it_reads(monkeypatch):
    monkeypatch.setenv("TELEGRAM_ALLOWED_CHATS", "1,zwei")
    assert load_settings({CORE}).telegram_allowed_chats == []
    with pytest.raises(SettingsError, match="TELEGRAM_ALLOWED_CHATS='1,zwei'"):
        load_settings({CORE, TELEGRAM})


def test_secrets_are_never_echoed_in_errors(monkeypatch):
    monkeypatch.setenv("HOIBAO_TOP_K", "0")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_PORT", "not-a-port")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:SECRET")
    with pytest.raises(SettingsError) as caught:
        load_settings({CORE, TELEGRAM})
    assert "SECRET" not in str(caught.value)
    assert "HOIBAO_TOP_K='0'" in str(caught.value) and "TELEGRAM_WEBHOOK_PORT='not-a-port'" in str(caught.value)


def test_an_unknown_time_zone_names_the_setting(tmp_path, seed_index_dir):
    one_line_error(with_env(tmp_path, seed_index_dir, ["ask", "có tin gì mới"], HOIBAO_TIMEZONE="Mars/Olympus"),
                   "HOIBAO_TIMEZONE", "Asia/Ho_Chi_Minh")
