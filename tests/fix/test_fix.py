"""``mlflow-naming fix`` and ``migrate``: the guarantees of issue 3, each tested for real."""

from __future__ import annotations

import ast
import os
import stat
import sys

import pytest

from ..helpers import run_tool, write_project

UNNAMED_NESTED = (
    "import mlflow\n"
    "\n"
    "# parent run of the sweep\n"
    "with mlflow.start_run(run_name='sweep_parent'):  # keep me\n"
    "    for fold in range(3):\n"
    "        with mlflow.start_run():\n"
    "            mlflow.log_metric('loss', 0.5)\n"
)


def fix(tmp_path, *args):
    return run_tool("mlflow-naming", "fix", *args, cwd=tmp_path)


def test_safe_fix_only_by_default(tmp_path):
    (tmp_path / "t.py").write_text(UNNAMED_NESTED)
    result = fix(tmp_path, "t.py")
    text = (tmp_path / "t.py").read_text()
    assert "with mlflow.start_run(nested=True):" in text  # MLN006 is safe
    assert "run_name=f" not in text  # MLN001's invented name is unsafe
    assert result.returncode == 1
    assert result.stdout.decode().splitlines()[-1] == "1 file changed, 1 fix applied, 1 finding left; 1 more fixable with `--unsafe-fixes`"


def test_unsafe_fixes_and_layout_survives(tmp_path):
    (tmp_path / "t.py").write_text(UNNAMED_NESTED)
    result = fix(tmp_path, "--unsafe-fixes", "t.py")
    assert result.returncode == 0, result.stdout
    assert (tmp_path / "t.py").read_text() == UNNAMED_NESTED.replace(
        "        with mlflow.start_run():", '        with mlflow.start_run(run_name=f"t_main_fold_{fold}", nested=True):'
    )


def test_fixing_is_idempotent_and_untouched_files_keep_their_mtime(tmp_path):
    (tmp_path / "t.py").write_text(UNNAMED_NESTED)
    (tmp_path / "clean.py").write_text("import mlflow\n")
    old = os.stat(tmp_path / "clean.py").st_mtime_ns
    fix(tmp_path, "--unsafe-fixes", ".")
    once = (tmp_path / "t.py").read_bytes()
    mtime = os.stat(tmp_path / "t.py").st_mtime_ns
    second = fix(tmp_path, "--unsafe-fixes", ".")
    assert (tmp_path / "t.py").read_bytes() == once
    assert os.stat(tmp_path / "t.py").st_mtime_ns == mtime
    assert os.stat(tmp_path / "clean.py").st_mtime_ns == old
    assert second.stdout.decode().splitlines()[-1] == "0 files changed, 0 fixes applied, 0 findings left"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(b"\xef\xbb\xbfimport mlflow\r\nwith mlflow.start_run(run_name='a_b'):\r\n    with mlflow.start_run(run_name='c_d'):\r\n        pass\r\n", id="bom-crlf"),
        pytest.param(
            b"# -*- coding: latin-1 -*-\nimport mlflow\n# caf\xe9\nwith mlflow.start_run(run_name='a_b'):\n    with mlflow.start_run(run_name='c_d'):\n        x = '\xe9'\n",
            id="latin-1",
        ),
        pytest.param(
            "import mlflow\nwith mlflow.start_run(run_name='a_b'):\n    with mlflow.start_run(run_name='c_d', tags={'é': 'ü'}):\n        pass\n".encode(),
            id="non-ascii-columns",
        ),
        pytest.param(
            b"import mlflow\nwith mlflow.start_run(run_name='a_b'):\n    with mlflow.start_run(\n        run_name='c_d',\n        tags={},\n    ):\n        pass\n",
            id="multi-line-trailing-comma",
        ),
    ],
)
def test_encodings_and_line_endings_survive(tmp_path, source):
    (tmp_path / "t.py").write_bytes(source)
    fix(tmp_path, "t.py")
    fixed = (tmp_path / "t.py").read_bytes()
    assert b"nested=True" in fixed
    ast.parse(fixed)
    # Removing exactly the inserted text gives back the original bytes.
    inserted = [b", nested=True", b"\n        nested=True,"]
    assert any(fixed.replace(piece, b"", 1) == source for piece in inserted), fixed


def test_permissions_are_kept(tmp_path):
    path = tmp_path / "t.py"
    path.write_text(UNNAMED_NESTED)
    os.chmod(path, 0o750)
    fix(tmp_path, "t.py")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o750
    assert [p.name for p in tmp_path.iterdir()] == ["t.py"]  # no temporary file left behind


def test_unparsable_file_is_left_alone_and_others_fixed(tmp_path):
    broken = b"import mlflow\nwith mlflow.start_run(:\n"
    (tmp_path / "a.py").write_bytes(broken)
    (tmp_path / "b.py").write_text(UNNAMED_NESTED)
    result = fix(tmp_path, ".")
    assert result.returncode == 2
    assert (tmp_path / "a.py").read_bytes() == broken
    assert "nested=True" in (tmp_path / "b.py").read_text()
    assert "a.py:2:" in result.stdout.decode() and b"Traceback" not in result.stderr


