"""``mlflow-naming init``, run as a user runs it: a subprocess in a repository, then ``check`` with what it wrote."""

from __future__ import annotations

import ast
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..helpers import BIN, FIXTURES, run_tool
from ..mlflow_fixtures import import_mlflow, sqlite_tracking_uri  # noqa: F401 - a fixture pytest finds by name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

WRAPPER = '''\
"""The team's tracking helpers."""
from contextlib import contextmanager

import mlflow


@contextmanager
def tracked_run(run_name, **kwargs):
    with mlflow.start_run(run_name=run_name, **kwargs) as run:
        yield run
'''

TRAIN = '''\
from acme.tracking import tracked_run
import mlflow

mlflow.set_experiment("churn/xgb_sweeps")

def train():
    with tracked_run("churn_xgb_baseline"):
        pass
    with tracked_run(run_name="churn_xgb_tuned"):
        pass
    for depth in (3, 5):
        with tracked_run(f"churn_xgb_depth_{depth}"):
            pass
    with tracked_run("Quick Test"):
        pass
    mlflow.register_model("runs:/1/model", "churn_xgb")
'''

SCORE = '''\
import mlflow
from acme import tracking

def score():
    with tracking.tracked_run("fraud_lgbm_scoring"):
        pass
    with tracking.tracked_run("fraud_lgbm_backfill"):
        pass
'''

PYPROJECT = """\
# The project's own settings: init must leave every byte of them alone.
[project]
name = "acme"   # inline comment
version = "0.1"

[tool.black]
line-length = 100
"""

PRE_COMMIT = """\
# hooks the team already runs
repos:
  - repo: meta
    hooks:
      - id: check-useless-excludes   # needs no network

default_stages: [pre-commit]
"""


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A team repository: a wrapper in src/, calls through it, a pyproject and a pre-commit config."""
    files = {
        "src/acme/__init__.py": "",
        "src/acme/tracking.py": WRAPPER,
        "jobs/train.py": TRAIN,
        "jobs/score.py": SCORE,
        "jobs/broken.py": "def (:\n",
        "pyproject.toml": PYPROJECT,
        ".pre-commit-config.yaml": PRE_COMMIT,
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def init(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return run_tool("mlflow-naming", "init", *args, cwd=cwd)


def only_insertions(before: str, after: str) -> bool:
    """True when ``after`` is ``before`` with lines added and none changed or removed."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(keepends=True), after.splitlines(keepends=True), autojunk=False)
    return all(tag in ("equal", "insert") for tag, *_ in matcher.get_opcodes())


def unmatched_in_output(stdout: str) -> tuple[set[str], set[str]]:
    """What init listed as not matching: (literal names, ``path:line`` of templates)."""
    names, templates = set(), set()
    for match in re.finditer(r"^    ('.*'|\".*\")  (\S+?(?::cell \d+)?:\d+|tracking server)", stdout, re.MULTILINE):
        text = ast.literal_eval(match.group(1))
        if "{…}" in text:
            templates.add(match.group(2))
        else:
            names.add(text)
    return names, templates


def naming_findings(root: Path, unparsable: bool = False) -> tuple[set[str], set[str]]:
    """``check``'s schema findings (MLN003, MLN007, MLN008) in the same form as :func:`unmatched_in_output`.

    ``unparsable``: the repository has files init could not parse, which check reports (exit 2).
    """
    done = run_tool("mlflow-naming", "check", ".", "--select", "MLN003,MLN007,MLN008", "--output-format", "json", "--no-cache", cwd=root)
    assert done.returncode in ((0, 1, 2) if unparsable else (0, 1)), done.stderr.decode()
    names, templates = set(), set()
    for finding in json.loads(done.stdout):
        if finding.get("code") not in ("MLN003", "MLN007", "MLN008"):
            continue  # a file check cannot parse either
        literal = re.search(r"name ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")", finding["message"])
        if literal is not None:
            names.add(ast.literal_eval(literal.group(1)))
        else:
            path = Path(finding["filename"]).as_posix().removeprefix("./")
            cell = f"cell {finding['cell']}:" if finding.get("cell") else ""
            templates.add(f"{path}:{cell}{finding['location']['row']}")
    return names, templates


