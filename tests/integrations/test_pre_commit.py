"""The hooks in ``.pre-commit-hooks.yaml``, run by the real ``pre-commit`` in a throwaway git repository.

pre-commit installs hooks from a git repository at a commit. ``pre-commit try-repo`` would
do that from this checkout, but it leaves out untracked files (a new module, or the hook
manifest itself before its first commit) and uses a fresh store on every call, so each
call would reinstall the package. Instead the test commits a snapshot of the installable
files of this checkout (as they are on disk) to a temporary repository and points an
ordinary ``.pre-commit-config.yaml`` at it; with one ``PRE_COMMIT_HOME`` per test module,
pre-commit builds the hook environment once (pip installs the package and its
dependencies from PyPI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ..helpers import BIN, REPO

PRE_COMMIT = BIN / "pre-commit"
# What pre-commit needs to install the hooks: the manifest and the package's own files.
SNAPSHOT = (".pre-commit-hooks.yaml", "pyproject.toml", "README.md", "flake8_mlflow_naming")

VIOLATING = "import mlflow\nwith mlflow.start_run():\n    pass\n"
CLEAN = 'import mlflow\nwith mlflow.start_run(run_name="resnet50_baseline"):\n    pass\n'
NESTED = (
    "import mlflow\n"
    'with mlflow.start_run(run_name="sweep_parent"):\n'
    '    with mlflow.start_run(run_name="sweep_child"):\n'
    "        pass\n"
)

pytestmark = pytest.mark.skipif(not PRE_COMMIT.exists() or shutil.which("git") is None, reason="needs pre-commit and git")


def git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory) -> tuple[Path, str]:
    """A git repository holding this checkout's installable files, and its commit."""
    root = tmp_path_factory.mktemp("hooks_repo")
    for name in SNAPSHOT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, root / name)
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "snapshot", cwd=root)
    return root, git("rev-parse", "HEAD", cwd=root)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    """One pre-commit cache for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre_commit_home")


@pytest.fixture
def project(tmp_path, hooks_repo) -> Path:
    """A git repository using both hooks from the snapshot."""
    repo, rev = hooks_repo
    git("init", "-q", "-b", "main", cwd=tmp_path)
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo.as_uri()}\n    rev: {rev}\n    hooks:\n      - id: mlflow-naming\n      - id: mlflow-naming-fix\n"
    )
    return tmp_path


def run_hook(project: Path, home: Path, hook: str, *files: str) -> subprocess.CompletedProcess:
    git("add", "-A", cwd=project)
    # pre-commit and git must be found; the hook's own environment is pre-commit's business.
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [str(PRE_COMMIT), "run", hook, "--color", "never", "--files", *files],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_check_hook_fails_on_violation_and_passes_clean(project, pre_commit_home):
    (project / "bad.py").write_text(VIOLATING)
    (project / "good.py").write_text(CLEAN)
    failed = run_hook(project, pre_commit_home, "mlflow-naming", "bad.py")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "bad.py:2:6: MLN001" in failed.stdout
    passed = run_hook(project, pre_commit_home, "mlflow-naming", "good.py")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


def test_check_hook_skips_files_that_are_not_python(project, pre_commit_home):
    (project / "notes.txt").write_text(VIOLATING)
    result = run_hook(project, pre_commit_home, "mlflow-naming", "notes.txt")
    assert result.returncode == 0 and "no files to check" in result.stdout.lower()


def test_fix_hook_rewrites_then_passes(project, pre_commit_home):
    (project / "sweep.py").write_text(NESTED)
    first = run_hook(project, pre_commit_home, "mlflow-naming-fix", "sweep.py")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert 'with mlflow.start_run(run_name="sweep_child", nested=True):' in (project / "sweep.py").read_text()
    second = run_hook(project, pre_commit_home, "mlflow-naming-fix", "sweep.py")
    assert second.returncode == 0, second.stdout + second.stderr
    check = run_hook(project, pre_commit_home, "mlflow-naming", "sweep.py")
    assert check.returncode == 0, check.stdout + check.stderr


KEBAB_SETTINGS = {"regex": "^[a-z]+(-[a-z]+)+$", "max": 20}
KEBAB_TREE = {
    "train.py": 'import mlflow\nwith mlflow.start_run(run_name="good-kebab"):\n    pass\n'
    'with mlflow.start_run(run_name="bad_snake"):\n    pass\n'
    'with mlflow.start_run(run_name="much-too-long-for-twenty"):\n    pass\n',
    "generated/gen.py": VIOLATING,
}
#: The same settings in each place a team may keep them: pyproject, or flake8's own files.
CONFIG_PLACES = {
    "pyproject.toml": "[tool.mlflow-naming]\nrun-name-regex = '{regex}'\nrun-name-max-length = {max}\nextend-exclude = ['generated']\n",
    "setup.cfg": "[flake8]\nmlflow-run-name-regex = {regex}\nmlflow_run_name_max_length = {max}\n",
    "tox.ini": "[tox]\nenvlist = py\n\n[flake8]\nmlflow-run-name-regex = {regex}\nmlflow-run-name-max-length = {max}\n",
    ".flake8": "[flake8]\nmlflow-run-name-regex = {regex}\nmlflow-run-name-max-length = {max}\n",
}


def finding_lines(text: str) -> list[str]:
    """``path:line:col: CODE`` of every finding line in a report (pre-commit adds its own lines around them)."""
    import re

    return sorted(m.group(1) for m in re.finditer(r"^(?:\./)?(\S+\.py:\d+:\d+: MLN\d+) ", text, re.M))


@pytest.mark.parametrize("place", list(CONFIG_PLACES))
def test_flake8_check_and_the_hook_agree_wherever_the_configuration_lives(place, project, pre_commit_home):
    (project / place).write_text(CONFIG_PLACES[place].format(**KEBAB_SETTINGS))
    for name, text in KEBAB_TREE.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    files = ["train.py"] if place != "pyproject.toml" else ["train.py", "generated/gen.py"]
    flake8 = subprocess.run([str(BIN / "flake8"), "--select", "MLN", *files], cwd=project, capture_output=True, text=True)
    check = subprocess.run(
        [str(BIN / "mlflow-naming"), "check", "--force-exclude", *files], cwd=project, capture_output=True, text=True
    )
    hook = run_hook(project, pre_commit_home, "mlflow-naming", *files)
    # Written from the settings: bad_snake breaks the regex (line 4), the long name the length (line 6).
    expected = ["train.py:4:32: MLN003", "train.py:6:32: MLN003"]
    assert finding_lines(flake8.stdout) == expected, flake8.stdout + flake8.stderr
    assert finding_lines(check.stdout) == expected, check.stdout + check.stderr
    assert finding_lines(hook.stdout) == expected, hook.stdout + hook.stderr


def test_check_hook_honours_exclude_for_the_files_pre_commit_passes(project, pre_commit_home):
    (project / "pyproject.toml").write_text("[tool.mlflow-naming]\nextend-exclude = ['legacy']\n")
    (project / "legacy").mkdir()
    (project / "legacy" / "old.py").write_text(VIOLATING)
    (project / "new.py").write_text(VIOLATING)
    result = run_hook(project, pre_commit_home, "mlflow-naming", "legacy/old.py", "new.py")
    assert result.returncode == 1
    assert finding_lines(result.stdout) == ["new.py:2:6: MLN001"], result.stdout
