"""Configuration errors say where the bad setting is (file, line, key), through every front end.

A bad key is a problem of the configuration file, so ``check`` and ``fix`` print it at
``pyproject.toml:LINE:``, not at a position of a checked file it has nothing to do with;
flake8 (which can only report inside a checked file) names the file and line in the message.
Files the configuration names (``wrapper-source``) are read by the loader, once: missing or
broken, they are an error like a bad key; the :class:`Config` object itself reads nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flake8_mlflow_naming.config import Config, ConfigError, ConfigFinder, config_from_table
from flake8_mlflow_naming.wrapper_signature import DEFAULT_SIGNATURE

from .helpers import run_tool

RUN = "import mlflow\nmlflow.start_run()\n"
WRAPPER = "def production_run(config, run_name=None, **kwargs):\n    ...\n"


def _project(root: Path, table_lines: list[str]) -> tuple[Path, int]:
    """A pyproject with other tables around ours; the line number of ``table_lines[-1]``."""
    lines = ["[project]", 'name = "demo"', "", "[tool.mlflow-naming]", "# the team's convention", *table_lines, "", "[tool.other]", "x = 1"]
    pyproject = root / "pyproject.toml"
    pyproject.write_text("\n".join(lines) + "\n")
    (root / "train.py").write_text(RUN)
    return pyproject, lines.index(table_lines[-1]) + 1


def test_an_unknown_key_suggests_the_closest_and_lists_every_valid_key(tmp_path):
    pyproject, line = _project(tmp_path, ['run-name-regx = "^[a-z_]+$"'])
    with pytest.raises(ConfigError) as raised:
        ConfigFinder().for_path(tmp_path / "train.py")
    error = raised.value
    assert (error.config_file, error.line, error.key) == (str(pyproject), line, "run-name-regx")
    message = str(error)
    assert message.startswith(f"{pyproject}:{line}: unknown key 'run-name-regx' in [tool.mlflow-naming]")
    assert "did you mean 'run-name-regex'?" in message
    for key in ("run-name-regex", "run-wrapper", "wrapper-source", "gate-mode"):
        assert key in message.split("valid keys:", 1)[1]


def test_no_suggestion_when_nothing_is_close(tmp_path):
    _project(tmp_path, ["colour = 3"])
    with pytest.raises(ConfigError) as raised:
        ConfigFinder().for_path(tmp_path / "train.py")
    assert "did you mean" not in str(raised.value) and "valid keys: cache-dir" in str(raised.value)


def test_a_quoted_key_with_a_bad_value_is_found_on_its_line(tmp_path):
    pyproject, line = _project(tmp_path, ['run-wrapper = "team.runs.production_run"', '"run-name-max-length" = 0'])
    with pytest.raises(ConfigError) as raised:
        ConfigFinder().for_path(tmp_path / "train.py")
    assert str(raised.value) == f"{pyproject}:{line}: [tool.mlflow-naming] run-name-max-length must be a positive integer"


def test_a_flake8_file_names_the_option_as_it_is_spelled_there(tmp_path):
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = demo\n\n[flake8]\nmax-line-length = 100\nmlflow_run_name_max_length = x\n")
    with pytest.raises(ConfigError) as raised:
        ConfigFinder().for_path(tmp_path / "train.py")
    assert str(raised.value) == f"{tmp_path / 'setup.cfg'}:6: [flake8] mlflow-run-name-max-length must be a positive integer"


@pytest.mark.parametrize(
    ("files", "problem"),
    [({}, "cannot be read (No such file or directory)"), ({"runs.py": "def production_run(:\n"}, "is not valid Python")],
)
def test_a_wrapper_source_that_cannot_be_read_is_a_configuration_error(tmp_path, files, problem):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    pyproject, line = _project(tmp_path, ['run-wrapper = "team.runs.production_run"', 'wrapper-source = "runs.py"'])
    with pytest.raises(ConfigError) as raised:
        ConfigFinder().for_path(tmp_path / "train.py")
    message = str(raised.value)
    assert message.startswith(f"{pyproject}:{line}: [tool.mlflow-naming] wrapper-source 'runs.py' ({tmp_path / 'runs.py'}) ")
    assert message.endswith(problem) or problem in message


def test_the_config_object_is_built_from_data_and_the_loader_reads_the_wrapper(tmp_path):
    package = tmp_path / "team"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "runs.py").write_text(WRAPPER)
    # The constructor reads nothing: not the module found by name, not a missing wrapper-source.
    built = Config(run_wrapper="team.runs.production_run", root=tmp_path)
    assert built.wrapper_signature is DEFAULT_SIGNATURE
    Config(run_wrapper="team.runs.production_run", wrapper_source="missing.py", root=tmp_path)
    # Loading the same settings reads the wrapper's def once and keeps what it learnt.
    loaded = config_from_table({"run-wrapper": "team.runs.production_run"}, tmp_path / "pyproject.toml")
    assert loaded.wrapper_signature.positional_parameters[:2] == ("config", "run_name")
    assert loaded.wrapper_signature != DEFAULT_SIGNATURE


def test_check_and_fix_show_the_bad_key_at_its_line_in_the_config_file(tmp_path):
    pyproject, line = _project(tmp_path, ['run-name-regx = "^[a-z_]+$"'])
    for command in ("check", "fix"):
        result = run_tool("mlflow-naming", command, "train.py", cwd=tmp_path)
        out = result.stdout.decode() + result.stderr.decode()
        assert result.returncode == 2, out
        assert f"{pyproject}:{line}: error: unknown key 'run-name-regx'" in out
        assert "train.py:1:1" not in out and "Traceback" not in out


def test_check_reports_a_missing_wrapper_source_once_with_exit_2(tmp_path):
    pyproject, line = _project(tmp_path, ['run-wrapper = "team.runs.production_run"', 'wrapper-source = "src/runs.py"'])
    (tmp_path / "other.py").write_text(RUN)
    result = run_tool("mlflow-naming", "check", ".", cwd=tmp_path)
    errors = [row for row in result.stdout.decode().splitlines() if ": error: " in row]
    assert result.returncode == 2
    assert errors == [f"{pyproject}:{line}: error: [tool.mlflow-naming] wrapper-source 'src/runs.py' ({tmp_path / 'src/runs.py'}) cannot be read (No such file or directory)"]


def test_flake8_names_the_config_file_and_line_in_its_one_finding(tmp_path):
    pyproject, line = _project(tmp_path, ['run-name-regx = "^[a-z_]+$"'])
    result = run_tool("flake8", "--select", "MLN", "train.py", cwd=tmp_path)
    rows = result.stdout.decode().splitlines()
    assert len(rows) == 1, rows
    assert rows[0].startswith(f"train.py:1:1: MLN000 {pyproject}:{line}: unknown key 'run-name-regx'")
    assert "did you mean 'run-name-regex'?" in rows[0]
