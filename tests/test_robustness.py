"""Bad input and safety, through the real ``mlflow-naming`` in a subprocess.

Every case puts one bad input next to a good file that has a safe fix, runs ``check`` and
``fix``, and asserts: one clear line about the bad input, the documented exit code, no
traceback, the good file still checked and fixed, and the bad file byte for byte as it was.
Note the exact prefilter (engine.could_have_findings): a file that cannot hold a finding is
not parsed, so the broken files here all mention an MLflow call.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from .helpers import BIN, run_tool

#: A file with one finding whose fix is safe (MLN006: add nested=True), so ``fix`` changes it.
OTHER = b"import mlflow\n\nwith mlflow.start_run(run_name='outer_run'):\n    with mlflow.start_run(run_name='inner_run'):\n        pass\n"
OTHER_FIXED = OTHER.replace(b"run_name='inner_run')", b"run_name='inner_run', nested=True)")
#: Something fixable, to put inside otherwise odd files.
FIXABLE = "with mlflow.start_run(run_name='outer_run'):\n    with mlflow.start_run(run_name='inner_run'):\n        pass\n"


def _run(command: str, *paths: str, cwd: Path, extra: tuple[str, ...] = ()) -> tuple[int, str]:
    result = run_tool("mlflow-naming", command, *extra, *paths, cwd=cwd)
    output = result.stdout + result.stderr
    assert b"Traceback" not in output, output.decode(errors="replace")
    return result.returncode, output.decode("utf-8", errors="replace")


def _lines_about(output: str, name: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(name + ":")]


def _assert_one_error(output: str, name: str, words: str) -> None:
    lines = _lines_about(output, name)
    assert len(lines) == 1, output
    assert ": error: " in lines[0] and words in lines[0], lines[0]


def _assert_other_processed(output: str, tmp_path: Path, command: str) -> None:
    if command == "check":
        assert "other.py:4:10: MLN006" in output, output
    else:
        assert (tmp_path / "other.py").read_bytes() == OTHER_FIXED


# --- files that are errors: exit 2, one line, untouched ----------------------------------

ERROR_CASES = {
    "syntax_error": (b"import mlflow\nmlflow.start_run(\n", "cannot parse"),
    "python2_print": (b"import mlflow\nprint 'x'\nmlflow.start_run()\n", "cannot parse"),
    "null_bytes": (b"import mlflow\x00\nmlflow.start_run()\n", "null bytes"),
    "invalid_utf8": (b"import mlflow\nx = '\xff\xfe'\nmlflow.start_run()\n", "utf-8"),
    "bad_coding_cookie": (b"# -*- coding: klingon -*-\nimport mlflow\nmlflow.start_run()\n", "cannot"),
    "deep_parentheses": (b"import mlflow\nmlflow.start_run()\nx = " + b"(" * 1000 + b")" * 1000 + b"\n", "nested"),
    "deep_ifs": (
        b"import mlflow\n" + b"".join(b" " * i + b"if x:\n" for i in range(200)) + b" " * 200 + b"mlflow.start_run()\n",
        "indentation",
    ),
    "very_long_chain": (b"import mlflow\nmlflow.start_run(run_name=" + b"+".join([b"a"] * 5000) + b")\n", "nested"),
}


@pytest.mark.parametrize("command", ["check", "fix"])
@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_unanalysable_file_is_one_error_line_and_left_alone(tmp_path, case, command):
    content, words = ERROR_CASES[case]
    (tmp_path / "bad.py").write_bytes(content)
    (tmp_path / "other.py").write_bytes(OTHER)
    code, output = _run(command, "bad.py", "other.py", cwd=tmp_path, extra=("--unsafe-fixes",) if command == "fix" else ())
    assert code == 2, output
    _assert_one_error(output, "bad.py", words)
    assert (tmp_path / "bad.py").read_bytes() == content
    _assert_other_processed(output, tmp_path, command)


def test_png_passed_explicitly_is_an_error(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    (tmp_path / "logo.png").write_bytes(png)
    (tmp_path / "other.py").write_bytes(OTHER)
    for command in ("check", "fix"):
        code, output = _run(command, "logo.png", "other.py", cwd=tmp_path)
        assert code == 2, output
        _assert_one_error(output, "logo.png", "cannot")
        assert (tmp_path / "logo.png").read_bytes() == png
        _assert_other_processed(output, tmp_path, command)


def test_long_chain_is_checked_and_too_deep_for_libcst_is_left_alone(tmp_path):
    """A 600-term ``a + a + ...`` compiles in Python: check analyses it; LibCST cannot fix it."""
    content = b"import mlflow\nwith mlflow.start_run():\n    x = " + b" + ".join([b"a"] * 600) + b"\n"
    (tmp_path / "chain.py").write_bytes(content)
    (tmp_path / "other.py").write_bytes(OTHER)
    code, output = _run("check", "chain.py", "other.py", cwd=tmp_path)
    assert code == 1, output
    assert "chain.py:2:6: MLN001" in output
    code, output = _run("fix", "--unsafe-fixes", "chain.py", "other.py", cwd=tmp_path)
    assert code == 2, output
    errors = [line for line in _lines_about(output, "chain.py") if ": error: " in line]
    assert len(errors) == 1 and "too deeply nested" in errors[0], output
    assert (tmp_path / "chain.py").read_bytes() == content
    _assert_other_processed(output, tmp_path, "fix")
    # The finding LibCST could not fix is still there, and the summary says so (a fresh check's count).
    assert "chain.py:2:6: MLN001" in output
    assert "1 file changed, 1 fix applied, 1 finding left" in output, output


# --- odd but valid files: analysed and fixed, their bytes otherwise kept -------------------

VALID_CASES = {
    "bom": (b"\xef\xbb\xbfimport mlflow\n" + FIXABLE.encode(), b"\xef\xbb\xbf"),
    "latin1_cookie": (
        b"# -*- coding: latin-1 -*-\nimport mlflow\n# caf\xe9 cr\xe8me\n" + FIXABLE.encode(),
        b"# caf\xe9 cr\xe8me\n",
    ),
    "crlf": (b"import mlflow\r\n" + FIXABLE.replace("\n", "\r\n").encode(), b"import mlflow\r\n"),
    "mixed_line_endings": (b"import mlflow\r\n\n" + FIXABLE.encode().replace(b"pass\n", b"pass\r\n"), b"import mlflow\r\n"),
    "form_feed": (b"import mlflow\n\x0c\n" + FIXABLE.encode(), b"\x0c"),
    # Old Mac line endings: LibCST drops a bare final \r, the fix must put it back.
    "cr_only": (b"import mlflow\r" + FIXABLE.replace("\n", "\r").encode(), b"        pass\r"),
    "tabs": (b"import mlflow\n" + FIXABLE.replace("    ", "\t").encode(), b"\t\tpass"),
}


@pytest.mark.parametrize("case", sorted(VALID_CASES))
def test_odd_but_valid_file_is_checked_and_fixed(tmp_path, case):
    content, kept = VALID_CASES[case]
    (tmp_path / "odd.py").write_bytes(content)
    (tmp_path / "other.py").write_bytes(OTHER)
    code, output = _run("check", "odd.py", "other.py", cwd=tmp_path)
    assert code == 1, output
    assert _lines_about(output, "odd.py") and all("MLN006" in line for line in _lines_about(output, "odd.py")), output
    code, output = _run("fix", "odd.py", "other.py", cwd=tmp_path)
    assert code == 0, output
    fixed = (tmp_path / "odd.py").read_bytes()
    assert fixed == content.replace(b"run_name='inner_run')", b"run_name='inner_run', nested=True)")
    assert kept in fixed
    _assert_other_processed(output, tmp_path, "fix")


def test_empty_file(tmp_path):
    (tmp_path / "empty.py").write_bytes(b"")
    assert _run("check", "empty.py", cwd=tmp_path)[0] == 0
    assert _run("fix", "--unsafe-fixes", "empty.py", cwd=tmp_path)[0] == 0
    assert (tmp_path / "empty.py").read_bytes() == b""


def test_five_megabyte_file(tmp_path):
    """5 MB (mostly one big string, so the test stays fast) with a finding that has no fix."""
    text = "import mlflow\nDATA = \"\"\"\n" + "filler text to make the file five megabytes big, line after line\n" * 80_000
    text += "\"\"\"\n" + "".join(f"x{i} = {i}\n" for i in range(2000)) + "run = mlflow.start_run(run_name='big_run')\n"
    content = text.encode()
    assert len(content) > 5_000_000
    (tmp_path / "big.py").write_bytes(content)
    (tmp_path / "other.py").write_bytes(OTHER)
    code, output = _run("check", "big.py", "other.py", cwd=tmp_path)
    assert code == 1 and f"big.py:{text.count(chr(10))}:7: MLN005" in output, output[:500]
    _assert_other_processed(output, tmp_path, "check")
    code, output = _run("fix", "big.py", "other.py", cwd=tmp_path)
    assert code == 1, output[:500]
    assert (tmp_path / "big.py").read_bytes() == content
    _assert_other_processed(output, tmp_path, "fix")


# --- paths that are not files ---------------------------------------------------------------


def test_dangling_symlink(tmp_path):
    (tmp_path / "gone.py").symlink_to(tmp_path / "nowhere.py")
    (tmp_path / "other.py").write_bytes(OTHER)
    for command in ("check", "fix"):
        code, output = _run(command, "gone.py", "other.py", cwd=tmp_path)
        assert code == 2, output
        _assert_one_error(output, "gone.py", "dangling")
        _assert_other_processed(output, tmp_path, command)


def test_symlink_loop(tmp_path):
    (tmp_path / "a.py").symlink_to(tmp_path / "b.py")
    (tmp_path / "b.py").symlink_to(tmp_path / "a.py")
    (tmp_path / "other.py").write_bytes(OTHER)
    for command in ("check", "fix"):
        code, output = _run(command, "a.py", "other.py", cwd=tmp_path)
        assert code == 2, output
        _assert_one_error(output, "a.py", "symbolic link loop")
        _assert_other_processed(output, tmp_path, command)
    # walking the folder: the loop is not a Python file to open, and not an error
    (tmp_path / "other.py").write_bytes(OTHER)
    code, output = _run("check", ".", cwd=tmp_path)
    assert "MLN006" in output and "a.py" not in output, output


def test_directory_symlink_loop_is_walked_once(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "self").symlink_to(tmp_path / "pkg", target_is_directory=True)
    (tmp_path / "pkg" / "other.py").write_bytes(OTHER)
    code, output = _run("check", "pkg", cwd=tmp_path)
    assert code == 1, output
    assert len([line for line in output.splitlines() if "MLN006" in line]) == 1, output


def test_directory_named_like_a_python_file(tmp_path):
    """``x.py/`` is a folder: walked, not opened; named explicitly, it is walked too."""
    (tmp_path / "x.py").mkdir()
    (tmp_path / "x.py" / "inner.py").write_bytes(OTHER)
    (tmp_path / "other.py").write_bytes(OTHER)
    code, output = _run("check", ".", cwd=tmp_path)
    assert code == 1, output
    assert "x.py/inner.py:4:10: MLN006" in output and "other.py:4:10: MLN006" in output
    code, output = _run("check", "x.py", cwd=tmp_path)
    assert code == 1 and "x.py/inner.py:4:10: MLN006" in output, output
    code, output = _run("fix", ".", cwd=tmp_path)
    assert code == 0, output
    assert (tmp_path / "x.py" / "inner.py").read_bytes() == OTHER_FIXED


def _nobody_can_run_the_tool() -> bool:
    try:
        probe = subprocess.run([str(BIN / "mlflow-naming"), "--version"], user=65534, capture_output=True, timeout=60)
    except OSError:
        return False
    return probe.returncode == 0


def test_unreadable_file(tmp_path):
    """A file that cannot be read is one error line; the other files are still processed.

    chmod 000 does not stop root. As root the tool is run as ``nobody`` when that user can
    run it; otherwise the unreadable file is simulated by a link to ``/proc/self/mem``,
    whose first page no process can read (EIO), which takes the same read-error path.
    """
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"mlflow-naming-unreadable-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        folder.chmod(0o777)
        (folder / "other.py").write_bytes(OTHER)
        (folder / "other.py").chmod(0o666)
        user = None
        if os.geteuid() != 0:
            (folder / "secret.py").write_bytes(OTHER)
            (folder / "secret.py").chmod(0)
        elif _nobody_can_run_the_tool():
            user = 65534
            (folder / "secret.py").write_bytes(OTHER)
            (folder / "secret.py").chmod(0)
        elif Path("/proc/self/mem").exists():
            (folder / "secret.py").symlink_to("/proc/self/mem")
        else:
            pytest.skip("running as root (chmod 000 does not stop root), user nobody cannot run the tool, no /proc")
        for command in ("check", "fix"):
            result = subprocess.run(
                [str(BIN / "mlflow-naming"), command, "secret.py", "other.py"], cwd=folder, capture_output=True, user=user, timeout=120
            )
            output = (result.stdout + result.stderr).decode()
            assert "Traceback" not in output, output
            assert result.returncode == 2, output
            _assert_one_error(output, "secret.py", "cannot read")
            _assert_other_processed(output, folder, command)
        if not (folder / "secret.py").is_symlink():
            (folder / "secret.py").chmod(0o600)
            assert (folder / "secret.py").read_bytes() == OTHER
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_broken_regex_in_config_is_one_line_and_other_projects_still_run(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "pyproject.toml").write_text('[tool.mlflow-naming]\nrun-name-regex = "([a-z"\n')
    (broken / "train.py").write_bytes(OTHER)
    (tmp_path / "other.py").write_bytes(OTHER)
    for command in ("check", "fix"):
        code, output = _run(command, "broken/train.py", "other.py", cwd=tmp_path)
        assert code == 2, output
        # Reported where the bad setting is (line 2 of that pyproject), not at a position of train.py.
        _assert_one_error(output, f"{broken / 'pyproject.toml'}:2", "run-name-regex is not a valid regular expression")
        assert (broken / "train.py").read_bytes() == OTHER
        _assert_other_processed(output, tmp_path, command)


# --- safety ----------------------------------------------------------------------------------


def test_analysed_code_is_never_imported_or_executed(tmp_path):
    """Every file here, and the mlflow and wrapper modules it names, would write a sentinel if run."""
    sentinel = tmp_path / "SENTINEL"
    touch = f"open({str(sentinel)!r}, 'w').write(__name__)\n"
    project = tmp_path / "project"
    (project / "team").mkdir(parents=True)
    (project / "mlflow.py").write_text(touch + "def start_run(*a, **k): pass\n")
    (project / "team" / "__init__.py").write_text(touch)
    (project / "team" / "tracking.py").write_text(touch + "def tracked_run(*a, **k): pass\n")
    (project / "pyproject.toml").write_text("[tool.mlflow-naming]\nrun-wrapper = 'team.tracking.tracked_run'\n")
    (project / "conftest.py").write_text(touch)
    (project / "setup.py").write_text(touch)
    (project / "train.py").write_text(
        "import mlflow\n" + touch + "with mlflow.start_run():\n    __import__('os').system('touch ' + "
        + repr(str(sentinel)) + ")\n" + "if __name__ == '__main__':\n    " + touch
    )
    env = {"PYTHONPATH": str(project)}
    result = run_tool("flake8", "--select", "MLN", ".", cwd=project, env=env)
    assert b"MLN" in result.stdout
    assert not sentinel.exists()
    for args in (("check", "."), ("fix", "--diff", "--unsafe-fixes", "."), ("migrate", "."), ("fix", "--unsafe-fixes", "-j", "2", ".")):
        result = run_tool("mlflow-naming", *args, cwd=project, env=env)
        assert b"Traceback" not in result.stdout + result.stderr, result.stderr
        assert not sentinel.exists(), f"{args} ran the analysed code"
    assert "tracked_run(run_name=" in (project / "train.py").read_text()


def test_walking_never_follows_symlinks_out_of_the_root(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_bytes(OTHER)
    root = tmp_path / "root"
    root.mkdir()
    (root / "linked_folder").symlink_to(outside, target_is_directory=True)
    (root / "linked_file.py").symlink_to(outside / "secret.py")
    (root / "inside.py").write_bytes(OTHER)
    code, output = _run("check", "root", cwd=tmp_path)
    assert code == 1, output
    assert "root/inside.py:4:10: MLN006" in output
    assert "secret" not in output and "linked" not in output, output
    code, output = _run("migrate", "root", cwd=tmp_path)
    assert "secret" not in output and "linked" not in output, output
    assert (outside / "secret.py").read_bytes() == OTHER
    assert stat.S_ISLNK(os.lstat(root / "linked_file.py").st_mode)
    assert (root / "inside.py").read_bytes() != OTHER
