"""`hoibao eval --llm` against the fake model, on a small SQuAD-format file written here."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from bot.evaluate.run import run_eval
from bot.settings import Settings
from tests.fake_llm import FakeLLM, quote_first_sentence
from tests.test_cli import HOIBAO, run
from tests.test_cli_errors import one_line_error
from tests.test_llm import ARTICLES

CAPACITY = "Công suất của nhà máy nước Hòa Liên là bao nhiêu?"
DIRECTOR = "Ai là giám đốc dự án nhà máy nước Hòa Liên?"
TEAMS = "Lễ hội pháo hoa quốc tế năm nay có bao nhiêu đội tham gia?"
TICKET = "Vé khán đài lễ hội pháo hoa có giá từ bao nhiêu?"
RIVER = "Nhà máy nước Hòa Liên lấy nước thô từ con sông nào ở thượng nguồn?"  # unsure (0.31): never reaches the model
GOLD = {CAPACITY: "120.000 m3", DIRECTOR: "Trần Quốc Bảo", TEAMS: "8 đội", TICKET: "800.000 đồng", RIVER: "sông Cu Đê"}
OTHER = ["Giá vàng SJC hôm nay bao nhiêu một lượng?", "Đội tuyển Việt Nam thắng Thái Lan mấy bàn?"]


def model_reply(body: dict) -> object:
    """A grounded answer, an invented name, a server error, an uncited 'I don't know': by question."""
    question = body["messages"][-1]["content"].splitlines()[0].removeprefix("Question: ")
    return {CAPACITY: quote_first_sentence(body), DIRECTOR: "Ông Nguyễn Văn Tám là giám đốc dự án [1].",
            TEAMS: 500, TICKET: "Mình không biết."}.get(question, 500)


@pytest.fixture
def files(tmp_path):
    """The test articles as a SQuAD file (one paragraph per context), and other-corpus questions."""
    data = []
    for text in ARTICLES.values():
        title, *paragraphs = [p.strip() for p in text.split("\n\n")]
        contexts = []
        for paragraph in paragraphs:
            qas = [{"id": str(len(q)), "question": q, "is_impossible": False,
                    "answers": [{"text": a, "answer_start": paragraph.index(a)}]}
                   for q, a in GOLD.items() if a in paragraph]
            contexts.append({"context": paragraph, "qas": qas})
        data.append({"title": title, "paragraphs": contexts})
    squad, other = tmp_path / "qa.json", tmp_path / "other.jsonl"
    squad.write_text(json.dumps({"version": "v2.0", "data": data}, ensure_ascii=False), "utf-8")
    other.write_text("".join(json.dumps({"q": q}, ensure_ascii=False) + "\n" for q in OTHER), "utf-8")
    return squad, other


@pytest.fixture
async def fake():
    server = FakeLLM()
    await server.start()
    server.reply, server.first_delay = model_reply, 0.2
    yield server
    await server.stop()


async def test_written_answers_are_scored_like_extractive_ones(fake, files, tmp_path, capsys):
    squad, other = files
    settings = Settings(_env_file=None, llm_base_url=fake.base_url, llm_model="fake-model", llm_max_concurrent=2)
    code = await asyncio.to_thread(run_eval, squad, settings, tmp_path / "cache", as_json=True, other=other, llm=True)
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    extractive, written = result["answers"]["as written"], result["written"]
    assert (written["model"], written["concurrency"]) == ("fake-model", 2)
    mine, theirs = written["sets"]["as written"], written["sets"]["questions from other.jsonl"]
    # Only the four answered questions reached the model, two at a time at most.
    assert fake.requests == 4 and fake.most_in_flight == 2
    assert {k: v for k, v in mine.items() if k.startswith("fallback") and v} == {
        "fallback: not_answerable": 0.2, "fallback: error": 0.2, "fallback: bad_citation": 0.2,
        "fallback: unsupported_fact": 0.2}
    assert mine["written sent"] == 0.2 and mine["written holds gold (when sent)"] == 1.0
    assert 0 < mine["F1 written (when sent)"] < 0.5  # a sentence around the gold span
    # What the reader got: the written answer holds "120.000 m3"; so does the extractive answer line,
    # the sentence (a bare "120.000" is never stated: the unit the question's noun implies is missing).
    assert extractive["answer accuracy"] == 0.8 and mine["answer accuracy (as sent)"] == 0.8
    assert mine["model seconds, median"] >= 0.2
    # Questions about another corpus: never answered, never written.
    assert theirs["not answered (unanswerable)"] == 1.0 and theirs["written sent (unanswerable)"] == 0.0
    assert theirs["fallback: not_answerable"] == 1.0


async def test_the_command_prints_the_written_table(fake, files, tmp_path):
    squad, other = files
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOIBAO_", "TELEGRAM_", "ZALO_"))}
    env.update(HOIBAO_LLM_BASE_URL=fake.base_url, HOIBAO_LLM_MODEL="fake-model", PYTHONIOENCODING="utf-8")
    process = await asyncio.create_subprocess_exec(
        str(HOIBAO), "eval", str(squad), "--other", str(other), "--llm", "--cache-dir", str(tmp_path / "cache"),
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()
    table = out.decode().split("Written answers by fake-model (prompt ", 1)[1]
    assert "written sent" in table and "fallback: unsupported_fact" in table and "questions from other.jsonl" in table
    assert fake.requests == 4


def test_llm_without_a_model_is_one_line_naming_the_setting(files, tmp_path, seed_index_dir):
    one_line_error(run(["eval", str(files[0]), "--llm"], cwd=tmp_path, index_dir=seed_index_dir),
                   "HOIBAO_LLM_BASE_URL")
