"""Bot replicas follow the builds another process makes: the FAISS `current` symlink, the Qdrant alias.

The "index service" here is a second build into the same location while an AnswerService answers
from the first; the follower (bot.channels.background.index_follow) loads the new build, never builds, and a
build that cannot be loaded leaves the old one answering with one log line.
"""

from __future__ import annotations

import asyncio
import logging
import shutil

import pytest

from bot.channels.background import index_follow
from bot.channels.background.index_follow import Follower
from bot.service import AnswerService, build_from_settings
from bot.settings import Settings
from index.faiss import store
from tests.conftest import states
from tests.test_store import ARTICLES, QUESTIONS, write

NEW = {"moi.txt": "Tin mới\n\nPhường Mỹ An khánh thành nhà văn hóa mới vào tháng Ba.\n"}
NEW_QUESTION = "Phường Mỹ An khánh thành gì?"
WARNING = "could not load the new index build"


def faiss_settings(tmp_path) -> Settings:
    return Settings(_env_file=None, seeds_dir=tmp_path / "seeds", index_dir=tmp_path / "index")


def qdrant_settings(tmp_path) -> Settings:
    return Settings(_env_file=None, seeds_dir=tmp_path / "seeds", index_dir=tmp_path / "index",
                    index_backend="qdrant", qdrant_path=str(tmp_path / "qdrant"))


@pytest.fixture(params=["faiss", "qdrant"])
def settings(request, tmp_path):
    if request.param == "qdrant":
        pytest.importorskip("qdrant_client", reason="the Qdrant backend needs qdrant-client")
        from index.backend import Location
        from index.qdrant import engines as qengine

        settings = qdrant_settings(tmp_path)
        yield settings
        qengine.forget(Location.from_settings(settings).qdrant)
        return
    yield faiss_settings(tmp_path)


def index_service_builds(settings: Settings, embedder, articles: dict[str, str]) -> None:
    """What the `index` service does beside the bots: new articles, a full build, the flip."""
    write(settings.seeds_dir, articles)
    build_from_settings(settings, embedder, full=True, progress=False)


def source_of(service: AnswerService, question: str) -> str:
    """The source of the first citation ("" when nothing is cited)."""
    citations = service.answer(question).citations
    return citations[0].paragraph.source if citations else ""


def test_a_replica_follows_a_new_build_made_beside_it(settings, embedder, caplog):
    index_service_builds(settings, embedder, ARTICLES)
    service = AnswerService(settings, embedder)
    follower = Follower(service)
    served = service.serving_build
    assert served is not None and not follower.step()  # nothing new: nothing loaded
    assert source_of(service, NEW_QUESTION) != "moi.txt"

    index_service_builds(settings, embedder, NEW)
    assert service.current_build() != served
    assert source_of(service, NEW_QUESTION) != "moi.txt"  # still the build it loaded
    with caplog.at_level(logging.INFO, logger="bot.channels.background.index_follow"):
        assert follower.step()
    assert service.serving_build == service.current_build() != served
    assert source_of(service, NEW_QUESTION) == "moi.txt"
    assert states(service.answer(QUESTIONS[0]), "Nguyễn Huy Bình")
    assert caplog.messages == [f"now serving index build {service.serving_build}"]
    assert not follower.step()


def test_the_follower_never_builds(tmp_path, embedder, monkeypatch):
    settings = faiss_settings(tmp_path)
    index_service_builds(settings, embedder, ARTICLES)
    service = AnswerService(settings, embedder)
    index_service_builds(settings, embedder, NEW)
    monkeypatch.setattr("bot.service.build_from_settings", lambda *a, **k: pytest.fail("a reader built"))
    monkeypatch.setattr("index.faiss.backend.build_faiss", lambda *a, **k: pytest.fail("a reader built"))
    assert Follower(service).step()


def test_a_broken_new_build_keeps_the_old_one_answering_with_one_log_line(tmp_path, embedder, caplog):
    settings = faiss_settings(tmp_path)
    index_service_builds(settings, embedder, ARTICLES)
    service = AnswerService(settings, embedder)
    served = service.serving_build
    follower = Follower(service)
    index_service_builds(settings, embedder, NEW)
    (store.current_build(settings.index_dir) / "paragraphs.jsonl").unlink()  # a damaged build
    with caplog.at_level(logging.INFO, logger="bot.channels.background.index_follow"):
        assert not follower.step()
        assert not follower.step()
        assert not follower.step()
    assert len(caplog.records) == 1
    assert caplog.records[0].levelno == logging.WARNING and caplog.messages[0].startswith(WARNING)
    assert "paragraphs.jsonl" in caplog.messages[0] and "\n" not in caplog.messages[0]
    assert service.serving_build == served
    assert source_of(service, QUESTIONS[0]) == "phuoc-my.txt"

    caplog.clear()
    index_service_builds(settings, embedder, {"sau.txt": "Tin sau\n\nPhường Mỹ An trồng thêm cây xanh.\n"})
    with caplog.at_level(logging.INFO, logger="bot.channels.background.index_follow"):
        assert follower.step()  # the next good build is served
    assert source_of(service, NEW_QUESTION) == "moi.txt"


