"""The options Ruff and flake8 users reach for, through the real ``mlflow-naming`` command line."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..helpers import BIN, run_tool, write_project

UNNAMED = "import mlflow\nwith mlflow.start_run():\n    pass\n"
# MLN001 at 2:6 (the call), MLN005 at 3:1 (the bare start_run, also unnamed: MLN001 at 3:1).
TWO_RUNS = "import mlflow\nwith mlflow.start_run():\n    pass\nmlflow.start_run()\n"


def check(cwd: Path, *args: str, env=None) -> subprocess.CompletedProcess:
    result = run_tool("mlflow-naming", "check", *args, cwd=cwd, env=env)
    assert b"Traceback" not in result.stdout + result.stderr
    return result


def lines(result: subprocess.CompletedProcess) -> list[str]:
    return result.stdout.decode().splitlines()


def on_terminal(cwd: Path, *args: str, env=None) -> tuple[bytes, int]:
    """Run ``mlflow-naming`` with standard output and error on a pseudo-terminal; (what it wrote, exit code)."""
    leader, follower = pty.openpty()
    full_env = {**os.environ, "TERM": "xterm", **(env or {})}
    full_env.pop("NO_COLOR", None) if "NO_COLOR" not in (env or {}) else None
    full_env.pop("FORCE_COLOR", None)
    process = subprocess.Popen([str(BIN / "mlflow-naming"), *args], cwd=cwd, stdout=follower, stderr=follower, env=full_env)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    return output, process.wait(timeout=60)


def test_check_without_a_path_checks_the_current_folder(tmp_path):
    write_project(tmp_path, {}, {"src/train.py": UNNAMED})
    result = check(tmp_path)
    assert result.returncode == 1
    assert lines(result) == [lines(check(tmp_path, "."))[0]] and lines(result)[0].startswith("src/train.py:2:6: MLN001 ")


def test_show_source_prints_the_line_and_a_caret_under_the_column(tmp_path):
    write_project(tmp_path, {"select": ["MLN001"]}, {"t.py": "import mlflow\nif True:\n\twith mlflow.start_run():\n\t\tpass\n"})
    out = lines(check(tmp_path, "--show-source", "t.py"))
    # The call starts after a tab and "with ": column 7 (1-based); the tab is kept so the caret lines up.
    assert out == ["t.py:3:7: MLN001 " + out[0].split(" MLN001 ")[1], "\twith mlflow.start_run():", "\t     ^"]


def test_output_file_gets_the_report_and_standard_output_nothing(tmp_path):
    write_project(tmp_path, {}, {"t.py": UNNAMED})
    result = check(tmp_path, "--output-format", "json", "-o", "report.json", "t.py")
    assert result.returncode == 1 and result.stdout == b""
    assert '"code": "MLN001"' in (tmp_path / "report.json").read_text()


def test_colour_on_a_terminal_only_and_never_with_no_color(tmp_path):
    write_project(tmp_path, {}, {"t.py": UNNAMED})
    piped = check(tmp_path, "t.py")
    assert b"\x1b[" not in piped.stdout + piped.stderr
    coloured, status = on_terminal(tmp_path, "check", "t.py")
    assert status == 1 and b"\x1b[1mt.py\x1b[0m:2:6: \x1b[1m\x1b[31mMLN001\x1b[0m " in coloured
    plain, status = on_terminal(tmp_path, "check", "t.py", env={"NO_COLOR": "1"})
    assert status == 1 and b"\x1b[" not in plain and b"t.py:2:6: MLN001 " in plain


def test_quiet_prints_findings_and_nothing_else(tmp_path):
    write_project(tmp_path, {}, {"t.py": UNNAMED, "u.py": UNNAMED})
    loud, _ = on_terminal(tmp_path, "check", "--no-cache", "t.py", "u.py")
    assert b"Found 2 findings." in loud
    quiet, status = on_terminal(tmp_path, "check", "--no-cache", "-q", "t.py", "u.py")
    assert status == 1
    assert [line for line in quiet.decode().splitlines() if line] == [
        line for line in loud.decode().splitlines() if "MLN001" in line
    ]


def test_extend_select_and_extend_ignore_add_to_the_configuration(tmp_path):
    write_project(tmp_path, {"ignore": ["MLN005"]}, {"t.py": TWO_RUNS})
    codes = lambda *args: sorted(line.split(": ")[1].split()[0] for line in lines(check(tmp_path, *args, "t.py")))  # noqa: E731
    assert codes() == ["MLN001", "MLN001"]
    assert codes("--extend-select", "MLN005") == ["MLN001", "MLN001", "MLN005"]
    assert codes("--extend-select", "MLN005", "--extend-ignore", "MLN001") == ["MLN005"]
    assert codes("--select", "MLN001", "--extend-select", "MLN005") == ["MLN001", "MLN001", "MLN005"]


def test_show_files_lists_what_would_be_checked(tmp_path):
    write_project(tmp_path, {"extend-exclude": ["generated"]}, {"b.py": "", "a/x.py": "", "generated/g.py": "", "build/y.py": "", "n.txt": ""})
    result = check(tmp_path, "--show-files")
    assert result.returncode == 0 and sorted(lines(result)) == ["a/x.py", "b.py"]


def test_rule_by_name_prints_the_same_as_by_code():
    by_code = run_tool("mlflow-naming", "rule", "MLN001")
    by_name = run_tool("mlflow-naming", "rule", "run-without-name")
    assert by_name.returncode == 0 and by_name.stdout == by_code.stdout and b"MLN001" in by_name.stdout
    unknown = run_tool("mlflow-naming", "rule", "no-such-rule")
    assert unknown.returncode == 2 and len(unknown.stderr.splitlines()) == 1


def test_exclude_replaces_the_default_list_and_extend_exclude_adds_to_it(tmp_path):
    files = {"pipelines/build/train.py": UNNAMED, "generated/t.py": UNNAMED, "src/t.py": UNNAMED}
    write_project(tmp_path, {"extend-exclude": ["generated"]}, files)
    assert [line.split(":")[0] for line in lines(check(tmp_path, "."))] == ["src/t.py"]
    write_project(tmp_path, {"exclude": ["generated"]}, files)
    assert [line.split(":")[0] for line in lines(check(tmp_path, "."))] == ["pipelines/build/train.py", "src/t.py"]


def test_force_exclude_applies_exclude_to_files_named_on_the_command_line(tmp_path):
    write_project(tmp_path, {"extend-exclude": ["generated"]}, {"generated/t.py": UNNAMED})
    assert check(tmp_path, "generated/t.py").returncode == 1  # named explicitly: checked, like Ruff
    skipped = check(tmp_path, "--force-exclude", "generated/t.py")
    assert skipped.returncode == 0 and skipped.stdout == b""


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_gitignore_is_respected_inside_a_git_work_tree(tmp_path):
    files = {"src/t.py": UNNAMED, "out/t.py": UNNAMED, "src/scratch_t.py": UNNAMED, "src/scratch_keep.py": UNNAMED}
    write_project(tmp_path, {}, files)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".gitignore").write_text("out/\n")
    (tmp_path / "src" / ".gitignore").write_text("scratch_*.py\n!scratch_keep.py\n")
    assert sorted(line.split(":")[0] for line in lines(check(tmp_path))) == ["src/scratch_keep.py", "src/t.py"]
    write_project(tmp_path, {"respect-gitignore": False}, {})
    assert len(lines(check(tmp_path))) == 4


def test_each_file_is_reported_once_whatever_its_spellings_or_links(tmp_path):
    write_project(tmp_path, {}, {"train.py": UNNAMED})
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "link.py").symlink_to(tmp_path / "train.py")
    named = check(tmp_path, "train.py", "./train.py", str(tmp_path / "train.py"))
    assert lines(named) == [line for line in lines(named) if line.startswith("train.py:")] and len(lines(named)) == 1
    walked = check(tmp_path, ".")
    assert len(lines(walked)) == 1


def test_jobs_default_to_the_cores_and_give_the_same_report(tmp_path):
    files = {f"m{i:02}.py": UNNAMED for i in range(40)}
    write_project(tmp_path, {}, files)
    help_text = run_tool("mlflow-naming", "check", "--help").stdout.decode()
    assert "default: the number of cores" in " ".join(help_text.split())
    default = check(tmp_path, "--no-cache", ".")
    serial = check(tmp_path, "--no-cache", "-j", "1", ".")
    assert default.stdout == serial.stdout and len(lines(default)) == 40


def test_the_check_path_imports_no_more_than_it_needs(tmp_path):
    """The import set of ``check`` on one file (start-up is what pre-commit and editors pay per file)."""
    (tmp_path / "plain.py").write_text("import os\nprint(os.getcwd())\n")
    (tmp_path / "uses.py").write_text('import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n')
    probe = (
        "import sys\n"
        "from flake8_mlflow_naming.cli import main\n"
        "code = main(['check', sys.argv[1]])\n"  # with the cache, as pre-commit runs it
        "print(' '.join(sorted(sys.modules)))\n"
    )
    never = {"libcst", "mlflow", "json", "xml.etree.ElementTree", "tomllib", "configparser", "pathspec", "concurrent.futures",
             "flake8_mlflow_naming.fix", "flake8_mlflow_naming.audit", "flake8_mlflow_naming.runtime",
             "flake8_mlflow_naming.sources.notebook", "flake8_mlflow_naming.workers", "textwrap",
             "shutil", "hashlib", "tempfile", "regex"}  # fmt: skip
    engine = {"flake8_mlflow_naming.lint.engine", "flake8_mlflow_naming.lint.rules", "flake8_mlflow_naming.lint.resolve"}
    imported = {}
    for name in ("plain.py", "uses.py"):
        done = subprocess.run([sys.executable, "-c", probe, name], cwd=tmp_path, capture_output=True, text=True, check=True)
        imported[name] = set(done.stdout.split()[-1000:])
    assert never & imported["plain.py"] == set()
    # Judging a run name needs the time-bounded regex package and naming (hashlib); MLN001
    # writes suggested names as JSON-escaped literals.
    assert (never - {"json", "regex", "hashlib"}) & imported["uses.py"] == set()
    assert not engine & imported["plain.py"], "a file that never names MLflow must not load the rules"
    assert "flake8_mlflow_naming.lint.findings" not in imported["plain.py"]
    assert engine <= imported["uses.py"]


def test_the_flake8_entry_module_imports_nothing_of_the_engine():
    probe = (
        "import sys\n"
        "import flake8_mlflow_naming.plugin\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('flake8_mlflow_naming'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert set(done.stdout.split()) == {"flake8_mlflow_naming", "flake8_mlflow_naming.plugin", "flake8_mlflow_naming.codes", "flake8_mlflow_naming.flake8_options"}


# --- the findings cache ---------------------------------------------------------------------


def test_cache_lives_at_the_project_root_ignored_by_git(tmp_path):
    write_project(tmp_path, {}, {"src/t.py": UNNAMED})
    first = check(tmp_path / "src", "t.py")
    folder = tmp_path / ".mlflow_naming_cache"
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert [p.name for p in folder.iterdir() if p.name.startswith("findings-")]
    assert check(tmp_path / "src", "t.py").stdout == first.stdout  # warm: the same report


def test_no_cache_writes_nothing_and_the_location_can_move(tmp_path):
    write_project(tmp_path, {"cache-dir": "var/lint"}, {"t.py": UNNAMED})
    check(tmp_path, "--no-cache", "t.py")
    assert not (tmp_path / "var").exists() and not (tmp_path / ".mlflow_naming_cache").exists()
    check(tmp_path, "t.py")
    assert (tmp_path / "var" / "lint" / ".gitignore").is_file()
    elsewhere = tmp_path / "elsewhere"
    check(tmp_path, "t.py", env={"MLFLOW_NAMING_CACHE_DIR": str(elsewhere)})
    assert (elsewhere / ".gitignore").is_file()


def test_cache_never_serves_stale_findings(tmp_path):
    """An edit that keeps size and mtime, a configuration change, a corrupt cache file: all re-linted."""
    write_project(tmp_path, {}, {"t.py": UNNAMED})
    target = tmp_path / "t.py"
    assert "MLN001" in check(tmp_path, "t.py").stdout.decode()
    before = target.stat()
    # Same length, same mtime: only the content hash can tell (the entry was written in the same second).
    target.write_text("import mlflow\n# no run started here\n".ljust(len(UNNAMED) - 1) + "\n")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    assert check(tmp_path, "t.py").stdout == b""  # no run, no finding
    write_project(tmp_path, {"ignore": ["MLN001"]}, {"t.py": UNNAMED})
    assert "MLN001" not in check(tmp_path, "t.py").stdout.decode()
    for cache_file in (tmp_path / ".mlflow_naming_cache").glob("findings-*"):
        cache_file.write_bytes(b"\x80\x05 torn")
    write_project(tmp_path, {}, {"t.py": UNNAMED})
    assert "MLN001" in check(tmp_path, "t.py").stdout.decode()


def test_concurrent_runs_share_the_cache_safely(tmp_path):
    files = {f"m{i:02}.py": UNNAMED for i in range(30)}
    write_project(tmp_path, {}, files)
    expected = run_tool("mlflow-naming", "check", "--no-cache", "-j", "1", ".", cwd=tmp_path).stdout
    runs = [subprocess.Popen([str(BIN / "mlflow-naming"), "check", "-j", "1", "."], cwd=tmp_path, stdout=subprocess.PIPE) for _ in range(4)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert outputs == [expected] * 4
    assert check(tmp_path, ".").stdout == expected
    leftovers = [p.name for p in (tmp_path / ".mlflow_naming_cache").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_the_parser_knows_every_output_format_and_flake8_every_shared_key():
    from flake8_mlflow_naming.cli import options, output
    from flake8_mlflow_naming.config import _KEYS
    from flake8_mlflow_naming.flake8_options import FLAKE8_OPTIONS
    from flake8_mlflow_naming.plugin import _OPTIONS

    assert tuple(output.FORMATS) == options.OUTPUT_FORMATS
    assert set(options.STATISTICS_FORMATS) <= set(output.FORMATS)
    assert {flag[2:] for flag in _OPTIONS} == set(FLAKE8_OPTIONS)
    assert all(key in _KEYS for key, _ in FLAKE8_OPTIONS.values())  # every option is a real pyproject key
