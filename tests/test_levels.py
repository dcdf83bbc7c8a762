"""The index's dense levels (bot.core.levels) are measured once per build and kept beside the index, so a
fresh process reads them instead of embedding twenty questions; what it reads is what it measured."""

from __future__ import annotations

import json
import shutil

from bot.core import levels as core_levels
from bot.service import LEVELS_FILE, AnswerService
from bot.settings import Settings
from tests.conftest import SEEDS

QUESTION = "Bí thư Đảng ủy phường Phước Mỹ là ai?"


def test_levels_are_kept_per_build_and_read_back_exactly(seed_index_dir, embedder, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir, symlinks=True)
    settings = Settings(_env_file=None, seeds_dir=SEEDS, index_dir=index_dir)
    first = AnswerService(settings, embedder)
    [(name, kept)] = json.loads((index_dir / LEVELS_FILE).read_text("utf-8")).items()
    assert name.startswith(first.serving_build + ":")
    assert kept == [first._answerer.levels.unrelated, first._answerer.levels.related]

    # A new process has an empty in-memory cache: it must read the file, not measure.
    monkeypatch.setattr(core_levels, "_CACHE", {})
    monkeypatch.setattr(core_levels, "_best_dense", lambda *a: (_ for _ in ()).throw(AssertionError("measured")))
    second = AnswerService(settings, embedder)
    assert second._answerer.levels == first._answerer.levels
    assert second.answer(QUESTION).to_json("") == first.answer(QUESTION).to_json("")


def test_levels_that_cannot_be_kept_are_measured_and_the_answer_is_the_same(seed_index_dir, embedder, tmp_path,
                                                                            monkeypatch):
    """A replica's index directory that cannot be written (here: the file's name taken by a folder, which
    stops root too) costs the measurement again, nothing else."""
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir, symlinks=True)
    (index_dir / LEVELS_FILE).unlink(missing_ok=True)
    (index_dir / LEVELS_FILE).mkdir()
    monkeypatch.setattr(core_levels, "_CACHE", {})
    settings = Settings(_env_file=None, seeds_dir=SEEDS, index_dir=index_dir)
    service = AnswerService(settings, embedder)
    measured = service._answerer.levels
    assert measured.related > measured.unrelated
    assert (index_dir / LEVELS_FILE).is_dir() and not list((index_dir / LEVELS_FILE).iterdir())
    assert not list(index_dir.glob(f".{LEVELS_FILE}.*"))  # no half-written file left behind
    monkeypatch.setattr(core_levels, "_CACHE", {})
    assert AnswerService(settings, embedder)._answerer.levels == measured  # measured again, alike
    assert service.answer(QUESTION).status == "answered"
