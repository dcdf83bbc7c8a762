"""Builds that cannot trip over each other: one writer per index, checkpoints by time, a size limit,
an empty index when the last article goes, and the seeds folder watched."""

from __future__ import annotations

import asyncio
import threading
import time

import numpy as np
import pytest

from bot.channels.background import watch
from bot.service import AnswerService, ArticlesIndexed, build_from_settings
from bot.settings import Settings
from index.checkpoint import CHECKPOINT_SECONDS, Checkpoint, embed_resuming
from index.faiss import store
from index.faiss.build import build_faiss
from index.lock import IndexBusy, writer_lock
from tests.test_cli import run

ARTICLE = ("Hồ Đá Mài đón 12.000 khách dịp lễ\n\n"
           "Khu du lịch hồ Đá Mài đón khoảng 12.000 lượt khách trong ba ngày nghỉ lễ, tăng 30% so với năm trước.\n\n"
           "Ban quản lý bố trí thêm 40 nhân viên cứu hộ và hai bãi đỗ xe tạm.\n")
SECOND = ("Chợ nổi Cái Lược mở lại sau sửa chữa\n\n"
          "Chợ nổi Cái Lược mở cửa trở lại từ sáng thứ Bảy sau bốn tháng nạo vét luồng lạch.\n\n"
          "Khoảng 200 ghe thuyền đã đăng ký buôn bán tại chợ trong tháng đầu tiên.\n")


@pytest.fixture
def folder(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "ho-da-mai.txt").write_text(ARTICLE, "utf-8")
    return seeds, tmp_path / "index"


# ---------------------------------------------------------------- one writer per index directory

def test_a_second_index_build_says_who_holds_the_index_and_changes_nothing(folder, tmp_path):
    seeds, index = folder
    with writer_lock(index):
        busy = run(["index", "build", "--full"], cwd=tmp_path, index_dir=index, seeds_dir=seeds)
    assert busy.returncode == 2 and busy.stdout == ""
    assert busy.stderr.startswith(f"hoibao: Another writer is building the index in {index} (pid ")
    assert "Traceback" not in busy.stderr and store.current_build(index) is None


def test_a_writer_in_the_bot_waits_for_the_other_and_then_builds(folder, embedder):
    seeds, index = folder
    settings = Settings(_env_file=None, seeds_dir=seeds, index_dir=index)
    done: list[object] = []
    with writer_lock(index):
        writer = threading.Thread(target=lambda: done.append(build_from_settings(settings, embedder, progress=False)))
        writer.start()
        time.sleep(1.0)
        assert done == [] and store.current_build(index) is None  # waiting, not building beside the holder
    writer.join(60)
    assert len(done) == 1 and store.current_build(index) == done[0].directory
    with pytest.raises(IndexBusy):
        with writer_lock(index), writer_lock(index, wait=False):
            pass


# ---------------------------------------------------------------- checkpoints by time

class SlowEmbedder:
    """A deterministic embedder on a fake clock: each batch 'takes' 4 s."""

    id, dim, max_tokens = "fake:slow", 8, 512

    def __init__(self, clock: list[float]) -> None:
        self.clock = clock

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.clock[0] += 4.0
        return np.ones((len(texts), self.dim), np.float32)


def test_vectors_are_checkpointed_every_ten_seconds_not_only_every_eight_batches(tmp_path):
    clock = [0.0]
    checkpoint = Checkpoint(tmp_path, "fake:slow", 512)
    texts = [f"đoạn {i}" for i in range(6)]  # 6 batches of one: fewer than 8, so only time saves them early
    embed_resuming(SlowEmbedder(clock), texts, 1, False, checkpoint, clock=lambda: clock[0])
    parts = sorted(checkpoint.directory.glob("part-*.npz"))
    assert CHECKPOINT_SECONDS == 10.0 and len(parts) == 2  # after 12 s (3 batches) and at the end
    assert checkpoint.count() == 6


# ---------------------------------------------------------------- size limit, empty index

def test_an_article_over_the_size_limit_is_indexed_up_to_it_with_one_warning(folder, embedder):
    seeds, index = folder
    sentence = "Ban quản lý cho biết lượng khách tăng đều trong các ngày cuối tuần của tháng {n}. "
    (seeds / "luu-tru.txt").write_text("Bản lưu trữ dài\n\n" + "".join(sentence.format(n=n) for n in range(400))
                                       + "\n", "utf-8")
    report = build_faiss(seeds, index, embedder, progress=False, max_chars=2_000)
    stored = store.load(index)
    kept = sum(len(p.text) for p in stored.paragraphs_of("luu-tru.txt"))
    warnings = [line for line in report.summary().splitlines() if "luu-tru.txt" in line]
    assert warnings == [f"Warning: luu-tru.txt has 32,689 characters of text; indexed the first {kept:,} "
                        "(HOIBAO_MAX_ARTICLE_CHARS)."]
    assert 1_900 < kept <= 2_000 and stored.manifest.counts.chunks < 5
    assert stored.paragraphs_of("ho-da-mai.txt")  # the others whole