def test_init_finds_the_wrapper_learns_the_schema_and_check_then_runs_with_it(repository):
    done = init(cwd=repository)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert "Run wrapper: acme.tracking.tracked_run" in out
    assert "1 could not be parsed" in out
    config = tomllib.loads((repository / "pyproject.toml").read_text())["tool"]["mlflow-naming"]
    assert config["run-wrapper"] == "acme.tracking.tracked_run"
    # The team's consistent names (through the wrapper, imported either way) are accepted...
    regex = config.get("run-name-regex", r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
    for name in ("churn_xgb_baseline", "churn_xgb_tuned", "fraud_lgbm_scoring", "fraud_lgbm_backfill"):
        assert re.fullmatch(regex, name), (name, regex)
    # ...the odd one is listed, and check reports exactly what init listed.
    assert "'Quick Test'" in out
    assert unmatched_in_output(out) == naming_findings(repository) == ({"Quick Test"}, set())
    # The rest of pyproject.toml is as the team wrote it; the table is added.
    assert only_insertions(PYPROJECT, (repository / "pyproject.toml").read_text())


def test_the_pre_commit_hook_is_added_keeping_the_file_and_the_real_pre_commit_runs_it(repository):
    assert init(cwd=repository).returncode == 0
    text = (repository / ".pre-commit-config.yaml").read_text()
    assert only_insertions(PRE_COMMIT, text)
    assert text.index("repo: local") < text.index("default_stages")  # inside the repos list
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PRE_COMMIT_HOME": str(repository / ".pc-home")}
    validate = subprocess.run([str(BIN / "pre-commit"), "validate-config", ".pre-commit-config.yaml"], cwd=repository, env=env, capture_output=True, text=True)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    if shutil.which("git") is None:
        pytest.skip("running the hook needs git")
    git_env = {**env, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q"], cwd=repository, env=git_env, check=True)
    (repository / "jobs/broken.py").unlink()
    subprocess.run(["git", "add", "-A"], cwd=repository, env=git_env, check=True)
    hook = subprocess.run(
        [str(BIN / "pre-commit"), "run", "mlflow-naming", "--all-files"], cwd=repository, env=git_env, capture_output=True, text=True
    )
    assert hook.returncode == 1, hook.stdout + hook.stderr  # the 'Quick Test' finding
    assert hook.stdout.count("MLN003") == 1, hook.stdout


def test_an_existing_configuration_is_kept_without_force(repository):
    assert init(cwd=repository).returncode == 0
    pyproject = (repository / "pyproject.toml").read_bytes()
    again = init(cwd=repository)
    assert again.returncode == 2
    assert b"--force" in again.stderr and again.stderr.count(b"\n") == 1
    assert (repository / "pyproject.toml").read_bytes() == pyproject


def test_force_replaces_the_naming_keys_and_keeps_the_others(repository):
    path = repository / "pyproject.toml"
    path.write_text(PYPROJECT + '\n[tool.mlflow-naming]\nselect = ["MLN001", "MLN003"]\nrun-wrapper = "old.place.run"\n')
    assert init("--force", cwd=repository).returncode == 0
    config = tomllib.loads(path.read_text())["tool"]["mlflow-naming"]
    assert config["select"] == ["MLN001", "MLN003"]
    assert config["run-wrapper"] == "acme.tracking.tracked_run"


def test_dry_run_prints_both_files_and_writes_nothing(repository):
    before = {p: p.read_bytes() for p in repository.rglob("*") if p.is_file()}
    done = init("--dry-run", cwd=repository)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert "[tool.mlflow-naming]" in out and 'run-wrapper = "acme.tracking.tracked_run"' in out
    assert "- repo: local" in out and "entry: mlflow-naming check" in out
    assert {p: p.read_bytes() for p in repository.rglob("*") if p.is_file()} == before


def test_a_new_repository_gets_both_files(tmp_path):
    (tmp_path / "train.py").write_text('import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n')
    assert init(str(tmp_path), cwd=tmp_path.parent).returncode == 0
    assert tomllib.loads((tmp_path / "pyproject.toml").read_text())["tool"]["mlflow-naming"] is not None
    assert (tmp_path / ".pre-commit-config.yaml").read_text().startswith("repos:\n- repo: local\n")


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project\n")
    for args in (["--dry-run", str(tmp_path)], [str(tmp_path / "missing")], ["--dry-run", "--force", str(tmp_path)]):
        done = init(*args, cwd=tmp_path)
        assert done.returncode == 2, args
        assert done.stderr.count(b"\n") == 1 and b"Traceback" not in done.stderr, done.stderr


# --- real repositories -----------------------------------------------------------------------

#: Snapshots of public repositories with MLflow code, one folder each (the coordinator's corpus).
CORPUS = Path(os.environ.get("MLFLOW_NAMING_CORPUS", "/work/corpus/users"))
CORPUS_REPOSITORIES = ("manuelgilm+mlflow_for_ml_dev", "amesar+mlflow-examples", "microsoft+FLAML", "debu-sinha+mlflow-eval-workshop")


def _real_repositories() -> list:
    found = [pytest.param(FIXTURES / "real_repos" / "flaml", id="flaml-excerpt")]
    for name in CORPUS_REPOSITORIES:
        found.append(
            pytest.param(CORPUS / name, id=name, marks=pytest.mark.skipif(not (CORPUS / name).is_dir(), reason=f"no snapshot at {CORPUS}"))
        )
    return found


def _majority_style(names: list[str]) -> list[str]:
    """The names written in the style most of them share (case and separator), found without init."""
    styles = {
        "snake_case": r"[a-z][a-z0-9]*(_[a-z0-9]+)*",
        "kebab-case": r"[a-z][a-z0-9]*(-[a-z0-9]+)*",
        "Mixed_snake": r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*",
    }
    groups = [[n for n in names if re.fullmatch(regex, n)] for regex in styles.values()]
    return max(groups, key=len)


@pytest.mark.parametrize("source", _real_repositories())
def test_on_a_real_repository_the_schema_accepts_its_consistent_names_and_check_agrees(source, tmp_path):
    repository = tmp_path / "repo"
    shutil.copytree(source, repository, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    for stale in ("pyproject.toml", ".pre-commit-config.yaml"):
        if (repository / stale).exists() and "mlflow-naming" in (repository / stale).read_text(errors="replace"):
            pytest.skip("the snapshot already configures the tool")
    done = init(cwd=repository)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    config = tomllib.loads((repository / "pyproject.toml").read_text()).get("tool", {}).get("mlflow-naming", {})
    regex = config.get("run-name-regex", r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
    from flake8_mlflow_naming.adopt.scan import literal_names, scan_repository

    run_names = list(dict.fromkeys(n.literal for n in literal_names(scan_repository(repository).names, "run")))
    consistent = _majority_style(run_names)
    if len(consistent) >= 3:
        assert all(re.fullmatch(regex, name) for name in consistent), (consistent, regex)
    # check runs with the written configuration and reports exactly the names init listed.
    assert unmatched_in_output(out) == naming_findings(repository, unparsable="could not be parsed" in out)


# --- names on a tracking server ----------------------------------------------------------------


def test_names_on_a_sqlite_store_are_learnt_and_generated_ones_set_aside(tmp_path, sqlite_tracking_uri):  # noqa: F811 - the fixture
    mlflow = import_mlflow()
    client = mlflow.MlflowClient(tracking_uri=sqlite_tracking_uri)
    experiment = client.create_experiment(f"recsys/ctr_{os.getpid()}_{tmp_path.name[-6:].replace('-', '_').lower()}")
    names = [f"ctr-{model}-{i}" for model in ("wide", "deep") for i in range(6)]
    for name in names:
        client.create_run(experiment, run_name=name)
    client.create_run(experiment)  # MLflow invents a name: an unnamed run, not a convention
    (tmp_path / "train.py").write_text("import mlflow\n")
    done = init("--dry-run", "--tracking-uri", sqlite_tracking_uri, "--page-size", "5", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    # Every run name in the store (all experiments, every page) is counted; generated ones apart.
    stored = {r.info.run_name for e in client.search_experiments() for r in client.search_runs([e.experiment_id], max_results=50000)}
    from mlflow.utils.name_utils import _GENERATOR_NOUNS, _GENERATOR_PREDICATES

    def made_by_mlflow(name: str) -> bool:
        parts = name.split("-")
        return len(parts) == 3 and parts[0] in _GENERATOR_PREDICATES and parts[1] in _GENERATOR_NOUNS and parts[2].isdigit()

    chosen = {n for n in stored if not made_by_mlflow(n)}
    generated = len(stored - chosen)
    assert generated >= 1 and set(names) <= chosen
    assert f"Run names: {len(chosen)} distinct (0 in code, {len(chosen)} only on the server); {generated} generated" in out
    regex = re.search(r"run-name-regex = \"(.+)\"", out).group(1).replace("\\\\", "\\")
    assert all(re.fullmatch(regex, name) for name in names)
