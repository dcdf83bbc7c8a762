"""Written answers against a fake OpenAI-compatible server, through the real answer path over a real index."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path

import pytest

from bot.channels.render import plain_text
from bot.chat import Conversations
from bot.llm.slots import Slots
from bot.service import AnswerService
from bot.settings import Settings
from tests.conftest import index_of, states
from bot.llm.client import EMPTY, ChatModel, WriteFailed
from tests.fake_llm import STALL, Document, FakeLLM

HOIBAO = Path(sys.executable).parent / "hoibao"

ARTICLES = {
    "nha-may-nuoc.txt": (
        "Khởi công nhà máy nước Hòa Liên\n\n"
        "Nhà máy nước Hòa Liên có công suất 120.000 m3 mỗi ngày, do Công ty Cổ phần Cấp nước Đà Nẵng đầu tư.\n\n"
        "Ông Trần Quốc Bảo, giám đốc dự án, cho biết nhà máy sẽ hoàn thành vào tháng 6/2026.\n\n"
        "Nguồn nước thô được lấy từ sông Cu Đê, cách nhà máy khoảng 3 km.\n"
    ),
    "le-hoi.txt": (
        "Lễ hội pháo hoa quốc tế trở lại\n\n"
        "Lễ hội pháo hoa quốc tế năm nay có 8 đội tham gia, kéo dài từ ngày 7/6 đến 12/7.\n\n"
        "Bà Lê Thị Hoa, phó giám đốc Sở Du lịch, cho biết vé khán đài có giá từ 800.000 đồng.\n"
    ),
}
QUESTION = "Công suất của nhà máy nước Hòa Liên là bao nhiêu?"
OFF_TOPIC = "Giá vàng SJC hôm nay bao nhiêu một lượng?"
GOOD = "Nhà máy nước Hòa Liên có công suất 120.000 m3 mỗi ngày [1]."
KEY = "sk-fake-SECRET-4242"
TIMEOUT = 1.0


@pytest.fixture(scope="module")
def llm_index(tmp_path_factory, embedder) -> Path:
    folder = tmp_path_factory.mktemp("llm-index")
    index_of(ARTICLES, folder, embedder)
    return folder


@pytest.fixture
async def fake():
    server = FakeLLM()
    await server.start()
    yield server
    await server.stop()


def conversations(llm_index: Path, embedder, base_url: str, **overrides) -> Conversations:
    values = dict(llm_base_url=base_url, llm_model="fake-model", llm_api_key=KEY, llm_timeout_seconds=TIMEOUT)
    settings = Settings(_env_file=None, seeds_dir=llm_index / "seeds", index_dir=llm_index / "index",
                        **{**values, **overrides})
    return Conversations(AnswerService(settings, embedder), settings)


async def ask(conv: Conversations, question: str = QUESTION, chat: str = "chat-1", listener=None):
    started = time.perf_counter()
    answer = await asyncio.to_thread(conv.ask, chat, f"user-of-{chat}", question, listener)
    return answer, time.perf_counter() - started


async def until(condition, timeout: float = 20) -> None:
    async def poll():
        while not condition():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(poll(), timeout)


@pytest.mark.parametrize("streams", [True, False], ids=["sse", "json"])
async def test_a_grounded_answer_is_sent_first_with_the_source_under_it(fake, llm_index, embedder, caplog, streams):
    caplog.set_level(logging.DEBUG)
    fake.reply, fake.streams = GOOD, streams
    answer, _ = await ask(conversations(llm_index, embedder, fake.base_url))
    assert (answer.written, answer.fallback) == (GOOD, None)
    assert states(answer, "120.000")
    text = plain_text(answer)
    assert text.startswith(f"{GOOD}\n\nTrả lời: {answer.answer}\n\n“Nhà máy nước Hòa Liên có công suất")
    assert fake.authorization == [f"Bearer {KEY}"]
    assert KEY not in caplog.text
    prompt = fake.bodies[0]["messages"][1]["content"]
    assert QUESTION in prompt and "[1] (Khởi công nhà máy nước Hòa Liên) «Nhà máy nước Hòa Liên" in prompt
    assert fake.bodies[0]["max_tokens"] == 300


@pytest.mark.parametrize("reply, finish, reason", [
    ("Nhà máy nước Hòa Liên có công suất 150.000 m3 mỗi ngày [1].", "stop", "unsupported_fact"),
    ("Nhà máy nước Hòa Liên có công suất 120.000 m3 mỗi ngày [7].", "stop", "bad_citation"),
    ("Mình không biết từ các bài báo này.", "stop", "bad_citation"),
    (STALL, "stop", "timeout"),
    (500, "stop", "error"),
    (429, "stop", "error"),
    ("", "stop", "empty"),
    ("Nhà máy nước Hòa Liên có công suất 120.000 m3 mỗi", "length", "too_long"),
], ids=["hallucinated-number", "missing-paragraph", "uncited", "stall", "500", "429", "empty", "cut-off"])
async def test_anything_else_falls_back_to_the_extractive_answer_in_time(fake, llm_index, embedder, caplog,
                                                                         reply, finish, reason):
    caplog.set_level(logging.DEBUG)
    fake.reply, fake.finish = reply, finish
    answer, elapsed = await ask(conversations(llm_index, embedder, fake.base_url))
    assert (answer.written, answer.fallback) == (None, reason)
    assert states(answer, "120.000") and plain_text(answer).startswith(f"Trả lời: {answer.answer}")
    assert fake.requests == 1 and elapsed < TIMEOUT + 1.5
    assert f"written answer not sent: {reason}" in caplog.text and KEY not in caplog.text


async def test_an_unreachable_server_is_an_error_fallback(llm_index, embedder):
    answer, _ = await ask(conversations(llm_index, embedder, "http://127.0.0.1:9/v1"))
    assert (answer.written, answer.fallback) == (None, "error") and states(answer, "120.000")


async def test_an_off_topic_question_never_reaches_the_model(fake, llm_index, embedder):
    fake.reply = GOOD
    answer, _ = await ask(conversations(llm_index, embedder, fake.base_url), OFF_TOPIC)
    assert (answer.status, answer.written, answer.fallback) == ("not_found", None, "not_answerable")
    assert fake.requests == 0


async def test_off_by_default(llm_index, embedder):
    settings = Settings(_env_file=None, seeds_dir=llm_index / "seeds", index_dir=llm_index / "index")
    answer = await asyncio.to_thread(Conversations(AnswerService(settings, embedder), settings).ask, 1, 1, QUESTION)
    assert (answer.written, answer.fallback) == (None, "off")
    assert answer.to_json("r")["written"] is None and answer.to_json("r")["fallback"] == "off"


async def test_hoibao_ask_json_carries_the_written_answer(fake, llm_index):
    fake.reply = GOOD
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOIBAO_", "TELEGRAM_", "ZALO_"))}
    env.update(HOIBAO_INDEX_DIR=str(llm_index / "index"), HOIBAO_SEEDS_DIR=str(llm_index / "seeds"),
               HOIBAO_LLM_BASE_URL=fake.base_url, HOIBAO_LLM_MODEL="fake-model", HOIBAO_LLM_API_KEY=KEY,
               PYTHONIOENCODING="utf-8")
    process = await asyncio.create_subprocess_exec(
        str(HOIBAO), "ask", "--json", QUESTION, cwd=llm_index, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()
    result = json.loads(out.decode())
    assert (result["written"], result["fallback"]) == (GOOD, None) and "120.000" in result["answer"]
    assert result["reply"].startswith(GOOD) and KEY not in err.decode() + out.decode()


# ---------------------------------------------------------------- concurrency caps


async def test_a_stalling_model_holds_at_most_the_global_cap_and_the_rest_answer_at_once(fake, llm_index, embedder,
                                                                                       caplog):
    caplog.set_level(logging.INFO)
    fake.reply = STALL
    conv = conversations(llm_index, embedder, fake.base_url, llm_timeout_seconds=20, llm_max_concurrent=2)
    holding = [asyncio.create_task(ask(conv, chat=f"chat-{n}")) for n in range(2)]
    await until(lambda: fake.in_flight == 2)
    busy = await asyncio.gather(*(ask(conv, chat=f"other-{n}") for n in range(3)))
    # Answered while the two requests still stall: they never waited for a slot, nor reached the model.
    assert fake.in_flight == 2 and fake.requests == 2
    assert [(a.written, a.fallback) for a, _ in busy] == [(None, "busy")] * 3
    assert all(states(a, "120.000") for a, _ in busy)
    assert plain_text(busy[0][0]).startswith(f"Trả lời: {busy[0][0].answer}")
    assert "written answer not sent: busy" in caplog.text
    fake.reply = GOOD
    fake.release()
    assert [a.written for a, _ in await asyncio.gather(*holding)] == [GOOD, GOOD]
    # The slots are free again.
    again, _ = await ask(conv, chat="later")
    assert again.written == GOOD and fake.most_in_flight == 2


async def test_one_chat_gets_one_request_at_once(fake, llm_index, embedder):
    fake.reply = STALL
    conv = conversations(llm_index, embedder, fake.base_url, llm_timeout_seconds=20)
    first = asyncio.create_task(ask(conv, chat="group"))
    await until(lambda: fake.in_flight == 1)
    second, _ = await ask(conv, chat="group")
    assert (second.written, second.fallback) == (None, "busy") and fake.requests == 1
    elsewhere = asyncio.create_task(ask(conv, chat="private"))  # another chat still reaches the model
    await until(lambda: fake.in_flight == 2)
    fake.reply = GOOD
    fake.release()
    assert (await first)[0].written == GOOD and (await elsewhere)[0].written == GOOD
    assert (await ask(conv, chat="group"))[0].written == GOOD


async def test_a_timed_out_request_gives_its_slot_back(fake, llm_index, embedder):
    fake.reply = STALL
    conv = conversations(llm_index, embedder, fake.base_url, llm_max_concurrent=1)
    assert (await ask(conv))[0].fallback == "timeout"
    fake.reply = GOOD
    fake.release()
    assert (await ask(conv))[0].written == GOOD


@pytest.mark.parametrize("streams", [True, False], ids=["sse", "json"])
@pytest.mark.parametrize("document", [[1], {"choices": "x"}, {"choices": [7]}, {"choices": [{"delta": [1], "message": "x"}]},
                                      {"choices": [{"delta": {"content": 7}, "message": {"content": {"a": 1}}}]}],
                         ids=["list", "str-choices", "int-choice", "list-delta", "not-text"])
async def test_json_of_another_shape_is_an_empty_reply_not_a_crash(fake, streams, document):
    """A proxy's own JSON where a completion should be: the extractive answer stands (fallback 'empty')."""
    fake.streams, fake.reply = streams, Document(document)
    model = ChatModel(fake.base_url, "fake-model", None, TIMEOUT, 100)
    with pytest.raises(WriteFailed) as failed:
        await model.complete([{"role": "user", "content": "?"}])
    assert failed.value.reason == EMPTY


