"""`hoibao run` without a token: builds the index if there is none, then a console chat."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT, SEEDS


def test_run_without_token_builds_the_index_and_chats(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "HOIBAO_"))}
    env.update(HOIBAO_INDEX_DIR=str(tmp_path / "index"), HOIBAO_SEEDS_DIR=str(SEEDS), PYTHONPATH=str(ROOT))
    chat = "Bí thư Đảng ủy phường Phước Mỹ là ai?\nCòn phường An Hải Tây thì sao?\n😀\nGiá vàng hôm nay?\n"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], input=chat, capture_output=True, text=True,
        cwd=tmp_path, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Indexed 1 article, " in done.stderr
    out = done.stdout
    assert "Trả lời: Nguyễn Huy Bình" in out
    assert "Trả lời: Phạm Đình Nam" in out
    assert "Mình chỉ hiểu câu hỏi bằng chữ" in out
    assert "không nói về điều này" in out
    assert (tmp_path / "index" / "current" / "manifest.json").exists()
