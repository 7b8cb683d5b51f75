"""No traceback from any subcommand: unreadable folders, broken pipes, pathological regexes, bad config.

Each case runs the real ``mlflow-naming`` (or flake8) in a subprocess and asserts one clear
line and the documented exit code.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flake8_mlflow_naming.patterns import PatternTimeout, fullmatch

from ..helpers import BIN, REPO, run_tool, write_project

UNNAMED = "import mlflow\nmlflow.start_run()\n"
NESTED = "import mlflow\n\nwith mlflow.start_run(run_name='outer_run'):\n    with mlflow.start_run(run_name='inner_run'):\n        pass\n"
#: Exponential for Python's ``re`` and for ``regex`` alike on a near-miss name.
CATASTROPHIC = "^(a|aa)+$"


def as_nobody(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The command line as user nobody (tests/as_user.py drops root with os.setuid)."""
    return subprocess.run(
        [sys.executable, "-m", "tests.as_user", "65534", *args], cwd=cwd, capture_output=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to drop to nobody (root reads every folder)")
@pytest.mark.parametrize("command", ["check", "fix"])
def test_an_unreadable_folder_is_one_error_line_exit_2(tmp_path, command):
    folder = Path("/tmp") / f"mlflow-naming-secret-{os.getpid()}-{command}"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "secret").mkdir(parents=True)
    try:
        folder.chmod(0o777)
        (folder / "ok.py").write_text(UNNAMED)
        (folder / "ok.py").chmod(0o666)
        (folder / "secret" / "train.py").write_text(UNNAMED)
        (folder / "secret").chmod(0o700)  # root's: nobody may not list or enter it
        expected = {
            ".": "secret:1:1: error: cannot read folder: Permission denied",
            "secret": "secret:1:1: error: cannot read folder: Permission denied",
            "secret/train.py": "secret/train.py:1:1: error: cannot read: Permission denied",
        }
        for target, line in expected.items():
            result = as_nobody(command, target, cwd=folder)
            output = (result.stdout + result.stderr).decode()
            assert "Traceback" not in output, output
            assert result.returncode == 2, output  # an error, not "findings" (1) and not "clean" (0)
            assert [text for text in output.splitlines() if text.startswith("secret")] == [line], output
            if target == ".":
                assert "ok.py:2:1: MLN001" in output  # the readable file is still checked
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("args", [["check", "."], ["fix", "--diff", "."]], ids=["check", "fix-diff"])
def test_a_closed_pipe_ends_quietly(tmp_path, args):
    """``mlflow-naming check . | head -1``: the reader leaves after one line."""
    many = NESTED + "".join(f"\nwith mlflow.start_run(run_name='outer_{n}_run'):\n    with mlflow.start_run(run_name='inner_{n}_run'):\n        pass\n" for n in range(20))
    for number in range(100):  # far more than a pipe's 64 KB buffer
        (tmp_path / f"m{number:03}.py").write_text(many)
    process = subprocess.Popen([str(BIN / "mlflow-naming"), *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()  # what head does after its line
    stderr = process.stderr.read()
    process.wait(timeout=120)
    assert first
    assert b"Traceback" not in stderr and b"BrokenPipe" not in stderr, stderr.decode()
    assert process.returncode == 0 and stderr == b"", stderr.decode()


def test_a_catastrophic_regex_is_one_config_line_not_a_hang(tmp_path):
    write_project(tmp_path, {"run-name-regex": CATASTROPHIC}, {"train.py": "import mlflow\nmlflow.start_run(run_name='" + "a" * 35 + "!')\n"})
    for command in (["check", "train.py"], ["fix", "train.py"]):
        started = time.monotonic()
        result = run_tool("mlflow-naming", *command, cwd=tmp_path)
        output = (result.stdout + result.stderr).decode()
        assert time.monotonic() - started < 30
        assert result.returncode == 2 and "Traceback" not in output
        lines = output.strip().splitlines()
        errors = [line for line in lines if "error" in line]
        assert len(errors) == 1 and "run-name-regex" in errors[0] and "backtracks catastrophically" in errors[0], output
        assert "completely fixed" not in output
    result = run_tool("flake8", "--select", "MLN", "train.py", cwd=tmp_path)
    assert result.stdout.decode().startswith("train.py:1:1: MLN000 ") and b"run-name-regex" in result.stdout


def test_the_issue_regex_no_longer_hangs(tmp_path):
    """``^(a+)+$`` with a 35-character near miss hung ``re``; ``regex`` answers at once."""
    write_project(tmp_path, {"run-name-regex": "^(a+)+$"}, {"train.py": "import mlflow\nwith mlflow.start_run(run_name='" + "a" * 35 + "!'):\n    pass\n"})
    result = run_tool("mlflow-naming", "check", "train.py", cwd=tmp_path)
    assert result.returncode == 1 and b"MLN003" in result.stdout


def test_a_match_that_runs_out_of_time_names_the_key():
    """The safety net behind the load-time probe: every match has a time bound."""
    with pytest.raises(PatternTimeout, match=r"run-name-regex '\^\(a\|aa\)\+\$' took more than 0.2 s"):
        fullmatch(CATASTROPHIC, "a" * 60 + "!", "run-name-regex", timeout=0.2)


def test_a_config_error_is_printed_once_not_once_per_file(tmp_path):
    files = {f"m{number}.py": UNNAMED for number in range(5)}
    files.update({f"plain{number}.py": "x = 1\n" for number in range(5)})  # never mention mlflow
    write_project(tmp_path, {"run-name-max-length": -1}, files)
    for command in ("check", "fix"):
        result = run_tool("mlflow-naming", command, ".", cwd=tmp_path)
        output = (result.stdout + result.stderr).decode()
        assert result.returncode == 2
        assert sum("run-name-max-length" in line for line in output.splitlines()) == 1, output


def test_interrupting_check_does_not_talk_about_fixing(tmp_path):
    for number in range(3000):
        (tmp_path / f"m{number:04}.py").write_text(NESTED)
    process = subprocess.Popen([str(BIN / "mlflow-naming"), "check", "."], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while process.stdout.readline().count(b"MLN006") == 0:
        pass
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.decode().strip().splitlines()[-1] == "mlflow-naming: interrupted", err


@pytest.mark.parametrize(
    "args, words",
    [
        (["audit", "--tracking-uri", "sqlite:///x.db", "--stale-after", "-5"], "--stale-after: must be a number of hours, 0 or more"),
        (["check", "--select", ",", "."], "--select"),
        (["check", "--stdin-filename", "x.py", "."], "--stdin-filename works only with '-'"),
        (["fix", "--stdin-filename", "x.py", "."], "--stdin-filename works only with '-'"),
    ],
)
def test_small_validation_gaps_are_one_line_exit_2(tmp_path, args, words):
    (tmp_path / "m.py").write_text(UNNAMED)
    result = run_tool("mlflow-naming", *args, cwd=tmp_path)
    output = (result.stdout + result.stderr).decode()
    assert result.returncode == 2, output
    assert len(output.strip().splitlines()) == 1 and words in output, output
    assert (tmp_path / "m.py").read_text() == UNNAMED
