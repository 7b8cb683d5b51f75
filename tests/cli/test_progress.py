"""The progress bar: drawn on a terminal (a real pseudo-terminal), absent on a pipe."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import tempfile
from pathlib import Path

import pytest

from flake8_mlflow_naming.cli.progress import Progress

from ..helpers import BIN

NESTED = "import mlflow\nwith mlflow.start_run(run_name='a_b'):\n    with mlflow.start_run(run_name='c_d'):\n        pass\n"


@pytest.fixture
def many(tmp_path: Path) -> Path:
    for i in range(40):
        (tmp_path / f"train_{i:02}.py").write_text(NESTED)
    return tmp_path


def run_on_terminal(cwd: Path, *args: str) -> tuple[int, bytes, bytes]:
    """Run ``mlflow-naming`` with standard error on a pseudo-terminal; (exit code, stdout, terminal output)."""
    master, slave = pty.openpty()
    with tempfile.TemporaryFile() as stdout:
        process = subprocess.Popen([str(BIN / "mlflow-naming"), *args], cwd=cwd, stdout=stdout, stderr=slave)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        os.close(master)
        code = process.wait(timeout=120)
        stdout.seek(0)
        return code, stdout.read(), b"".join(chunks)


@pytest.mark.parametrize("command", [("fix", "--diff"), ("migrate", "--diff"), ("check",)])
def test_bar_on_a_terminal(many, command):
    code, stdout, terminal = run_on_terminal(many, *command, ".")
    assert code == 1
    assert b"\r[                    ] 0/40 files" in terminal
    assert b"\r[####################] 40/40 files" in terminal
    bar_end = terminal.rindex(b"40/40 files")
    # Erased at the end: blanks over the bar, back to the start of the line, then the summary (if any).
    assert terminal[bar_end:].startswith(b"40/40 files\r" + b" " * len(b"[####################] 40/40 files") + b"\r")
    if command[0] == "check":
        assert stdout.count(b"MLN006") == 40 and b"\r" not in stdout
    else:
        report = terminal[bar_end:].split(b"\r", 2)[2]  # after the erased bar: the report, untouched
        assert b"[" not in report and report.endswith(b"40 files would change, 40 fixes applied, 0 findings left\r\n")


@pytest.mark.parametrize("command", [("fix", "--diff"), ("check",)])
def test_nothing_extra_on_a_pipe(many, command):
    result = subprocess.run([str(BIN / "mlflow-naming"), *command, "."], cwd=many, capture_output=True, timeout=120, check=False)
    assert result.returncode == 1
    assert b"\r" not in result.stderr + result.stdout and b"files\n" not in result.stderr.replace(b"would change", b"")
    if command[0] == "check":  # the summary only (every MLN006 has a safe fix)
        assert result.stderr == b"Found 40 findings.\n[*] 40 fixable with `mlflow-naming fix`; 0 more with `--unsafe-fixes`.\n"
    else:
        assert result.stderr == b"40 files would change, 40 fixes applied, 0 findings left\n"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_redraws_at_most_ten_times_a_second():
    now = [0.0]
    terminal = FakeTerminal()
    progress = Progress(terminal, clock=lambda: now[0])
    progress.start(1000)
    for _ in range(999):
        now[0] += 0.001  # a file a millisecond: one second in all
        progress.advance()
    progress.advance()
    frames = terminal.getvalue().split("\r")[1:]
    assert 10 <= len(frames) <= 12  # the first, about one per 0.1 s, and the last
    assert frames[0] == "[                    ] 0/1000 files"
    assert frames[-1] == "[####################] 1000/1000 files"
    progress.clear()
    assert terminal.getvalue().endswith("\r" + " " * len(frames[-1]) + "\r")


def test_silent_when_not_a_terminal_or_a_single_file():
    stream = io.StringIO()
    list(Progress(stream).track(range(100), 100))
    assert stream.getvalue() == ""
    terminal = FakeTerminal()
    list(Progress(terminal).track(range(1), 1))
    assert terminal.getvalue() == ""
