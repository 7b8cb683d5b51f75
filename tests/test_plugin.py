"""The flake8 plugin, driven by the real flake8 in a subprocess."""

from __future__ import annotations

from .helpers import run_tool, write_project

UNNAMED = "import mlflow\nwith mlflow.start_run():\n    pass\n"


def test_plugin_is_registered():
    result = run_tool("flake8", "--version")
    assert b"flake8-mlflow-naming" in result.stdout


def test_stdin_with_display_name_for_a_file_that_does_not_exist(tmp_path):
    result = run_tool("flake8", "--select", "MLN", "--stdin-display-name", "src/ghost.py", "-", cwd=tmp_path, stdin=UNNAMED)
    assert result.returncode == 1
    assert result.stdout.decode().splitlines() == [
        line for line in result.stdout.decode().splitlines() if line.startswith("src/ghost.py:2:6: MLN001 ")
    ] != []
    assert result.stderr == b""


def test_vscode_format(tmp_path):
    (tmp_path / "t.py").write_text(UNNAMED)
    result = run_tool("flake8", "--format=%(row)d,%(col)d,%(code).1s,%(code)s:%(text)s", "--select", "MLN", "-", cwd=tmp_path, stdin=UNNAMED)
    assert result.stdout.decode().startswith("2,6,M,MLN001:run started without a name")


def test_noqa_is_honoured_by_flake8(tmp_path):
    (tmp_path / "t.py").write_text("import mlflow\nwith mlflow.start_run():  # noqa: MLN001\n    pass\n")
    result = run_tool("flake8", "--select", "MLN", "t.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, b"")


def test_flake8_option_overrides_pyproject(tmp_path):
    code = 'import mlflow\nwith mlflow.start_run(run_name="Exp-1"):\n    pass\n'
    write_project(tmp_path, {"run-name-regex": "^[a-z_]+$"}, {"t.py": code})
    assert b"MLN003" in run_tool("flake8", "--select", "MLN", "t.py", cwd=tmp_path).stdout
    result = run_tool("flake8", "--select", "MLN", "--mlflow-run-name-regex", "^[A-Z][a-z]+-[0-9]+$", "t.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, b"")


def test_mlflow_version_and_aliases_options(tmp_path):
    # start_run's fifth positional slot is tags before 2.15 and parent_run_id from 2.15 on.
    (tmp_path / "t.py").write_text(
        'import mlflow\nwith mlflow.start_run(None, None, "ok_name", False, {"mlflow.runName": "Bad Name"}):\n    pass\n'
    )
    assert b"MLN003" in run_tool("flake8", "--select", "MLN", "--mlflow-version", "2.14", "t.py", cwd=tmp_path).stdout
    assert run_tool("flake8", "--select", "MLN", "--mlflow-version", "3", "t.py", cwd=tmp_path).stdout == b""
    (tmp_path / "u.py").write_text("from mlflow_extend import mlflow\nwith mlflow.start_run():\n    pass\n")
    assert run_tool("flake8", "--select", "MLN", "u.py", cwd=tmp_path).stdout == b""
    result = run_tool("flake8", "--select", "MLN", "--mlflow-aliases", "mlflow_extend", "u.py", cwd=tmp_path)
    assert b"u.py:2:6: MLN001" in result.stdout


def test_options_from_setup_cfg(tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\nmlflow-run-wrapper = ml_platform.tracking.production_run\n")
    (tmp_path / "t.py").write_text('import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n')
    result = run_tool("flake8", "--select", "MLN", "t.py", cwd=tmp_path)
    assert b"MLN002" in result.stdout


def test_bad_option_becomes_mln000_not_a_traceback(tmp_path):
    (tmp_path / "t.py").write_text(UNNAMED)
    result = run_tool("flake8", "--select", "MLN", "--mlflow-run-name-regex", "([a-z", "t.py", cwd=tmp_path)
    out = result.stdout.decode()
    assert out.startswith("t.py:1:1: MLN000 ") and "--mlflow-run-name-regex" in out
    assert result.stderr == b""


def test_bad_pyproject_becomes_mln000(tmp_path):
    write_project(tmp_path, {"run-name-max-length": -1}, {"t.py": UNNAMED})
    result = run_tool("flake8", "--select", "MLN", "t.py", cwd=tmp_path)
    assert result.stdout.decode().startswith("t.py:1:1: MLN000 ") and result.stderr == b""


def test_plugin_does_not_read_the_file(tmp_path):
    """flake8 gives the tree; the plugin must not open the path (stdin of a different text)."""
    (tmp_path / "t.py").write_text('import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n')
    result = run_tool("flake8", "--select", "MLN", "--stdin-display-name", "t.py", "-", cwd=tmp_path, stdin=UNNAMED)
    assert b"MLN001" in result.stdout


def test_flake8_options_for_the_new_rules(tmp_path):
    (tmp_path / "t.py").write_text(
        'import mlflow\nmlflow.set_experiment("/Shared/churn")\n'
        'with mlflow.start_run(run_name="a_b", tags={"team": "x"}):\n    pass\n'
    )
    plain = run_tool("flake8", "--select", "MLN", "t.py", cwd=tmp_path).stdout.decode()
    assert [line.split()[1] for line in plain.splitlines()] == ["MLN007"]
    result = run_tool(
        "flake8", "--select", "MLN", "--mlflow-experiment-name-regex", "^/Shared/[a-z]+$",
        "--mlflow-required-tags", "team,project", "t.py", cwd=tmp_path,
    )  # fmt: skip
    out = result.stdout.decode()
    assert [line.split()[1] for line in out.splitlines()] == ["MLN012"] and "'project'" in out
