"""The ``mlflow-naming`` command, run as a user runs it (a subprocess)."""

from __future__ import annotations

from ..helpers import FIXTURES, run_tool, write_project

UNNAMED = "import mlflow\nwith mlflow.start_run():\n    pass\n"
CLEAN = 'import mlflow\nwith mlflow.start_run(run_name="resnet50_baseline"):\n    pass\n'


def test_findings_exit_1_with_flake8_style_lines(tmp_path):
    (tmp_path / "train.py").write_text(UNNAMED)
    result = run_tool("mlflow-naming", "check", "train.py", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("train.py:2:6: MLN001 ")
    # The summary goes to standard error even into a pipe, as Ruff's does: MLN001's fix is unsafe.
    assert result.stderr == b"Found 1 finding.\n[*] 0 fixable with `mlflow-naming fix`; 1 more with `--unsafe-fixes`.\n"


def test_clean_exit_0(tmp_path):
    (tmp_path / "train.py").write_text(CLEAN)
    result = run_tool("mlflow-naming", "check", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, b"")


def test_unparsable_file_is_reported_and_others_still_checked(tmp_path):
    (tmp_path / "a_broken.py").write_text("import mlflow\nwith mlflow.start_run(:\n")
    (tmp_path / "b_train.py").write_text(UNNAMED)
    result = run_tool("mlflow-naming", "check", ".", cwd=tmp_path)
    assert result.returncode == 2
    out = result.stdout.decode()
    assert "a_broken.py:2:" in out and ": error: cannot parse" in out
    assert "b_train.py:2:6: MLN001" in out
    assert b"Traceback" not in result.stderr + result.stdout


def test_bad_config_is_one_line_exit_2(tmp_path):
    write_project(tmp_path, {"run-name-regex": "([a-z"}, {"train.py": UNNAMED})
    result = run_tool("mlflow-naming", "check", "train.py", cwd=tmp_path)
    assert result.returncode == 2
    text = result.stdout.decode()
    assert len(text.strip().splitlines()) == 1 and "run-name-regex" in text and "pyproject.toml" in text
    assert result.stderr == b"Found 0 findings; 1 file could not be checked.\n"  # the summary, nothing else


def test_missing_path_and_unknown_option(tmp_path):
    result = run_tool("mlflow-naming", "check", "nope.py", cwd=tmp_path)
    assert result.returncode == 2 and b"nope.py" in result.stdout and b"Traceback" not in result.stderr
    result = run_tool("mlflow-naming", "check", "--select", "E501", ".", cwd=tmp_path)
    assert result.returncode == 2 and len(result.stderr.decode().strip().splitlines()) == 1


def test_stdin_with_display_name(tmp_path):
    result = run_tool("mlflow-naming", "check", "-", "--stdin-filename", "jobs/train.py", cwd=tmp_path, stdin=UNNAMED)
    assert result.returncode == 1
    assert result.stdout.decode().startswith("jobs/train.py:2:6: MLN001")


def test_select_and_ignore(tmp_path):
    (tmp_path / "t.py").write_text("import mlflow\nmlflow.start_run()\n")
    both = run_tool("mlflow-naming", "check", "t.py", cwd=tmp_path).stdout.decode()
    assert "MLN001" in both and "MLN005" in both
    only = run_tool("mlflow-naming", "check", "--select", "MLN005", "t.py", cwd=tmp_path).stdout.decode()
    assert "MLN001" not in only and "MLN005" in only
    ignored = run_tool("mlflow-naming", "check", "--ignore", "MLN001,MLN005", "t.py", cwd=tmp_path)
    assert ignored.returncode == 0


def test_noqa(tmp_path):
    (tmp_path / "t.py").write_text(
        "import mlflow\n"
        "mlflow.start_run()  # noqa\n"
        "mlflow.start_run()  # noqa: MLN001\n"
        "mlflow.start_run()  # noqa: E501\n"
    )
    out = run_tool("mlflow-naming", "check", "t.py", cwd=tmp_path).stdout.decode().splitlines()
    assert [line.split(": ")[1].split()[0] for line in out] == ["MLN005", "MLN001", "MLN005"]
    assert [line.split(":")[1] for line in out] == ["3", "4", "4"]


def test_walk_skips_virtualenvs_and_excludes(tmp_path):
    write_project(tmp_path, {"extend-exclude": ["generated"]}, {"src/t.py": UNNAMED, "generated/t.py": UNNAMED, ".venv/t.py": UNNAMED})
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "pyvenv.cfg").write_text("")
    (tmp_path / "env" / "t.py").write_text(UNNAMED)
    out = run_tool("mlflow-naming", "check", ".", cwd=tmp_path).stdout.decode()
    assert out.count("MLN001") == 1 and "src/t.py" in out


def test_rule_documentation():
    result = run_tool("mlflow-naming", "rule", "MLN003")
    text = result.stdout.decode()
    assert result.returncode == 0 and text.startswith("# MLN003") and "## Fix safety" in text
    assert run_tool("mlflow-naming", "rule", "MLN999").returncode == 2
    listing = run_tool("mlflow-naming", "rule").stdout.decode().splitlines()
    assert [line.split()[0] for line in listing] == [f"MLN{i:03d}" for i in range(1, 16)]


def test_shipped_fixtures_have_findings():
    result = run_tool("mlflow-naming", "check", str(FIXTURES / "eval"))
    assert result.returncode == 1 and b"Traceback" not in result.stderr


def test_parallel_check_prints_exactly_what_serial_check_prints():
    serial = run_tool("mlflow-naming", "check", "-j", "1", str(FIXTURES))
    parallel = run_tool("mlflow-naming", "check", "-j", "2", str(FIXTURES))
    assert serial.returncode == parallel.returncode == 1
    assert serial.stdout == parallel.stdout and serial.stdout.count(b"MLN") > 100
