"""Jupyter notebooks: ``check``, ``fix`` and ``migrate`` on ``.ipynb`` files, run for real."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from flake8_mlflow_naming.sources.notebook import NotebookError, dump, exact_layout, load, replace_layout

from ..helpers import FIXTURES, run_tool

NOTEBOOKS = FIXTURES / "notebooks"
CHURN = "churn_exploration.ipynb"
SWEEP = "lr_sweep.ipynb"


def mlflow_naming(cwd: Path, *args: str, stdin: bytes | None = None):
    result = run_tool("mlflow-naming", *args, cwd=cwd, stdin=stdin)
    assert b"Traceback" not in result.stderr + result.stdout, result.stderr.decode()
    return result


def notebook(*cells: str | tuple[str, str], nbformat: int = 4) -> str:
    """An nbformat-4 notebook as Jupyter writes it: indent 1, sorted keys, no ASCII escaping."""

    def cell(spec):
        kind, text = spec if isinstance(spec, tuple) else ("code", spec)
        lines = text.splitlines(keepends=True)
        if kind != "code":
            return {"cell_type": kind, "metadata": {}, "source": lines}
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": lines}

    data = {"cells": [cell(c) for c in cells], "metadata": {}, "nbformat": nbformat, "nbformat_minor": 5}
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.fixture
def notebooks(tmp_path: Path) -> Path:
    shutil.copytree(NOTEBOOKS, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_check_reports_cell_positions_and_walks_into_notebooks(notebooks):
    result = mlflow_naming(notebooks, "check", ".")
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    assert [line.split(": ")[0] + " " + line.split(": ")[1].split()[0] for line in lines] == [
        f"{CHURN}:cell 5:2:1 MLN001",  # cell 5 counts the markdown cells 1 and 4
        f"{CHURN}:cell 5:2:1 MLN005",
        f"{CHURN}:cell 6:1:32 MLN003",
        f"{CHURN}:cell 6:4:14 MLN006",  # line 2 of that cell is a %time magic, skipped
        f"{SWEEP}:cell 3:4:10 MLN001",  # a source stored as one string; 'files = !ls' skipped
        f"{SWEEP}:cell 5:2:21 MLN004",  # the raw cell 4 is not code
    ]
    # An alias imported in cell 2 resolves in cell 5: the notebook is one module.
    assert "mf.start_run" not in result.stdout.decode()


def test_explicit_notebook_and_parallel_workers_agree(notebooks):
    one = mlflow_naming(notebooks, "check", CHURN, SWEEP)
    two = mlflow_naming(notebooks, "check", "-j", "2", CHURN, SWEEP)
    assert one.stdout == two.stdout and one.stdout.count(b":cell ") == 6


def test_noqa_works_in_a_cell(tmp_path):
    (tmp_path / "n.ipynb").write_text(notebook("import mlflow", "with mlflow.start_run():  # noqa: MLN001\n    pass"))
    assert mlflow_naming(tmp_path, "check", "n.ipynb").returncode == 0


def test_other_output_formats_carry_the_cell(notebooks):
    items = json.loads(mlflow_naming(notebooks, "check", "--output-format", "json", SWEEP).stdout)
    assert [(i["code"], i["cell"], i["location"]["row"], i["location"]["column"]) for i in items] == [
        ("MLN001", 3, 4, 10),
        ("MLN004", 5, 2, 21),
    ]
    github = mlflow_naming(notebooks, "check", "--output-format", "github", SWEEP).stdout.decode()
    assert f"::error file={SWEEP},title=MLN001::cell 3, line 4, col 10: run started without a name" in github
    sarif = json.loads(mlflow_naming(notebooks, "check", "--output-format", "sarif", SWEEP).stdout)
    results = sarif["runs"][0]["results"]
    assert [(r["ruleId"], r["properties"]["cell"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("MLN001", 3, 4),
        ("MLN004", 5, 2),
    ]
    junit = ElementTree.fromstring(mlflow_naming(notebooks, "check", "--output-format", "junit", SWEEP).stdout)
    assert [f.text.split(": ")[0] for f in junit.iter("failure")] == [f"{SWEEP}:cell 3:4:10", f"{SWEEP}:cell 5:2:21"]


def test_character_columns_count_within_the_cell(tmp_path):
    (tmp_path / "n.ipynb").write_text(notebook("import mlflow", "é = 1; mlflow.start_run(run_name='a_b')"))
    github = mlflow_naming(tmp_path, "check", "--output-format", "github", "n.ipynb").stdout.decode()
    assert "cell 2, line 1, col 8: " in github  # byte column 9, character column 8
    assert "n.ipynb:cell 2:1:9: MLN005" in mlflow_naming(tmp_path, "check", "n.ipynb").stdout.decode()


def test_magics_shell_and_help_lines_are_skipped(tmp_path):
    cells = (
        "%matplotlib inline\nimport mlflow\n!mlflow ui --port 5001 &\nmlflow.start_run?\n?mlflow.log_param",
        "%%capture\nmlflow.start_run()  # a cell magic: the whole cell is skipped",
        "runs = !ls mlruns\nfor r in runs:\n    %time mlflow.start_run(run_name='x')\n",
        (
            "if runs:\n    !echo only a shell line in this block\n"
            "with mlflow.start_run(run_name='fold_one'):\n    %timeit -n1 \\\n        mlflow.start_run()\n    pass"
        ),
    )
    (tmp_path / "m.ipynb").write_text(notebook(*cells))
    result = mlflow_naming(tmp_path, "check", "m.ipynb")
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")


def test_fix_writes_back_only_sources_and_keeps_the_layout(notebooks):
    before_text = (notebooks / CHURN).read_text(encoding="utf-8")
    result = mlflow_naming(notebooks, "fix", "--unsafe-fixes", CHURN)
    assert result.returncode == 0  # the bare start/end_run pair of cell 5 became a with block
    after_text = (notebooks / CHURN).read_text(encoding="utf-8")
    before, after = json.loads(before_text), json.loads(after_text)
    # The JSON text keeps Jupyter's layout: indent 1, sorted keys as they were, 'µs' unescaped, final newline.
    assert after_text == json.dumps(after, indent=1, ensure_ascii=False) + "\n"
    assert "µs" in after_text and "précision" in after_text
    assert list(after) == list(before) and after["metadata"] == before["metadata"]
    for old, new in zip(before["cells"], after["cells"]):
        assert list(new) == list(old)
        assert {k: v for k, v in new.items() if k != "source"} == {k: v for k, v in old.items() if k != "source"}
    changed = [i for i, old in enumerate(before["cells"], 1) if old["source"] != after["cells"][i - 1]["source"]]
    assert changed == [5, 6]
    assert after["cells"][4]["source"] == [
        "load_rows?\n",
        'with mlflow.start_run(run_name="churn_exploration_main"):\n',
        '    mlflow.log_param("n_rows", len(rows))',
    ]
    assert after["cells"][5]["source"] == [
        'with mlflow.start_run(run_name="threshold_scan"):\n',
        '    %time best = max(rows, key=lambda r: r["score"])\n',
        "    for pct in range(10, 100, 10):\n",
        '        with mlflow.start_run(run_name=f"threshold_{pct}", nested=True):\n',
        '            mlflow.log_metric("precision", pct / 100.0, step=pct)',
    ]
    assert before_text.replace("\n", "").count("{") == after_text.replace("\n", "").count("{")
    assert result.stdout.decode().splitlines() == ["1 file changed, 4 fixes applied, 0 findings left"]


def test_string_sources_stay_strings(notebooks):
    mlflow_naming(notebooks, "fix", "--unsafe-fixes", SWEEP)
    cell = json.loads((notebooks / SWEEP).read_text())["cells"][2]
    assert cell["source"] == (
        # Floats such as 0.001 cannot appear in a name: the runs are numbered. The loop's label
        # "lr" is already the notebook's first word (lr_sweep), and invented names never repeat one.
        'rates = [0.001, 0.01, 0.1]\nfiles = !ls data/\nfor i, lr in enumerate(rates):\n'
        '    with mf.start_run(run_name=f"lr_sweep_main_{i}"):\n        mf.log_param("lr", lr)'
    )


def test_untouched_notebooks_stay_byte_identical(notebooks):
    (notebooks / "clean.ipynb").write_text(notebook("import mlflow", "with mlflow.start_run(run_name='a_b'):\n    pass"))
    stamps = {p.name: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in notebooks.glob("*.ipynb")}
    result = mlflow_naming(notebooks, "fix", ".")  # safe fixes only: nothing here but MLN006 in churn
    assert result.stdout.decode().splitlines()[-1] == "1 file changed, 1 fix applied, 5 findings left; 4 more fixable with `--unsafe-fixes`"
    for name in ("clean.ipynb", SWEEP):
        path = notebooks / name
        assert (path.read_bytes(), os.stat(path).st_mtime_ns) == stamps[name]
    again = mlflow_naming(notebooks, "fix", ".")
    assert again.stdout.decode().splitlines()[-1] == "0 files changed, 0 fixes applied, 5 findings left; 4 more fixable with `--unsafe-fixes`"


def test_migrate_adds_the_wrapper_import_in_the_first_code_cell(notebooks):
    result = mlflow_naming(notebooks, "migrate", "--wrapper", "team.tracking.tracked_run", ".")
    assert result.returncode == 1
    cells = json.loads((notebooks / CHURN).read_text())["cells"]
    assert cells[1]["source"][-2:] == ["import mlflow\n", "from team.tracking import tracked_run"]
    assert cells[1]["outputs"][0]["text"] == ["Note: you may need to restart the kernel to use updated packages.\n"]
    assert cells[5]["source"][0] == 'with tracked_run(run_name="threshold_scan"):\n'
    sweep = json.loads((notebooks / SWEEP).read_text())["cells"]
    assert sweep[1]["source"] == [
        "import mlflow as mf\n",
        "from sklearn.linear_model import LogisticRegression\n",
        "from team.tracking import tracked_run",
    ]
    assert f"{SWEEP}: 3 fixes (MLN001 x1, MLN002 x2), 1 finding left" in result.stdout.decode()
    # Remaining findings are positioned in the fixed cells (the import line moved nothing else).
    assert f"{SWEEP}:cell 5:2:21: MLN004" in result.stdout.decode()
    assert cells[4]["source"][1] == 'with tracked_run(run_name="churn_exploration_main"):\n'
    once = {p: p.read_bytes() for p in notebooks.glob("*.ipynb")}
    mlflow_naming(notebooks, "migrate", "--wrapper", "team.tracking.tracked_run", ".")
    assert {p: p.read_bytes() for p in notebooks.glob("*.ipynb")} == once


def test_migrate_into_a_notebook_without_imports(tmp_path):
    (tmp_path / "n.ipynb").write_text(notebook(("markdown", "# Title"), "%load_ext autoreload", "with mlflow.start_run():\n    pass"))
    mlflow_naming(tmp_path, "migrate", "--wrapper", "team.tracking.tracked_run", "n.ipynb")
    cells = json.loads((tmp_path / "n.ipynb").read_text())["cells"]
    assert cells[1]["source"] == ["%load_ext autoreload\n", "from team.tracking import tracked_run"]
    assert "".join(cells[2]["source"]) == 'with tracked_run(run_name="n_main"):\n    pass'


def test_fix_in_worker_processes_gives_the_same_result(notebooks):
    one = mlflow_naming(notebooks, "migrate", "--diff", "--wrapper", "team.tracking.tracked_run", ".")
    two = mlflow_naming(notebooks, "migrate", "--diff", "-j", "2", "--wrapper", "team.tracking.tracked_run", ".")
    assert (one.stdout, one.stderr) == (two.stdout, two.stderr) and b":cell 5:2:21: MLN004" in one.stderr


def test_diff_shows_the_notebook_change_and_writes_nothing(notebooks):
    before = (notebooks / CHURN).read_bytes()
    result = mlflow_naming(notebooks, "fix", "--diff", CHURN)
    assert result.returncode == 1
    assert '-    "        with mlflow.start_run(run_name=f\\"threshold_{pct}\\"):\\n",' in result.stdout.decode()
    assert (notebooks / CHURN).read_bytes() == before


@pytest.mark.parametrize(
    "content, message",
    [
        pytest.param(b'{"cells": [', "not a Jupyter notebook: invalid JSON", id="truncated"),
        pytest.param(b"import mlflow\nmlflow.start_run()\n", "not a Jupyter notebook: invalid JSON", id="python"),
        pytest.param(b"[1, 2]", "not a Jupyter notebook: no 'cells' and 'nbformat'", id="not-an-object"),
        pytest.param(notebook("import mlflow", nbformat=3).encode(), "unsupported notebook format 3", id="nbformat-3"),
        pytest.param(b"\xff\xfe{}", "not a Jupyter notebook: not UTF-8", id="not-utf8"),
    ],
)
def test_broken_notebook_is_one_error_line_and_left_alone(tmp_path, content, message):
    (tmp_path / "bad.ipynb").write_bytes(content)
    (tmp_path / "good.ipynb").write_text(notebook("import mlflow", "with mlflow.start_run():\n    pass"))
    for command in (("check",), ("fix", "--unsafe-fixes"), ("migrate",)):
        result = mlflow_naming(tmp_path, *command, ".")
        assert result.returncode == 2
        errors = [line for line in (result.stdout + result.stderr).decode().splitlines() if "error:" in line]
        assert len(errors) == 1 and errors[0].startswith(f"bad.ipynb:1:1: error: {message}"), errors
        assert (tmp_path / "bad.ipynb").read_bytes() == content
    assert b"run_name=" in (tmp_path / "good.ipynb").read_bytes()  # the other notebook was still fixed


def test_syntax_error_is_reported_in_its_cell(tmp_path):
    content = notebook("import mlflow", ("markdown", "text"), "x = 1\nwith mlflow.start_run(:\n    pass")
    (tmp_path / "n.ipynb").write_text(content)
    result = mlflow_naming(tmp_path, "check", "n.ipynb")
    assert result.returncode == 2
    assert result.stdout.decode().startswith("n.ipynb:cell 3:2:")
    [entry] = json.loads(mlflow_naming(tmp_path, "check", "--output-format", "json", "n.ipynb").stdout)
    assert (entry["code"], entry["cell"], entry["location"]["row"]) == (None, 3, 2)
    fixed = mlflow_naming(tmp_path, "fix", "n.ipynb")
    assert fixed.returncode == 2 and "n.ipynb:cell 3:2:" in fixed.stdout.decode()
    assert (tmp_path / "n.ipynb").read_text() == content


def test_stdin_notebook(tmp_path):
    content = notebook("import mlflow", "with mlflow.start_run(run_name='a_b'):\n    with mlflow.start_run(run_name='c_d'):\n        pass")
    check = mlflow_naming(tmp_path, "check", "-", "--stdin-filename", "n.ipynb", stdin=content.encode())
    assert check.stdout.decode().startswith("n.ipynb:cell 2:2:10: MLN006")
    fixed = mlflow_naming(tmp_path, "fix", "-", "--stdin-filename", "n.ipynb", stdin=content.encode())
    assert fixed.returncode == 0
    assert json.loads(fixed.stdout)["cells"][1]["source"][1] == "    with mlflow.start_run(run_name='c_d', nested=True):\n"


def test_non_python_notebooks_are_skipped(tmp_path):
    data = json.loads(notebook("mlflow.start_run()"))
    data["metadata"] = {"kernelspec": {"language": "R", "name": "ir"}, "language_info": {"name": "R"}}
    (tmp_path / "r.ipynb").write_text(json.dumps(data, indent=1))
    assert mlflow_naming(tmp_path, "check", "r.ipynb").returncode == 0


@pytest.mark.parametrize(
    "dumps",
    [
        pytest.param(lambda d: json.dumps(d, indent=1, sort_keys=True, ensure_ascii=False) + "\n", id="jupyter"),
        pytest.param(lambda d: json.dumps(d, indent=2, ensure_ascii=True), id="indent2-ascii-no-newline"),
        pytest.param(lambda d: json.dumps(d, indent="\t", ensure_ascii=False) + "\n", id="tabs"),
        pytest.param(lambda d: json.dumps(d, separators=(",", ":"), ensure_ascii=False), id="compact"),
        pytest.param(json.dumps, id="one-line-default"),
    ],
)
def test_layout_is_detected_exactly(dumps):
    data = json.loads((NOTEBOOKS / CHURN).read_text(encoding="utf-8"))
    raw = dumps(data).encode("utf-8")
    assert dump(replace_layout(load(raw), exact_layout(load(raw), raw))) == raw


def test_load_rejects_marker_lookalikes():
    with pytest.raises(NotebookError):
        load(notebook("# %% mlflow-naming-cell 3\nimport mlflow").encode())


@pytest.mark.slow  # real pre-commit: installs the hook environment
def test_pre_commit_hooks_run_on_notebooks(tmp_path, tmp_path_factory):
    """The real ``pre-commit`` picks ``.ipynb`` files (``types_or: jupyter``) for both hooks."""
    from ..integrations import test_pre_commit as hooks

    if not hooks.PRE_COMMIT.exists() or shutil.which("git") is None:
        pytest.skip("needs pre-commit and git")
    repo = hooks.hooks_repo.__wrapped__(tmp_path_factory)
    home = tmp_path_factory.mktemp("pre_commit_home")
    (tmp_path / "project").mkdir()
    project = hooks.project.__wrapped__(tmp_path / "project", repo)
    content = notebook("import mlflow", "with mlflow.start_run(run_name='a_b'):\n    with mlflow.start_run(run_name='c_d'):\n        pass")
    (project / "sweep.ipynb").write_text(content)
    check = hooks.run_hook(project, home, "mlflow-naming", "sweep.ipynb")
    assert check.returncode == 1 and "sweep.ipynb:cell 2:2:10: MLN006" in check.stdout, check.stdout + check.stderr
    fixed = hooks.run_hook(project, home, "mlflow-naming-fix", "sweep.ipynb")
    assert fixed.returncode == 1 and "files were modified by this hook" in fixed.stdout, fixed.stdout + fixed.stderr
    assert "nested=True" in (project / "sweep.ipynb").read_text()
    assert hooks.run_hook(project, home, "mlflow-naming", "sweep.ipynb").returncode == 0
