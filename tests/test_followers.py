"""Topics to follow: the store (real SQLite), the match, and pushes through the real bots and strict fakes."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from bot.channels.telegram import app as telegram
from bot.channels.zalo import app as zalo
from bot.desk.intents import FOLLOW, Intent
from bot.followers.match import matching_paragraph, topic_key
from bot.followers.service import Followers
from bot.followers.store import FollowStore
from bot.service import AnswerService
from bot.settings import Settings
from index.corpus import parse_article
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo
from tests.logcapture import logs  # noqa: F401 (fixture)
from tests.test_telegram import TOKEN, USERNAME, ask

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
ZALO_TOKEN = "7770030000000000001:follow-zalo-secret"
BRIDGES = ["cau-song-lam.txt", "cau-vuot-nam-dinh-phu.txt"]


@pytest.fixture
def store(tmp_path) -> FollowStore:
    return FollowStore.open(f"sqlite:///{tmp_path / 'hoibao.db'}")


def test_follow_unfollow_caps_and_counts(store):
    assert store.follow("telegram", 1, "Giá xăng", cap=2) == "added"
    assert store.follow("telegram", 1, "gia xang!", cap=2) == "exists"  # the same topic, folded
    assert store.follow("telegram", 1, "giao thông", cap=2) == "added"
    assert store.follow("telegram", 1, "y tế", cap=2) == "full"
    assert store.follow("zalo", "z1", "giá xăng", cap=2) == "added"
    assert store.topics("telegram", 1) == ["Giá xăng", "giao thông"]
    assert store.counts() == [("Giá xăng", 2), ("giao thông", 1)]
    assert store.unfollow("telegram", 1, "GIÁ XĂNG") is True
    assert store.unfollow("telegram", 1, "giá xăng") is False  # the row is gone
    assert store.topics("telegram", 1) == ["giao thông"]
    assert all(len(f.chat_hash) == 64 and f.chat_hash != str(f.address) for f in store.followers())


def test_a_topic_matches_as_a_phrase_with_its_paragraph():
    article = parse_article("Khánh thành cầu mới\n\nCầu thông xe sáng nay, giao cho quận quản lý.\n\n"
                            "Sở Giao thông vận tải nhận bàn giao.\n", "a", "a.txt")
    hit = matching_paragraph("giao thông", article.title, "", article.paragraphs)
    assert hit.number == 2
    assert matching_paragraph("giao thong", article.title, "", article.paragraphs).number == 2  # unaccented
    assert matching_paragraph("thông giao", article.title, "", article.paragraphs) is None
    assert matching_paragraph("thể thao", article.title, "https://x.vn/the-thao/a", article.paragraphs).number == 1
    assert topic_key("  Giá   xăng! ") == "gia xang"


@pytest.fixture
def followers(store, newsroom_settings, embedder) -> Followers:
    return Followers(store, AnswerService(newsroom_settings, embedder), max_topics=10)


def test_notify_queues_one_message_per_chat_never_twice(followers, store):
    for chat, topic in ((1, "giao thông"), (1, "Nam Đình Phú"), (2, "sốt xuất huyết"), (3, "bóng đá")):
        followers.command("telegram", chat, Intent(FOLLOW, topic))
    assert followers.notify_followers(BRIDGES + ["sot-xuat-huyet-tan-an.txt"]) == 2
    due = {p.address: p.body for p in store.due("telegram")}
    assert set(due) == {"1", "2"}
    assert due["1"].startswith("🔔 2 tin mới về «Nam Đình Phú», «giao thông»:\n1. Cầu Sông Lam")
    assert due["2"].startswith("🔔 Tin mới về «sốt xuất huyết»:\nSốt xuất huyết ở Tân An tăng gấp đôi")
    assert "https://baotin.example.vn/y-te/sot-xuat-huyet-tan-an-tang" in due["2"]
    assert followers.notify_followers(BRIDGES) == 0  # the same articles again (a second hook): nothing new
    assert len(store.due("telegram")) == 2


def test_articles_the_hook_or_the_watcher_index_reach_followers(store, newsroom_settings, embedder):
    """The publish hook, WebSub and the watched folder tell the service (ArticlesIndexed); followers hear it."""
    from bot.service import ArticlesIndexed

    service = AnswerService(newsroom_settings, embedder)
    followers = Followers(store, service)
    followers.listen(service)
    followers.command("telegram", 9, Intent(FOLLOW, "sốt xuất huyết"))
    service.articles_indexed(ArticlesIndexed(("sot-xuat-huyet-tan-an.txt",), via="refresh"))
    assert store.due("telegram") == []  # the refresh notifies followers itself, with only the new articles
    service.articles_indexed(ArticlesIndexed(("sot-xuat-huyet-tan-an.txt",), via="hook"))
    (push,) = store.due("telegram")
    assert push.address == "9" and push.body.startswith("🔔 Tin mới về «sốt xuất huyết»:")
    service.articles_indexed(ArticlesIndexed(("sot-xuat-huyet-tan-an.txt",), via="watch"))
    assert len(store.due("telegram")) == 1  # never twice


@contextlib.asynccontextmanager
async def telegram_bot(fake: FakeTelegram, settings: Settings, service, followers):
    stop = asyncio.Event()
    task = asyncio.create_task(telegram.serve(settings, service, stop, followers=followers))
    try:
        await fake.wait_for(None, method="setMyCommands")
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def test_telegram_commands_pushes_and_a_blocked_chat(logs, followers, store, newsroom_settings):
    fake = FakeTelegram(TOKEN, USERNAME)
    await fake.start()
    settings = Settings(_env_file=None, seeds_dir=newsroom_settings.seeds_dir, index_dir=newsroom_settings.index_dir,
                        telegram_bot_token=TOKEN, telegram_base_url=fake.base_url, rate_limit_per_minute=30)
    try:
        async with telegram_bot(fake, settings, followers.service, followers):
            _, reply = await ask(fake, 3101, "/theodoi giao thông")
            assert reply["text"].startswith("Đã theo dõi «giao thông».")
            _, reply = await ask(fake, 3101, "/theodoi@hoibao_test_bot giá xăng")
            _, listed = await ask(fake, 3101, "/dangtheodoi")
            assert listed["text"].splitlines()[:3] == ["Bạn đang theo dõi:", "• giao thông", "• giá xăng"]
            _, reply = await ask(fake, 3102, "/theodoi giao thông")
            fake.blocked.add(3102)
            assert await asyncio.to_thread(followers.notify_followers, BRIDGES) == 2
            (push,) = (await fake.wait_for(3101, 4))[3:]
            assert push["text"].startswith("🔔 2 tin mới về «giao thông»:")
            await _until(lambda: not store.topics("telegram", 3102))  # 403: unsubscribed
            _, reply = await ask(fake, 3101, "/huytheodoi giao thông")
            assert reply["text"] == "Đã bỏ theo dõi «giao thông»."
        assert store.topics("telegram", 3101) == ["giá xăng"]
        assert fake.flood_violations() == []
    finally:
        await fake.stop()


async def _until(condition, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await asyncio.to_thread(condition):
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.05)


async def test_zalo_follow_by_phrase_and_push(logs, followers, store, newsroom_settings):
    fake = FakeZalo(ZALO_TOKEN)
    await fake.start()
    settings = Settings(_env_file=None, seeds_dir=newsroom_settings.seeds_dir, index_dir=newsroom_settings.index_dir,
                        zalo_bot_token=ZALO_TOKEN, zalo_base_url=fake.base_url, rate_limit_per_minute=30)
    stop = asyncio.Event()
    task = asyncio.create_task(zalo.serve(settings, followers.service, stop, poll_timeout=1, backoff=(0.2, 1.0),
                                          followers=followers))
    try:
        await fake.wait_for(None, method="getWebhookInfo")
        fake.message("z3201", "theo dõi sốt xuất huyết")
        (reply,) = await fake.wait_for("z3201", 1)
        assert reply["text"].startswith("Đã theo dõi «sốt xuất huyết».")
        await asyncio.to_thread(followers.notify_followers, ["sot-xuat-huyet-tan-an.txt"])
        push = (await fake.wait_for("z3201", 2))[1]
        assert push["text"].startswith("🔔 Tin mới về «sốt xuất huyết»:")
        fake.message("z3201", "bỏ theo dõi sốt xuất huyết")
        assert (await fake.wait_for("z3201", 3))[2]["text"] == "Đã bỏ theo dõi «sốt xuất huyết»."
        fake.message("z3201", "tom tat bai ve gia xang")  # unaccented, as Zalo readers often type
        summary = (await fake.wait_for("z3201", 4))[3]["text"]
        assert summary.startswith("Tóm tắt bài «Giá xăng giảm lần thứ ba liên tiếp»:\n• ") and "(đoạn 1)" in summary
        fake.message("z3201", "/tinmoi y tế")
        latest = (await fake.wait_for("z3201", 5))[4]["text"]
        assert latest.startswith("Tin mới nhất về «y tế»:\n1. Sốt xuất huyết ở Tân An")
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await fake.stop()


def test_the_editors_report_shows_follower_counts_per_topic(tmp_path):
    from bot.report.build import make
    from bot.report.html import page
    from bot.report.plain import text
    from tests import fake_questionlog

    url = fake_questionlog.sqlite_log(tmp_path / "hoibao.db")
    from bot.questionlog import db

    store = FollowStore(db.make_engine(url), b"salt")  # the fake log has every table of schema.py
    for chat, topic in ((1, "giá xăng"), (2, "Giá xăng"), (3, "giao thông")):
        store.follow("telegram", chat, topic, cap=10)
    report = make(url, 7, now=fake_questionlog.NOW)
    assert report.follows == (("Giá xăng", 2), ("giao thông", 1))
    assert "Chủ đề được theo dõi (số người theo dõi):\n  1. «Giá xăng»: 2\n  2. «giao thông»: 1" in text(report)
    assert '<section id="follows">' in page(report) and "<td>giao thông</td>" in page(report)


def test_a_topic_the_article_never_names_matches_above_the_calibrated_cut(tmp_path, embedder):
    """"dịch bệnh" (epidemics) and an article on a measles outbreak that never says it: the dense score
    (benchmarks/follow_calibration.py) clears the cut; a fuel-price article does not."""
    import shutil

    from index.faiss.build import build_faiss
    from tests.conftest import ROOT
    from tests.newsroom import ARTICLES, write_articles

    seeds = write_articles(tmp_path / "seeds", {"gia-xang-giam.txt": ARTICLES["gia-xang-giam.txt"]})
    shutil.copy(ROOT / "benchmarks" / "conversations" / "articles" / "yte_soi_binh_lac.txt", seeds)
    build_faiss(seeds, tmp_path / "index", embedder, progress=False)
    service = AnswerService(Settings(_env_file=None, seeds_dir=seeds, index_dir=tmp_path / "index"), embedder)
    store = FollowStore.open(f"sqlite:///{tmp_path / 'hoibao.db'}")
    followers = Followers(store, service)
    followers.command("telegram", 5, Intent(FOLLOW, "dịch bệnh"))
    from index.text import tokens

    assert not any("dich benh" in " ".join(tokens(p.text)) for p in service.paragraphs("yte_soi_binh_lac.txt"))
    assert followers.notify_followers(["yte_soi_binh_lac.txt", "gia-xang-giam.txt"]) == 1
    (push,) = store.due("telegram")
    assert push.body.startswith("🔔 Tin mới về «dịch bệnh»:\nBình Lạc tiêm vắc xin sởi")


async def test_the_sender_keeps_the_hourly_cap_and_a_groups_pace(store):
    from bot.followers.sender import Limits, Sender

    sent: list[tuple[str, float]] = []
    loop = asyncio.get_running_loop()

    async def send(address: str, text: str) -> None:
        sent.append((address, loop.time()))

    store.follow("telegram", -42, "giá xăng", cap=10)
    chat_hash = store.hash("telegram", -42)
    for article in ("a.txt", "b.txt", "c.txt"):  # three separate notifications for one group
        store.enqueue("telegram", chat_hash, "-42", [article], lambda fresh: f"tin {fresh}")
    sender = Sender("telegram", store, send, Limits(per_second=100, group_per_minute=120, per_chat_hour=2))
    assert await sender.drain(asyncio.Event()) == 2
    assert len(store.due("telegram")) == 1  # the third waits for the hour
    assert sent[1][1] - sent[0][1] >= 0.49  # 120 a minute to one group: half a second apart
    assert await sender.drain(asyncio.Event()) == 0


def test_a_database_gone_is_one_polite_line(tmp_path, newsroom_settings, embedder, caplog):
    from bot.messages import FOLLOW_UNAVAILABLE

    db_file = tmp_path / "hoibao.db"
    store = FollowStore.open(f"sqlite:///{db_file}")
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE pushed_articles")
        connection.exec_driver_sql("DROP TABLE follows")  # as good as a database that went away
    followers = Followers(store, AnswerService(newsroom_settings, embedder))
    assert followers.command("telegram", 1, Intent(FOLLOW, "giá xăng")) == FOLLOW_UNAVAILABLE
    assert "Traceback" not in caplog.text and "topics to follow: the database cannot be reached" in caplog.text