def test_slots_never_wait():
    slots = Slots(total=2, per_chat=1)
    with slots.hold("a") as a, slots.hold("a") as a_again, slots.hold(None) as anyone, slots.hold("b") as b:
        assert (a, a_again, anyone, b) == (True, False, True, False)
        assert slots.in_use == 2
    with slots.hold("a") as a, slots.hold("b") as b:
        assert (a, b) == (True, True)
    assert slots.in_use == 0


# ---------------------------------------------------------------- what a streaming channel hears

FIRST = "Nhà máy nước Hòa Liên có công suất 120.000 m3 mỗi ngày [1]."
SECOND = "Nhà máy do Công ty Cổ phần Cấp nước Đà Nẵng đầu tư [1]."
INVENTED = "Nhà máy được khởi công năm 2019 [1]."


class Heard:
    """A Listener that writes down what it hears, and from which thread."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def started(self, answer) -> None:
        self.events.append(("started", answer.answer))

    def checked(self, text: str) -> None:
        self.events.append(("checked", text))


@pytest.mark.parametrize("streams", [True, False], ids=["sse", "json"])
async def test_a_listener_hears_only_checked_sentences(fake, llm_index, embedder, streams):
    fake.reply, fake.streams = f"{FIRST} {SECOND} {INVENTED}", streams
    heard = Heard()
    answer, _ = await ask(conversations(llm_index, embedder, fake.base_url), listener=heard)
    assert (answer.written, answer.fallback) == (None, "unsupported_fact")
    checked = [FIRST, f"{FIRST} {SECOND}"]
    assert heard.events == [("started", answer.answer)] + [("checked", t) for t in checked[0 if streams else 1:]]
    assert states(answer, "120.000")


async def test_a_listener_hears_nothing_when_the_model_is_not_asked(fake, llm_index, embedder):
    heard = Heard()
    answer, _ = await ask(conversations(llm_index, embedder, fake.base_url), OFF_TOPIC, listener=heard)
    assert answer.fallback == "not_answerable" and heard.events == []


async def test_an_overlong_reply_is_not_sent(fake, llm_index, embedder):
    fake.reply = " ".join([FIRST] * 30)  # checks out, but no three sentences are this long
    answer, _ = await ask(conversations(llm_index, embedder, fake.base_url, llm_max_tokens=2000))
    assert (answer.written, answer.fallback) == (None, "too_long")
