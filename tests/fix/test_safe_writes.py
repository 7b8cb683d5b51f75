"""``fix`` never loses an edit, an owner, a permission, a link or a byte, and counts only real writes.

Every scenario runs the real ``mlflow-naming`` in a subprocess on real files: real
concurrent processes, real users (as root the tool drops to ``nobody`` through
``tests/as_user.py``), a real ``chattr +i`` where the file system allows it and a real
file-size limit (``RLIMIT_FSIZE``) for a full disk.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flake8_mlflow_naming.sources.read import read_with_snapshot
from flake8_mlflow_naming.sources.write import ChangedWhileFixing, replace_verified

from ..helpers import BIN, REPO

NOBODY = 65534
#: One MLN006 finding (safe fix: nested=True) and one MLN003 finding (unsafe fix: the normalised name).
BLOCK = (
    "\ndef train_{n}():\n"
    "    with mlflow.start_run(run_name=\"Outer Run {n}\"):\n"
    "        with mlflow.start_run(run_name=\"inner_run_{n}\"):\n"
    "            mlflow.log_metric(\"loss\", 0.1)\n"
)
SOURCE = b"import mlflow\n\nwith mlflow.start_run(run_name='outer_run'):\n    with mlflow.start_run(run_name='inner_run'):\n        pass\n"
FIXED = SOURCE.replace(b"run_name='inner_run')", b"run_name='inner_run', nested=True)")

as_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to create files of another user and to drop to nobody")


def module(blocks: int) -> str:
    return "import mlflow\n" + "".join(BLOCK.format(n=n) for n in range(blocks))


def tool(*args: str, cwd: Path, user: int | None = None, preexec=None, timeout: float = 180) -> subprocess.CompletedProcess:
    """The real command line; as ``user`` through tests/as_user.py (which drops root with setuid)."""
    if user is None:
        command = [str(BIN / "mlflow-naming"), *args]
    else:
        command = [sys.executable, "-m", "tests.as_user", str(user), *args]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(command, cwd=cwd, capture_output=True, timeout=timeout, env=env, preexec_fn=preexec)
    assert b"Traceback" not in result.stdout + result.stderr, (result.stdout + result.stderr).decode()
    return result


def shared_folder(tmp_path: Path) -> Path:
    """A folder every user may enter and write (pytest's tmp_path is private to root)."""
    folder = Path("/tmp") / f"mlflow-naming-writes-{os.getpid()}-{tmp_path.name}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    folder.chmod(0o777)
    return folder


# --- lost updates ------------------------------------------------------------------------------


def test_replace_refuses_a_file_changed_since_it_was_read(tmp_path):
    path = tmp_path / "m.py"
    path.write_bytes(SOURCE)
    _, snapshot = read_with_snapshot(str(path))
    path.write_bytes(SOURCE + b"# USER EDIT\n")
    with pytest.raises(ChangedWhileFixing, match="changed while fixing; left unchanged"):
        replace_verified(path, FIXED, snapshot)
    assert path.read_bytes() == SOURCE + b"# USER EDIT\n"


def test_replace_sees_a_same_size_edit_with_the_old_mtime(tmp_path):
    """Size and mtime alone would miss it: the content hash does not."""
    path = tmp_path / "m.py"
    path.write_bytes(SOURCE)
    before = path.stat()
    _, snapshot = read_with_snapshot(str(path))
    edited = SOURCE.replace(b"outer_run", b"OUTER_RUN")
    path.write_bytes(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(ChangedWhileFixing):
        replace_verified(path, FIXED, snapshot)
    assert path.read_bytes() == edited


def test_replace_refuses_a_file_replaced_by_another(tmp_path):
    """An editor that saves by rename gives the path a new inode."""
    path = tmp_path / "m.py"
    path.write_bytes(SOURCE)
    _, snapshot = read_with_snapshot(str(path))
    (tmp_path / "new.py").write_bytes(SOURCE)
    os.replace(tmp_path / "new.py", path)
    with pytest.raises(ChangedWhileFixing):
        replace_verified(path, FIXED, snapshot)
    assert path.read_bytes() == SOURCE


def test_an_edit_saved_while_fix_runs_is_never_lost(tmp_path):
    """The issue's scenario: ``echo "# USER EDIT" >> tree/zzz_big.py`` while ``fix`` works on the tree."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for number in range(60):
        (tree / f"m{number:03}.py").write_bytes(SOURCE)
    big = tree / "zzz_big.py"
    big.write_text(module(400))  # LibCST takes seconds on it: the edit lands while it is fixed
    process = subprocess.Popen([str(BIN / "mlflow-naming"), "fix", "tree"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if all(p.read_bytes() == FIXED for p in tree.glob("m*.py")):
            break
        time.sleep(0.02)
    time.sleep(0.3)
    with big.open("a") as handle:
        handle.write("# USER EDIT\n")
    out, err = process.communicate(timeout=180)
    output = (out + err).decode()
    assert "Traceback" not in output
    content = big.read_text()
    assert content.endswith("# USER EDIT\n"), "the edit was lost"
    if "nested=True" not in content:  # the edit came after the read (the usual case)
        assert "tree/zzz_big.py:1:1: error: changed while fixing; left unchanged" in output, output
        assert process.returncode == 2
        assert "60 files changed, 60 fixes applied," in output, output
    assert list(tree.glob("*.tmp")) == []


def test_two_fixers_at_once_lose_nothing_silently(tmp_path):
    """``fix --select MLN006`` and ``fix --unsafe-fixes --select MLN003`` at once on one tree.

    Every fix is applied, or the run whose fix is missing named that file "changed while
    fixing"; each run's "files changed" is the number of files it really wrote.
    """
    tree = tmp_path / "tree"
    tree.mkdir()
    for number in range(150):
        (tree / f"m{number:03}.py").write_text(module(3))
    commands = {
        "MLN006": [str(BIN / "mlflow-naming"), "fix", "--select", "MLN006", "tree"],
        "MLN003": [str(BIN / "mlflow-naming"), "fix", "--unsafe-fixes", "--select", "MLN003", "tree"],
    }
    processes = {code: subprocess.Popen(c, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for code, c in commands.items()}
    outputs = {code: b"".join(p.communicate(timeout=300)).decode() for code, p in processes.items()}
    check = subprocess.run([str(BIN / "mlflow-naming"), "check", "--select", "MLN003,MLN006", "tree"], cwd=tmp_path, capture_output=True, text=True)
    for code, output in outputs.items():
        assert "Traceback" not in output
        reported = {line.split(":")[0] for line in output.splitlines() if line.endswith(": error: changed while fixing; left unchanged")}
        left = {line.split(":")[0] for line in check.stdout.splitlines() if f" {code} " in line}
        assert left == reported, (code, sorted(left ^ reported), output[-2000:])
        assert f"{150 - len(reported)} files changed" in output, output[-500:]
        assert processes[code].returncode == (2 if reported else 0)


# --- identity: owner, group, mode, links, xattrs -------------------------------------------------


@as_root
def test_root_keeps_the_owner_group_and_mode(tmp_path):
    path = tmp_path / "m.py"
    path.write_bytes(SOURCE)
    os.chown(path, NOBODY, NOBODY)
    path.chmod(0o640)
    result = tool("fix", "m.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    status = path.stat()
    assert path.read_bytes() == FIXED
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (NOBODY, NOBODY, 0o640)


def test_extended_attributes_survive(tmp_path):
    path = tmp_path / "m.py"
    path.write_bytes(SOURCE)
    try:
        os.setxattr(path, "user.origin", b"kept")
    except OSError as error:
        pytest.skip(f"this file system has no user extended attributes ({error.strerror})")
    assert tool("fix", "m.py", cwd=tmp_path).returncode == 0
    assert path.read_bytes() == FIXED and os.getxattr(path, "user.origin") == b"kept"


def test_a_read_only_file_is_reported_not_replaced(tmp_path):
    """Mode 444: also root, who could write it, leaves it alone."""
    path = tmp_path / "m.py"
    path.write_bytes(SOURCE)
    path.chmod(0o444)
    result = tool("fix", "m.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.decode().splitlines()[0] == "m.py:1:1: error: is read-only; left unchanged" or os.geteuid() != 0
    assert b"left unchanged" in result.stdout and b"0 files changed" in result.stdout
    assert path.read_bytes() == SOURCE and stat.S_IMODE(path.stat().st_mode) == 0o444


@as_root
def test_a_user_cannot_take_over_a_file_of_someone_else(tmp_path):
    """A root-owned 0644 file in a folder nobody may write: not replaced, still root's."""
    folder = shared_folder(tmp_path)
    try:
        path = folder / "m.py"
        path.write_bytes(SOURCE)
        path.chmod(0o644)
        result = tool("fix", "m.py", cwd=folder, user=NOBODY)
        assert result.returncode == 2, result.stdout
        assert "m.py:1:1: error: is read-only for you; left unchanged" in result.stdout.decode()
        assert b"0 files changed" in result.stdout
        assert path.read_bytes() == SOURCE and path.stat().st_uid == 0
        # Group-writable for nobody's group: fixed in place, and still root's.
        os.chown(path, 0, NOBODY)
        path.chmod(0o664)
        result = tool("fix", "m.py", cwd=folder, user=NOBODY)
        assert result.returncode == 0, result.stdout
        assert path.read_bytes() == FIXED
        assert (path.stat().st_uid, path.stat().st_gid, stat.S_IMODE(path.stat().st_mode)) == (0, NOBODY, 0o664)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@as_root
def test_a_writable_file_in_a_read_only_folder_is_fixed_in_place(tmp_path):
    """Like Ruff and black: the folder's permission does not matter for an in-place write."""
    folder = shared_folder(tmp_path)
    try:
        inner = folder / "locked"
        inner.mkdir()
        path = inner / "m.py"
        path.write_bytes(SOURCE)
        os.chown(path, NOBODY, NOBODY)
        os.chown(inner, NOBODY, NOBODY)
        inner.chmod(0o555)
        inode = path.stat().st_ino
        result = tool("fix", "locked/m.py", cwd=folder, user=NOBODY)
        assert result.returncode == 0, result.stdout
        assert b"1 file changed" in result.stdout
        assert path.read_bytes() == FIXED and path.stat().st_ino == inode
    finally:
        (folder / "locked").chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def test_hard_links_are_refused_unless_allowed(tmp_path):
    path, other_name = tmp_path / "m.py", tmp_path / "same_file.py"
    path.write_bytes(SOURCE)
    os.link(path, other_name)
    result = tool("fix", "m.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "m.py:1:1: error: has 2 hard links, which a replacement would separate; left unchanged" in result.stdout.decode()
    assert b"0 files changed" in result.stdout
    assert path.read_bytes() == SOURCE and path.stat().st_nlink == 2
    result = tool("fix", "--allow-hardlinks", "m.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert path.stat().st_nlink == 2 and path.read_bytes() == FIXED and other_name.read_bytes() == FIXED


# --- failed writes are not counted -----------------------------------------------------------------


def test_an_immutable_file_is_an_error_not_a_change(tmp_path):
    path = tmp_path / "m.py"
    path.write_bytes(SOURCE)
    (tmp_path / "other.py").write_bytes(SOURCE)
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not possible here (no chattr, not root, or the file system has no immutable flag)")
    try:
        result = tool("fix", "m.py", "other.py", cwd=tmp_path)
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    output = result.stdout.decode()
    assert result.returncode == 2
    assert "m.py:1:1: error: cannot write: Operation not permitted; left unchanged" in output, output
    assert "1 file changed, 1 fix applied, 1 finding left" in output, output
    assert path.read_bytes() == SOURCE


def _file_size_limit(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("allow_hardlinks", [False, True], ids=["by-rename", "in-place"])
def test_a_full_disk_is_an_error_not_a_change(tmp_path, allow_hardlinks):
    """RLIMIT_FSIZE below the fixed size: the write fails as on a full disk (EFBIG, like ENOSPC)."""
    path = tmp_path / "m.py"
    path.write_bytes(SOURCE)
    extra = ()
    if allow_hardlinks:
        os.link(path, tmp_path / "link.py")  # forces the in-place write
        extra = ("--allow-hardlinks",)
    result = tool("fix", *extra, "m.py", cwd=tmp_path, preexec=_file_size_limit(len(SOURCE) + 4))
    output = result.stdout.decode()
    assert result.returncode == 2, output
    assert "m.py:1:1: error: cannot write: File too large; left unchanged" in output, output
    assert "0 files changed, 0 fixes applied, 1 finding left" in output, output
    assert path.read_bytes() == SOURCE
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# --- interrupted runs ---------------------------------------------------------------------------


def _tree(root: Path, count: int) -> list[Path]:
    paths = []
    for number in range(count):
        path = root / f"m{number:04}.py"
        path.write_bytes(SOURCE)
        paths.append(path)
    return paths


@pytest.mark.parametrize(
    "command, jobs, group",
    [("fix", "1", False), ("migrate", "1", False), ("fix", "2", False), ("fix", "2", True)],
    ids=["fix", "migrate", "fix-j2-parent-only", "fix-j2-ctrl-c"],
)
def test_an_interrupted_run_names_what_it_changed_and_stops_within_one_file(tmp_path, command, jobs, group):
    paths = _tree(tmp_path, 600)
    process = subprocess.Popen(
        [str(BIN / "mlflow-naming"), command, "-j", jobs, "."], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(p.read_bytes() == FIXED for p in paths[:100]) < 20:
        time.sleep(0.01)
    signalled = time.monotonic()
    if group:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal: the whole process group
    else:
        os.kill(process.pid, signal.SIGINT)  # kill -INT: the main process only
    out, err = process.communicate(timeout=60)
    took = time.monotonic() - signalled
    at_exit = {p.name for p in paths if p.read_bytes() == FIXED}
    time.sleep(1.0)
    assert {p.name for p in paths if p.read_bytes() == FIXED} == at_exit, "files were written after the exit"
    assert all(p.read_bytes() in (SOURCE, FIXED) for p in paths)
    assert b"Traceback" not in out + err
    assert process.returncode == 130, err
    assert took < 10, f"exited {took:.1f} s after the signal"
    assert len(at_exit) < 600, "the signal came after the end"
    if command == "migrate":
        reported = {line.split(":")[0] for line in out.decode().splitlines() if line.endswith(": 1 fix (MLN006 x1), 0 findings left")}
    else:
        reported = {line.split(":")[0] for line in out.decode().splitlines() if line.endswith(": changed")}
    assert reported == at_exit
    assert f"interrupted: {len(at_exit)} files changed" in out.decode(), out.decode()[-300:]