def test_stdin_to_stdout(tmp_path):
    result = run_tool("mlflow-naming", "fix", "-", cwd=tmp_path, stdin=UNNAMED_NESTED)
    assert "nested=True" in result.stdout.decode()
    assert "MLN001" in result.stderr.decode() and result.returncode == 1


def test_diff_writes_nothing(tmp_path):
    (tmp_path / "t.py").write_text(UNNAMED_NESTED)
    result = fix(tmp_path, "--diff", "t.py")
    assert (tmp_path / "t.py").read_text() == UNNAMED_NESTED
    assert "+        with mlflow.start_run(nested=True):" in result.stdout.decode()
    assert result.returncode == 1


def test_parallel_jobs_give_the_same_result(tmp_path):
    for folder in ("one", "two"):
        for number in range(6):
            path = tmp_path / folder / f"m{number}.py"
            path.parent.mkdir(exist_ok=True)
            path.write_text(UNNAMED_NESTED)
    fix(tmp_path / "one", "--unsafe-fixes", "-j", "1", ".")
    fix(tmp_path / "two", "--unsafe-fixes", "-j", "2", ".")
    for number in range(6):
        assert (tmp_path / "one" / f"m{number}.py").read_bytes() == (tmp_path / "two" / f"m{number}.py").read_bytes()


def test_migrate_onto_a_wrapper(tmp_path):
    source = (
        "import mlflow\n"
        "\n"
        "def train(rates):\n"
        "    with mlflow.start_run(run_name='ResNet50 sweep'):\n"
        "        for lr in rates:\n"
        "            with mlflow.start_run():\n"
        "                mlflow.log_param('lr', lr)\n"
    )
    (tmp_path / "train.py").write_text(source)
    result = run_tool("mlflow-naming", "migrate", "--wrapper", "team.tracking.tracked_run", "train.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert (tmp_path / "train.py").read_text() == (
        "import mlflow\n"
        "from team.tracking import tracked_run\n"
        "\n"
        "def train(rates):\n"
        "    with tracked_run(run_name='resnet50_sweep'):\n"
        # ``lr`` may hold floats ("0.01"), which the schema forbids: the run is numbered instead.
        "        for i, lr in enumerate(rates):\n"
        # function train in train.py: the name has no word twice (issue 29)
        '            with tracked_run(run_name=f"train_lr_{i}", nested=True):\n'
        "                mlflow.log_param('lr', lr)\n"
    )
    assert "train.py: 5 fixes (MLN001 x1, MLN002 x2, MLN003 x1, MLN006 x1), 0 findings left" in result.stdout.decode()
    check = run_tool("mlflow-naming", "check", "--config", str(write_project(tmp_path / "cfg", {"run-wrapper": "team.tracking.tracked_run"}) / "pyproject.toml"), "train.py", cwd=tmp_path)
    assert check.returncode == 0, check.stdout


def test_check_never_imports_libcst(tmp_path):
    (tmp_path / "t.py").write_text(UNNAMED_NESTED)
    probe = (
        "import sys\n"
        "from flake8_mlflow_naming.cli import main\n"
        "code = main(['check', 't.py'])\n"
        "assert 'libcst' not in sys.modules and 'mlflow' not in sys.modules, sorted(m for m in sys.modules if 'cst' in m)\n"
    )
    import subprocess

    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True)
    assert result.returncode == 0, result.stderr


def test_a_file_over_max_fix_file_size_is_reported_not_fixed(tmp_path):
    """LibCST would need too much memory and time: one line why, the findings, the file untouched."""
    big = UNNAMED_NESTED + "".join(f"value_{i} = {i}\n" for i in range(200))
    write_project(tmp_path, {"max-fix-file-size": 1000}, {"big.py": big, "small.py": UNNAMED_NESTED})
    result = fix(tmp_path, "--unsafe-fixes", "big.py", "small.py")
    output = result.stdout.decode()
    assert result.returncode == 2, output
    size = len(big.encode())
    assert f"big.py:1:1: error: {size:,} bytes of code, more than max-fix-file-size (1,000); not fixed, its findings are listed" in output
    assert "big.py:6:14: MLN001" in output and "big.py:6:14: MLN006" in output
    assert "1 file changed, 2 fixes applied, 2 findings left" in output, output
    assert (tmp_path / "big.py").read_text() == big
    assert (tmp_path / "small.py").read_text() != UNNAMED_NESTED
    # A file over the limit with nothing to fix is simply clean.
    (tmp_path / "big.py").write_text("x = 1\n" * 500)
    assert fix(tmp_path, "big.py").returncode == 0
