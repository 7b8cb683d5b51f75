"""A real signal in the middle of ``fix -j 2`` over 1,000 files loses nothing.

Every file ends either byte-identical to before or completely fixed, and no temporary
file is left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from flake8_mlflow_naming.config import Config
from flake8_mlflow_naming.fix.loop import FixOptions, FixResult, fix_source

from ..helpers import BIN

SOURCE = (
    "import mlflow\n"
    "\n"
    "with mlflow.start_run(run_name='outer_run'):\n"
    "    with mlflow.start_run(run_name='inner_run'):\n"
    "        mlflow.log_metric('loss', 0.1)\n"
)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_mid_fix_leaves_every_file_whole(tmp_path, signum):
    fixed = fix_source(SOURCE.encode(), "m.py", Config(), FixOptions(), FixResult("m.py"))
    assert fixed != SOURCE.encode()
    for number in range(1000):
        folder = tmp_path / f"pkg{number // 100}"
        folder.mkdir(exist_ok=True)
        (folder / f"m{number}.py").write_text(SOURCE)
    process = subprocess.Popen(
        [str(BIN / "mlflow-naming"), "fix", "-j", "2", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if sum(1 for p in tmp_path.rglob("*.py") if p.read_bytes() != SOURCE.encode()) >= 20:
            break
        time.sleep(0.02)
    if process.poll() is None:
        os.killpg(process.pid, signum)  # like Ctrl-C in a terminal: the whole process group
    _, stderr = process.communicate(timeout=120)
    states = {"original": 0, "fixed": 0}
    for path in tmp_path.rglob("*.py"):
        content = path.read_bytes()
        assert content in (SOURCE.encode(), fixed), path
        states["original" if content == SOURCE.encode() else "fixed"] += 1
    assert sum(states.values()) == 1000
    assert states["fixed"] >= 20
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".mlflow-naming.tmp")]
    assert b"Traceback" not in stderr
    if states["original"]:  # the signal really landed mid-run
        assert process.returncode == 130, stderr
