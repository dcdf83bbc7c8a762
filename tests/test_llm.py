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

from bot.chat import Conversations
from bot.render import plain_text
from bot.service import AnswerService
from bot.settings import Settings
from tests.conftest import index_of
from tests.fake_llm import STALL, FakeLLM

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


def conversations(llm_index: Path, embedder, base_url: str) -> Conversations:
    settings = Settings(_env_file=None, seeds_dir=llm_index / "seeds", index_dir=llm_index / "index",
                        llm_base_url=base_url, llm_model="fake-model", llm_api_key=KEY,
                        llm_timeout_seconds=TIMEOUT)
    return Conversations(AnswerService(settings, embedder), settings)


async def ask(conv: Conversations, question: str = QUESTION):
    started = time.perf_counter()
    answer = await asyncio.to_thread(conv.ask, "chat-1", "user-1", question)
    return answer, time.perf_counter() - started


@pytest.mark.parametrize("streams", [True, False], ids=["sse", "json"])
async def test_a_grounded_answer_is_sent_first_with_the_source_under_it(fake, llm_index, embedder, caplog, streams):
    caplog.set_level(logging.DEBUG)
    fake.reply, fake.streams = GOOD, streams
    answer, _ = await ask(conversations(llm_index, embedder, fake.base_url))
    assert (answer.written, answer.fallback) == (GOOD, None)
    assert answer.answer == "120.000"
    text = plain_text(answer)
    assert text.startswith(GOOD + "\n\nTrả lời: 120.000\n\n“Nhà máy nước Hòa Liên có công suất")
    assert fake.authorization == [f"Bearer {KEY}"]
    assert KEY not in caplog.text
    prompt = fake.bodies[0]["messages"][1]["content"]
    assert QUESTION in prompt and "[1] (Khởi công nhà máy nước Hòa Liên) Nhà máy nước Hòa Liên" in prompt
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
    assert answer.answer == "120.000" and plain_text(answer).startswith("Trả lời: 120.000")
    assert fake.requests == 1 and elapsed < TIMEOUT + 1.5
    assert f"written answer not sent: {reason}" in caplog.text and KEY not in caplog.text


async def test_an_unreachable_server_is_an_error_fallback(llm_index, embedder):
    answer, _ = await ask(conversations(llm_index, embedder, "http://127.0.0.1:9/v1"))
    assert (answer.written, answer.fallback, answer.answer) == (None, "error", "120.000")


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
    assert (result["written"], result["fallback"], result["answer"]) == (GOOD, None, "120.000")
    assert result["reply"].startswith(GOOD) and KEY not in err.decode() + out.decode()