def test_a_missing_manifest_in_qdrant_keeps_the_old_collection_answering(tmp_path, embedder, caplog):
    pytest.importorskip("qdrant_client", reason="the Qdrant backend needs qdrant-client")
    from index.backend import Location
    from index.qdrant import engines as qengine
    from index.qdrant import layout

    settings = qdrant_settings(tmp_path)
    target = Location.from_settings(settings).qdrant
    try:
        index_service_builds(settings, embedder, ARTICLES)
        service = AnswerService(settings, embedder)
        served = service.serving_build
        index_service_builds(settings, embedder, NEW)
        engine = qengine.connect(target)
        new = engine.alias_target(target.collection)
        engine.delete(new, {"kind": layout.META, "name": "manifest"})  # half the metadata gone
        with caplog.at_level(logging.INFO, logger="bot.channels.background.index_follow"):
            follower = Follower(service)
            assert not follower.step() and not follower.step()
        assert [r.levelno for r in caplog.records] == [logging.WARNING]
        assert new in caplog.messages[0] and "hoibao index build --full" in caplog.messages[0]
        assert service.serving_build == served
        assert source_of(service, QUESTIONS[0]) == "phuoc-my.txt"
    finally:
        qengine.forget(target)


def test_an_incremental_qdrant_update_in_place_is_followed_too(tmp_path, embedder):
    pytest.importorskip("qdrant_client", reason="the Qdrant backend needs qdrant-client")
    from index.backend import Location
    from index.qdrant import engines as qengine

    settings = qdrant_settings(tmp_path)
    try:
        index_service_builds(settings, embedder, ARTICLES)
        service = AnswerService(settings, embedder)
        served = service.serving_build
        write(settings.seeds_dir, NEW)
        build_from_settings(settings, embedder, progress=False)  # in place: same collection, next generation
        collection = served.split("@")[0]
        assert service.current_build().split("@")[0] == collection and service.current_build() != served
        assert Follower(service).step()
        assert source_of(service, NEW_QUESTION) == "moi.txt"
        assert {m.source for m in service.catalog()} == set(ARTICLES) | set(NEW)  # the new manifest
    finally:
        qengine.forget(Location.from_settings(settings).qdrant)


def test_a_store_out_of_reach_is_one_line_and_the_old_index_answers(tmp_path, embedder, caplog, monkeypatch):
    settings = faiss_settings(tmp_path)
    index_service_builds(settings, embedder, ARTICLES)
    service = AnswerService(settings, embedder)

    def unreachable():
        raise OSError("Connection refused")

    monkeypatch.setattr(service, "current_build", unreachable)
    with caplog.at_level(logging.INFO, logger="bot.channels.background.index_follow"):
        follower = Follower(service)
        assert not follower.step() and not follower.step()
    assert caplog.messages == ["could not check which index build is current, the previous one keeps answering: "
                               "OSError: Connection refused"]
    assert source_of(service, QUESTIONS[0]) == "phuoc-my.txt"


def test_the_task_follows_until_stopped_and_zero_is_off(tmp_path, embedder):
    settings = faiss_settings(tmp_path)
    index_service_builds(settings, embedder, ARTICLES)
    service = AnswerService(settings, embedder)
    index_service_builds(settings, embedder, NEW)

    async def main(seconds: float) -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(index_follow.run(settings.model_copy(update={"index_follow_seconds": seconds}),
                                                    service, stop))
        for _ in range(200):
            if service.serving_build == service.current_build() or task.done():
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, timeout=5)

    asyncio.run(main(0))
    assert service.serving_build != service.current_build()  # off
    asyncio.run(main(0.05))
    assert service.serving_build == service.current_build()
    assert source_of(service, NEW_QUESTION) == "moi.txt"


def test_no_build_yet_is_nothing_to_follow(tmp_path, embedder):
    settings = faiss_settings(tmp_path)
    index_service_builds(settings, embedder, ARTICLES)
    service = AnswerService(settings, embedder)
    shutil.rmtree(settings.index_dir)
    assert service.current_build() is None
    assert not Follower(service).step()
    assert source_of(service, QUESTIONS[0]) == "phuoc-my.txt"