def test_taking_down_the_last_article_leaves_an_empty_index_that_finds_nothing(folder, embedder):
    seeds, index = folder
    build_faiss(seeds, index, embedder, progress=False)
    service = AnswerService(Settings(_env_file=None, seeds_dir=seeds, index_dir=index), embedder)
    assert service.answer("Hồ Đá Mài đón bao nhiêu lượt khách dịp lễ?").found
    (seeds / "ho-da-mai.txt").unlink()
    report = service.reindex()
    assert report.articles == 0 and "every question gets not-found" in report.summary()
    answer = service.answer("Hồ Đá Mài đón bao nhiêu lượt khách dịp lễ?")
    assert not answer.found and answer.citations == () and service.catalog() == ()


# ---------------------------------------------------------------- the watched seeds folder

async def test_a_file_dropped_changed_or_removed_in_seeds_is_answerable_within_seconds(folder, embedder):
    seeds, index = folder
    build_faiss(seeds, index, embedder, progress=False)
    settings = Settings(_env_file=None, seeds_dir=seeds, index_dir=index, watch_seeds=True)
    service = AnswerService(settings, embedder)
    told: list[ArticlesIndexed] = []
    service.on_articles_indexed(told.append)
    stop = asyncio.Event()
    task = asyncio.create_task(watch.run(settings, service, stop))
    question = "Chợ nổi Cái Lược có bao nhiêu ghe thuyền đăng ký?"

    async def answered(names: set[str | None], seconds: float = 30.0) -> float:
        started = time.monotonic()
        while True:
            answer = await asyncio.to_thread(service.answer, question)
            cited = answer.citations[0].paragraph.source if answer.citations else None
            cited = cited if cited in {meta.source for meta in service.catalog()} | {None} else "?"
            if cited in names:
                return time.monotonic() - started
            assert time.monotonic() - started < seconds, f"still citing {cited}"
            await asyncio.sleep(0.1)

    try:
        await asyncio.sleep(0.5)  # the watcher is up
        (seeds / ".cho-noi.txt.swp").write_text("editor's swap file", "utf-8")  # hidden: not an article
        (seeds / "cho-noi.txt").write_text(SECOND, "utf-8")
        await answered({"cho-noi.txt"})  # the seconds it takes are measured by benchmarks/publish_to_answer.py
        assert told == [ArticlesIndexed(("cho-noi.txt",), via="watch")]
        (seeds / "cho-noi.txt").unlink()
        await answered({"ho-da-mai.txt", None})  # the taken-down article is never cited again
        assert told[-1] == ArticlesIndexed((), removed=("cho-noi.txt",), via="watch")
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


def test_ask_says_once_that_the_index_is_stale_and_names_the_command(folder, tmp_path, embedder):
    seeds, index = folder
    build_faiss(seeds, index, embedder, progress=False)
    fresh = run(["ask", "Hồ Đá Mài đón bao nhiêu lượt khách?"], cwd=tmp_path, index_dir=index, seeds_dir=seeds)
    assert fresh.returncode == 0 and fresh.stderr == ""
    (seeds / "cho-noi.txt").write_text(SECOND, "utf-8")
    stale = run(["ask", "Hồ Đá Mài đón bao nhiêu lượt khách?"], cwd=tmp_path, index_dir=index, seeds_dir=seeds)
    assert stale.returncode == 0 and "12.000" in stale.stdout
    assert stale.stderr.splitlines() == [
        f"hoibao: warning: the index is older than {seeds} (1 added); answers come from the old index until you "
        "run `hoibao index build`"]


def test_a_build_made_under_a_strict_umask_is_readable_by_the_containers_user(folder, embedder):
    import os
    import stat

    seeds, index = folder
    old = os.umask(0o077)
    try:
        report = build_faiss(seeds, index, embedder, progress=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE(report.directory.stat().st_mode) == 0o755
    assert {stat.S_IMODE(p.stat().st_mode) for p in report.directory.iterdir()} == {0o644}


def test_the_quick_freshness_check_sees_a_changed_byte_and_a_renamed_file(folder, embedder):
    from index.status import files_unchanged

    seeds, index = folder
    build_faiss(seeds, index, embedder, progress=False)
    manifest = store.read_manifest(index)
    assert files_unchanged(manifest, seeds)
    (seeds / "ho-da-mai.txt").write_text(ARTICLE.replace("12.000", "12.500"), "utf-8")
    assert not files_unchanged(manifest, seeds)
    (seeds / "ho-da-mai.txt").write_text(ARTICLE, "utf-8")
    assert files_unchanged(manifest, seeds)
    (seeds / "ho-da-mai.txt").rename(seeds / "ho-da-mai.md")
    assert not files_unchanged(manifest, seeds)
