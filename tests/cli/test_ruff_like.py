"""The command line a Ruff user expects: ``fix`` takes ``check``'s output options, ``check --fix``,
fixable markers and counts, ``--show-fixes``, a warning for paths with nothing to check, and
"did you mean" for a mistyped code. Every case runs the installed ``mlflow-naming``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..helpers import run_tool

# MLN006 (nested=True) is a safe fix; MLN001 (an invented name) and MLN003 (a rename) are unsafe.
SOURCE = (
    "import mlflow\n"
    "def train():\n"
    '    with mlflow.start_run(run_name="parent_run"):\n'
    '        with mlflow.start_run(run_name="child_run"):\n'
    "            pass\n"
    "    with mlflow.start_run():\n"
    "        pass\n"
    '    with mlflow.start_run(run_name="Bad Name"):\n'
    "        pass\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "train.py").write_text(SOURCE)
    return tmp_path


def tool(cwd: Path, *args: str):
    result = run_tool("mlflow-naming", *args, cwd=cwd)
    assert b"Traceback" not in result.stdout + result.stderr
    return result


def findings_as_json(cwd: Path) -> list[dict]:
    return json.loads(tool(cwd, "check", "--no-cache", "--output-format", "json", ".").stdout)


def test_the_summary_counts_safe_and_unsafe_fixes_on_stderr_into_a_pipe(project):
    findings = findings_as_json(project)
    safe = sum(1 for f in findings if f["fix"] and f["fix"]["applicability"] == "safe")
    unsafe = sum(1 for f in findings if f["fix"] and f["fix"]["applicability"] == "unsafe")
    assert safe and unsafe
    result = tool(project, "check", "--no-cache", ".")
    assert result.stderr.decode().splitlines() == [
        f"Found {len(findings)} findings.",
        f"[*] {safe} fixable with `mlflow-naming fix`; {unsafe} more with `--unsafe-fixes`.",
    ]
    # Each finding with a safe fix is marked as Ruff marks it; no other is.
    marked = [line for line in result.stdout.decode().splitlines() if " [*] " in line]
    assert len(marked) == safe and all(": MLN006 [*] " in line for line in marked)


def test_fix_defaults_to_the_current_folder_and_takes_the_output_options(project):
    result = tool(project, "fix", "--output-format", "json")
    assert "nested=True" in (project / "train.py").read_text()
    left = json.loads(result.stdout)  # the findings left, as one JSON document
    assert {f["code"] for f in left} == {"MLN001", "MLN003"}
    assert result.stderr.decode().endswith("1 file changed, 1 fix applied, 2 findings left; 2 more fixable with `--unsafe-fixes`\n")
    assert result.returncode == 1


def test_fix_exit_zero_quiet_show_source_and_statistics(project):
    quiet = tool(project, "fix", "-q", "--exit-zero", "--show-source", ".")
    assert quiet.returncode == 0
    lines = quiet.stdout.decode().splitlines()
    assert "fix applied" not in quiet.stdout.decode() + quiet.stderr.decode()  # -q: no summary
    assert any(line.strip() == 'with mlflow.start_run(run_name="Bad Name"):' for line in lines)  # the source line
    statistics = tool(project, "fix", "--statistics", ".")
    rows = [line.split("\t") for line in statistics.stdout.decode().splitlines()]
    assert sorted((code, count) for count, code, _name in rows) == [("MLN001", "1"), ("MLN003", "1")]


def test_check_fix_works_as_in_ruff(project):
    result = tool(project, "check", "--fix", "--show-fixes", ".")
    assert result.returncode == 1
    assert "nested=True" in (project / "train.py").read_text()
    out = result.stdout.decode()
    assert "Fixed 1 finding:" in out and "1 × MLN006 (nested-run-without-nested)" in out
    assert out.count("MLN001 ") == 1 and out.count("MLN003 ") == 1
    unsafe = tool(project, "check", "--fix", "--unsafe-fixes", ".")
    assert unsafe.returncode == 0 and 'run_name="bad_name"' in (project / "train.py").read_text()


def test_check_show_fixes_names_each_fix_and_its_safety(project):
    out = tool(project, "check", "--no-cache", "--show-fixes", ".").stdout.decode().splitlines()
    fixes = [line.strip() for line in out if line.startswith("    fix: ")]
    assert "fix: Add nested=True" in fixes
    assert any(line.startswith("fix: Rename to 'bad_name'") and line.endswith("(unsafe: needs --unsafe-fixes)") for line in fixes)


def test_unsafe_fixes_without_fix_is_an_error(project):
    result = tool(project, "check", "--unsafe-fixes", ".")
    assert result.returncode == 2 and result.stderr.count(b"\n") == 1


@pytest.mark.parametrize("command", ["check", "fix"])
def test_a_path_with_no_python_files_warns(tmp_path, command):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.md").write_text("# notes\n")
    result = tool(tmp_path, command, "docs")
    assert result.returncode == 0
    assert b"warning: no Python files or notebooks found under docs" in result.stderr


@pytest.mark.parametrize(
    ("typed", "meant"), [("MLN0001", "MLN001"), ("run-name-schema", "MLN003"), ("3", "MLN003"), ("mln06", "MLN006")]
)
def test_an_unknown_select_code_says_did_you_mean_and_lists_the_codes(project, typed, meant):
    result = tool(project, "check", "--select", typed, ".")
    assert result.returncode == 2
    (line,) = result.stderr.decode().splitlines()
    assert f"did you mean {meant}?" in line
    assert "valid codes: MLN001, MLN002" in line


def test_add_noqa_silences_every_finding_where_flake8_reads_it(tmp_path):
    text = SOURCE + 'with mlflow.start_run(run_name="""Bad\nName"""):  # noqa: E501\n    pass\n'
    (tmp_path / "train.py").write_text(text)
    (tmp_path / "train.py").chmod(0o640)
    before = findings_as_json(tmp_path)
    assert before
    added = tool(tmp_path, "check", "--add-noqa", ".")
    assert added.returncode == 0
    lines_with_findings = {f["location"]["row"] for f in before}
    assert added.stderr.decode().strip().endswith(f"Added {len(lines_with_findings)} noqa directives.")
    assert findings_as_json(tmp_path) == []
    flake8 = run_tool("flake8", "--select", "MLN", "train.py", cwd=tmp_path)
    assert flake8.returncode == 0 and flake8.stdout == b""  # flake8 honours the same comments
    new = (tmp_path / "train.py").read_text()
    assert '"""Bad\nName"""):  # noqa: E501, MLN003\n' in new  # after the string, joined to the existing list
    assert (tmp_path / "train.py").stat().st_mode & 0o777 == 0o640
    # Nothing else changed: removing the comments gives the file back.
    import re

    assert re.sub(r"  # noqa: (MLN\d+(, )?)+", "", new).replace(", MLN003", "") == text
