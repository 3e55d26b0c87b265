"""Per-install secrets: every process that starts together reads the same, whole value."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

from logokraft_kit.datadir import secret


def _read(data_dir: str) -> str:
    return secret(Path(data_dir), "race")


def test_processes_starting_together_agree_on_one_whole_secret(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        for attempt in range(15):  # a fresh data dir each round: every round races to create
            data_dir = str(tmp_path / f"dir-{attempt}")
            values = pool.map(_read, [data_dir] * 8)
            assert len(set(values)) == 1 and len(values[0]) >= 32, values
    leftovers = [p.name for p in tmp_path.rglob(".race.*")]
    assert not leftovers, "no temporary file is left behind"


def test_a_secret_is_private_and_stable(tmp_path: Path) -> None:
    first = secret(tmp_path, "key")
    assert secret(tmp_path, "key") == first
    mode = (tmp_path / "secrets" / "key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
