"""Nothing a repository supplies may run code, hide findings or redirect writes (docs/robustness.md, "Trust").

Every case is a hostile checkout: a planted cache, a planted link, a cache of the wrong shape,
a wrapper whose source changes under a warm cache. Each runs the real ``mlflow-naming check``
in a subprocess and compares with a ``--no-cache`` run of the same tree, so the expected
findings are never copied from the output under test. The per-user key lives in the test's
own ``XDG_CACHE_HOME``.
"""

from __future__ import annotations

import ast
import json
import os
import pickle
import shutil
import struct
import subprocess
import sys
from hashlib import blake2b
from pathlib import Path

import pytest

from .helpers import REPO, run_tool, write_project

PACKAGE = REPO / "flake8_mlflow_naming"
UNNAMED = "import mlflow\nwith mlflow.start_run():\n    pass\n"
#: Long ago: entries of files this old are not "racy", so size and times alone decide a hit.
OLD_NS = 1_600_000_000 * 10**9


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "MLFLOW_NAMING_CACHE_DIR": "", "MLFLOW_NAMING_CACHE_KEY": "", **extra}


def check(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = run_tool("mlflow-naming", "check", *args, cwd=cwd, env=env)
    output = result.stdout + result.stderr
    assert b"Traceback" not in output and b"internal error" not in output, output.decode(errors="replace")
    return result


def fresh(cwd: Path, *args: str, env: dict[str, str]) -> bytes:
    """What ``check`` reports with no cache at all: the truth the cached runs must match."""
    result = check(cwd, "--no-cache", *args, env=env)
    assert result.returncode == 1, result
    return result.stdout


def age(*paths: Path) -> None:
    for path in paths:
        os.utime(path, ns=(OLD_NS, OLD_NS))


def cache_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith("findings-"))


def user_key(tmp_path: Path) -> bytes:
    return (tmp_path / "xdg" / "mlflow-naming" / "key").read_bytes()


#: The cache file layout (format 4), written out here as the specification the tests check against.
MAGIC = b"mlflow-naming-cache 4\n"
HEADER = struct.Struct("<16sIIII")
RECORD = struct.Struct("<QqqB16s16sII")


def sign(key: bytes, body: bytes) -> bytes:
    """A cache file as the tool writes it: magic, keyed BLAKE2b of the body, the body."""
    return MAGIC + blake2b(body, key=key, digest_size=32, person=b"findings-cache").digest() + body


def pack(tool: bytes, root: bytes, entries: dict[str, list], findings_area: bytes | None = None) -> bytes:
    """A body: header, root, NUL-separated paths, records (size, mtime, ctime, racy, digest, key, offset, length), findings."""
    records, findings = b"", b""
    for fields in entries.values():
        *head, blob = fields
        records += RECORD.pack(*head, len(findings), len(blob))
        findings += blob
    if findings_area is not None:
        findings = findings_area
    paths = "\0".join(entries).encode()
    return HEADER.pack(tool, len(root), len(entries), len(paths), len(findings)) + root + paths + records + findings


def unpack(data: bytes) -> tuple[bytes, bytes, dict[str, list]]:
    """(tool, root, path -> [size, mtime, ctime, racy, digest, key, findings bytes]) of a cache file."""
    body = data[len(MAGIC) + 32 :]
    tool, root_length, count, paths_length, _ = HEADER.unpack_from(body)
    start = HEADER.size
    root = body[start : start + root_length]
    paths = body[start + root_length : start + root_length + paths_length].decode().split("\0")
    records = start + root_length + paths_length
    area = body[records + count * RECORD.size :]
    entries = {}
    for index, path in enumerate(paths):
        *head, offset, length = RECORD.unpack_from(body, records + index * RECORD.size)
        entries[path] = [*head, area[offset : offset + length]]
    return tool, root, entries


# --- nothing in the package deserialises or evaluates ---------------------------------------

#: Modules whose loading runs code named by the data.
UNSAFE_MODULES = {"pickle", "_pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "joblib", "runpy"}
UNSAFE_BUILTINS = {"eval", "exec", "compile", "__import__"}
UNSAFE_ATTRIBUTES = {("yaml", "load"), ("yaml", "unsafe_load"), ("yaml", "full_load"), ("yaml", "load_all")}


def unsafe_calls(source: str, name: str) -> list[str]:
    """Every import of a deserialiser that runs code, and every eval/exec/compile, in ``source``."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            problems += [f"{name}:{node.lineno} imports {a.name}" for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
            problems.append(f"{name}:{node.lineno} imports from {node.module}")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in UNSAFE_BUILTINS:
                problems.append(f"{name}:{node.lineno} calls {func.id}")
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (
                (func.value.id, func.attr) in UNSAFE_ATTRIBUTES or (func.value.id == "builtins" and func.attr in UNSAFE_BUILTINS)
            ):
                problems.append(f"{name}:{node.lineno} calls {func.value.id}.{func.attr}")
    return problems


def test_the_scan_finds_what_it_looks_for():
    sample = "import pickle\nfrom marshal import loads\nimport yaml\neval(x)\nexec(y)\ncompile(s, 'f', 'eval')\nyaml.load(t)\nre.compile(p)\n"
    assert [p.split(" ", 1)[1] for p in unsafe_calls(sample, "s")] == [
        "imports pickle", "imports from marshal", "calls eval", "calls exec", "calls compile", "calls yaml.load",
    ]  # fmt: skip


def test_the_package_never_unpickles_unmarshals_or_evaluates():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        problems += unsafe_calls(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    assert problems == []


# --- a planted cache never runs and never hides a finding -----------------------------------


def _reduce_call(callable_pushed: bytes, argument: str) -> bytes:
    encoded = argument.encode()
    return callable_pushed + b"\x8c" + bytes([len(encoded)]) + encoded + b"\x85R"


def _global(module: str, name: str) -> bytes:
    """Protocol 4's STACK_GLOBAL, which resolves a dotted ``name`` attribute by attribute."""
    return b"".join(b"\x8c" + bytes([len(part.encode())]) + part.encode() for part in (module, name)) + b"\x93"


def pickle_payloads(code: str) -> dict[str, bytes]:
    """Protocol-4 pickles that would run ``code`` through names the old restricted unpickler allowed."""
    dotted_exec = b"\x80\x04" + _reduce_call(_global("flake8_mlflow_naming.sources.notebook", "json.codecs.builtins.exec"), code) + b"."
    builtins_get = _reduce_call(_global("flake8_mlflow_naming.lint.findings", "__builtins__.get"), "exec")
    return {"dotted_exec": dotted_exec, "builtins_get": b"\x80\x04" + _reduce_call(builtins_get, code) + b"."}


@pytest.mark.parametrize("payload", ["dotted_exec", "builtins_get"])
def test_a_planted_pickle_never_runs_and_is_a_miss(tmp_path, payload):
    project = write_project(tmp_path / "p", {}, {"t.py": UNNAMED})
    env = _env(tmp_path)
    truth = fresh(project, "t.py", env=env)
    check(project, "t.py", env=env)  # a warm cache, as in CI after a first job
    sentinel = tmp_path / "RAN"
    planted = pickle_payloads(f"open({str(sentinel)!r}, 'w').close()")[payload]
    folder = project / ".mlflow_naming_cache"
    # Under every name a cache file has had, and as the current file itself.
    for name in ("findings-0.1.0.pickle", *(p.name for p in cache_files(folder))):
        (folder / name).write_bytes(planted)
    result = check(project, "t.py", env=env)
    assert not sentinel.exists()
    assert (result.returncode, result.stdout) == (1, truth)


def _forge_clean(folder: Path, target: Path, root: Path, attacker_key: bytes) -> None:
    """Replace every cache file by one saying ``target`` (right size, times and digest) has no findings."""
    from flake8_mlflow_naming.cli.main import build_parser
    from flake8_mlflow_naming.cli.options import selected_codes
    from flake8_mlflow_naming.config import ConfigFinder

    codes = selected_codes(build_parser().parse_args(["check"]))

    raw = target.read_bytes()
    status = target.stat()
    content_digest = blake2b(raw, digest_size=16).digest()
    config = ConfigFinder().for_path(target)
    for path in cache_files(folder):
        if path.suffix == ".pickle":  # the old format: (size, mtime_ns, digest, config key, racy, findings)
            old_key = blake2b(repr((config, str(config.root), sorted(codes))).encode(), digest_size=16).digest()
            entry = (status.st_size, status.st_mtime_ns, content_digest, old_key, False, b"")
            path.write_bytes(pickle.dumps({"format": 2, "entries": {str(target): entry}}, protocol=4))
        else:
            from flake8_mlflow_naming.cache.key import config_key, tool_fingerprint

            entry = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, 0, content_digest, config_key(config, codes), b""]
            body = pack(tool_fingerprint(), str(root).encode(), {str(target): entry})
            path.write_bytes(sign(attacker_key, body))


def test_a_forged_clean_entry_with_the_right_digest_is_a_miss(tmp_path):
    project = write_project(tmp_path / "p", {}, {"t.py": UNNAMED})
    age(project / "t.py")
    env = _env(tmp_path)
    truth = fresh(project, "t.py", env=env)
    check(project, "t.py", env=env)
    # The attacker knows every public input, but not the user's key.
    _forge_clean(project / ".mlflow_naming_cache", project / "t.py", project, attacker_key=b"\0" * 32)
    result = check(project, "t.py", env=env)
    assert (result.returncode, result.stdout) == (1, truth)


def test_an_entry_signed_with_the_users_key_is_used(tmp_path):
    """The control for the tests above: a well-formed entry with the right key *is* served (so the misses are real)."""
    project = write_project(tmp_path / "p", {}, {"t.py": UNNAMED})
    age(project / "t.py")
    env = _env(tmp_path)
    check(project, "t.py", env=env)
    _forge_clean(project / ".mlflow_naming_cache", project / "t.py", project, attacker_key=user_key(tmp_path))
    result = check(project, "t.py", env=env)
    assert (result.returncode, result.stdout) == (0, b"")


def test_the_key_is_private_and_a_readable_key_is_refused(tmp_path):
    project = write_project(tmp_path / "p", {}, {"t.py": UNNAMED})
    age(project / "t.py")
    env = _env(tmp_path)
    check(project, "t.py", env=env)
    key = tmp_path / "xdg" / "mlflow-naming" / "key"
    assert (key.stat().st_mode & 0o777, key.parent.stat().st_mode & 0o777, len(key.read_bytes())) == (0o600, 0o700, 32)
    # A key others may read is no secret: the cache is not used, not even one signed with it.
    _forge_clean(project / ".mlflow_naming_cache", project / "t.py", project, attacker_key=user_key(tmp_path))
    key.chmod(0o644)
    result = check(project, "t.py", env=env)
    assert (result.returncode, result.stdout) == (1, fresh(project, "t.py", env=env))


def test_a_linked_key_folder_is_refused(tmp_path):
    project = write_project(tmp_path / "p", {}, {"t.py": UNNAMED})
    age(project / "t.py")
    elsewhere = tmp_path / "elsewhere"
    check(project, "t.py", env=_env(tmp_path, XDG_CACHE_HOME=str(elsewhere)))
    (tmp_path / "xdg").mkdir()
    (tmp_path / "xdg" / "mlflow-naming").symlink_to(elsewhere / "mlflow-naming")
    env = _env(tmp_path)
    _forge_clean(project / ".mlflow_naming_cache", project / "t.py", project, attacker_key=(elsewhere / "mlflow-naming" / "key").read_bytes())
    result = check(project, "t.py", env=env)
    assert (result.returncode, result.stdout) == (1, fresh(project, "t.py", env=env))


def test_a_key_from_the_environment_shares_a_cache_between_users(tmp_path):
    project = write_project(tmp_path / "p", {}, {"t.py": UNNAMED})
    age(project / "t.py")
    shared = {"MLFLOW_NAMING_CACHE_KEY": "a long secret shared by the CI runners", "MLFLOW_NAMING_CACHE_DIR": str(tmp_path / "shared")}
    check(project, "t.py", env=_env(tmp_path, XDG_CACHE_HOME=str(tmp_path / "runner1"), **shared))
    key = blake2b(shared["MLFLOW_NAMING_CACHE_KEY"].encode(), digest_size=32, person=b"mlflow-naming").digest()
    _forge_clean(tmp_path / "shared", project / "t.py", project, attacker_key=key)
    result = check(project, "t.py", env=_env(tmp_path, XDG_CACHE_HOME=str(tmp_path / "runner2"), **shared))
    assert (result.returncode, result.stdout) == (0, b"")  # runner 2 trusts what runner 1 (same secret) wrote
    assert not (tmp_path / "runner2" / "mlflow-naming" / "key").exists()


# --- wrong-shaped entries are misses --------------------------------------------------------

def _finding(*fields: object) -> bytes:
    return json.dumps([["Finding", *fields]]).encode()


#: Entries the tool never writes: findings that are not findings, records pointing out of bounds.
WRONG_FINDINGS = {
    "findings_not_findings": json.dumps([1, "x"]).encode(),
    "unknown_class": json.dumps([["os.system", "touch x"]]).encode(),
    "field_of_wrong_type": _finding("2", 5, "MLN001", "m", 2, 23, None),
    "bool_for_int": _finding(True, 5, "MLN001", "m", 2, 23, None),
    "too_few_fields": _finding(2, 5),
    "deep": _finding(2, 5, "MLN001", "m", 2, 23, ["Fix", "d", "safe", [[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]),
    "bad_enum": _finding(2, 5, "MLN001", "m", 2, 23, ["Fix", "d", "maybe", []]),
    "not_json": b"\x80\x04\x95 not json",
    "not_utf8": b"[\xff]",
}


@pytest.mark.parametrize("shape", [*sorted(WRONG_FINDINGS), "racy_not_bool", "offset_out_of_bounds"])
def test_a_wrong_shaped_entry_is_a_miss_with_the_right_findings(tmp_path, shape):
    project = write_project(tmp_path / "p", {}, {"t.py": UNNAMED, "u.py": UNNAMED.replace("start_run()", "start_run(run_name='Bad')")})
    age(project / "t.py", project / "u.py")
    env = _env(tmp_path)
    truth = fresh(project, ".", env=env)
    check(project, ".", env=env)
    for path in cache_files(project / ".mlflow_naming_cache"):
        if path.suffix == ".pickle":  # the shapes of the issue, in the old format
            path.write_bytes(pickle.dumps({"format": 2, "entries": {str(project / "t.py"): (1, 2)}}, protocol=4))
            continue
        tool, root, entries = unpack(path.read_bytes())
        assert set(entries) == {str(project / "t.py"), str(project / "u.py")}
        for entry in entries.values():
            if shape == "racy_not_bool":
                entry[3] = 7
            elif shape in WRONG_FINDINGS:
                entry[6] = WRONG_FINDINGS[shape]
        body = pack(tool, root, entries, findings_area=b"" if shape == "offset_out_of_bounds" else None)
        if shape == "offset_out_of_bounds":  # the header must still add up: only the offsets lie
            assert all(entry[6] for entry in entries.values())
        path.write_bytes(sign(user_key(tmp_path), body))
    result = check(project, ".", env=env)
    assert (result.returncode, result.stdout) == (1, truth)


#: Whole files the tool never writes (each signed with the user's key, so only the layout checks stop them).
WRONG_FILES = {
    "empty": lambda body: b"",
    "json": lambda body: b'{"entries": []}',
    "truncated": lambda body: body[:-7],
    "longer": lambda body: body + b"\0",
    "count_too_high": lambda body: body[:20] + struct.pack("<I", 5) + body[24:],
    "header_only": lambda body: body[: HEADER.size],
}


@pytest.mark.parametrize("shape", sorted(WRONG_FILES))
def test_a_wrong_shaped_file_is_a_miss(tmp_path, shape):
    project = write_project(tmp_path / "p", {}, {"t.py": UNNAMED})
    env = _env(tmp_path)
    truth = fresh(project, "t.py", env=env)
    check(project, "t.py", env=env)
    for path in cache_files(project / ".mlflow_naming_cache"):
        if path.suffix == ".pickle":
            path.write_bytes(pickle.dumps([1, "x"], protocol=4))
            continue
        body = path.read_bytes()[len(MAGIC) + 32 :]
        path.write_bytes(sign(user_key(tmp_path), WRONG_FILES[shape](body)))
    result = check(project, "t.py", env=env)
    assert (result.returncode, result.stdout) == (1, truth)


# --- no writes through links ----------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("target", ["inside", "outside"])
def test_a_linked_cache_folder_receives_no_writes_and_check_still_reports(tmp_path, target):
    project = write_project(tmp_path / "p", {}, {"src/train.py": UNNAMED})
    env = _env(tmp_path)
    truth = fresh(project, ".", env=env)
    victim = project / "src" if target == "inside" else tmp_path / "outside"
    victim.mkdir(exist_ok=True)
    before = _snapshot(victim)
    (project / ".mlflow_naming_cache").symlink_to(victim, target_is_directory=True)
    # The second run would skip src/ if the first had written a .gitignore of '*' there.
    results = [check(project, ".", env=env) for _ in range(2)]
    assert [(r.returncode, r.stdout) for r in results] == [(1, truth)] * 2
    assert _snapshot(victim) == before
    assert all(b"cache not used" in r.stderr and b"symbolic link" in r.stderr for r in results)


def test_a_link_planted_inside_the_cache_folder_is_replaced_not_followed(tmp_path):
    project = write_project(tmp_path / "p", {}, {"t.py": UNNAMED})
    env = _env(tmp_path)
    check(project, "t.py", env=env)
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious\n")
    folder = project / ".mlflow_naming_cache"
    for path in [folder / ".gitignore", *cache_files(folder)]:
        path.unlink()
        path.symlink_to(victim)
    (project / "t.py").write_text(UNNAMED + "# changed\n")  # so there is something to store
    assert check(project, "t.py", env=env).returncode == 1
    assert victim.read_bytes() == b"precious\n"
    assert not (folder / ".gitignore").is_symlink() and (folder / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_repositorys_cache_dir_may_not_leave_the_project(tmp_path):
    outside = tmp_path / "outside"
    project = write_project(tmp_path / "p", {"cache-dir": "../outside/cache"}, {"t.py": UNNAMED})
    env = _env(tmp_path)
    result = check(project, "t.py", env=env)
    assert result.returncode == 1 and b"outside the project root" in result.stderr
    assert not outside.exists()
    # Through a linked parent folder too.
    outside.mkdir()
    (project / "var").symlink_to(outside, target_is_directory=True)
    write_project(project, {"cache-dir": "var/cache"})
    assert b"outside the project root" in check(project, "t.py", env=env).stderr
    assert list(outside.iterdir()) == []
    # The user may choose any folder: on the command line or in the environment.
    check(project, "--cache-dir", str(outside / "by_flag"), "t.py", env=env)
    check(project, "t.py", env=_env(tmp_path, MLFLOW_NAMING_CACHE_DIR=str(outside / "by_env")))
    assert sorted(p.name for p in outside.iterdir()) == ["by_env", "by_flag"]
    assert all((outside / name / ".gitignore").is_file() for name in ("by_env", "by_flag"))


def test_a_cache_folder_others_may_write_is_not_used(tmp_path):
    project = write_project(tmp_path / "p", {}, {"t.py": UNNAMED})
    age(project / "t.py")
    env = _env(tmp_path)
    check(project, "t.py", env=env)
    folder = project / ".mlflow_naming_cache"
    _forge_clean(folder, project / "t.py", project, attacker_key=user_key(tmp_path))
    folder.chmod(0o777)
    result = check(project, "t.py", env=env)
    assert (result.returncode, result.stdout) == (1, fresh(project, "t.py", env=env))
    assert b"writable by group or others" in result.stderr


# --- a complete key -------------------------------------------------------------------------

WRAPPED = "from team.runs import tracked\nfrom team import tracked as also_tracked\nwith tracked('Bad Name'):\n    pass\nwith also_tracked('Bad Name'):\n    pass\n"


def _wrapper_project(tmp_path: Path) -> Path:
    project = write_project(
        tmp_path / "p",
        {"run-wrapper": "team.runs.tracked"},
        {"team/__init__.py": "", "team/runs.py": "def tracked(run_name=None, **kwargs):\n    pass\n", "u.py": WRAPPED},
    )
    age(project / "u.py")
    return project


@pytest.mark.parametrize(
    "change",
    [
        # The wrapper's signature: the positional argument is now its config, not the run name.
        ("team/runs.py", "def tracked(config, run_name=None, **kwargs):\n    pass\n"),
        # A re-export: `team.tracked` is now the wrapper too.
        ("team/__init__.py", "from .runs import tracked\n"),
    ],
    ids=["signature", "reexport"],
)
def test_a_change_to_a_file_the_configuration_reads_invalidates(tmp_path, change):
    project = _wrapper_project(tmp_path)
    env = _env(tmp_path)
    before = fresh(project, "u.py", env=env)
    assert check(project, "u.py", env=env).stdout == before
    (project / change[0]).write_text(change[1])
    after = fresh(project, "u.py", env=env)
    assert after != before  # the change matters
    assert check(project, "u.py", env=env).stdout == after


def test_a_configuration_change_invalidates(tmp_path):
    project = write_project(tmp_path / "p", {}, {"t.py": UNNAMED.replace("start_run()", "start_run(run_name='Ab_c')")})
    age(project / "t.py")
    env = _env(tmp_path)
    before = fresh(project, "t.py", env=env)
    assert check(project, "t.py", env=env).stdout == before
    write_project(project, {"run-name-regex": "^[A-Z][a-z]_[a-z]$"})
    assert check(project, "t.py", env=env).stdout == check(project, "--no-cache", "t.py", env=env).stdout != before


def test_a_change_to_the_tools_own_code_invalidates(tmp_path):
    """An editable install changes code without a version bump: the cache must notice."""
    copy = tmp_path / "tool"
    shutil.copytree(PACKAGE, copy / "flake8_mlflow_naming", ignore=shutil.ignore_patterns("__pycache__"))
    project = write_project(tmp_path / "p", {}, {"t.py": UNNAMED})
    age(project / "t.py")
    env = {**os.environ, **_env(tmp_path), "PYTHONPATH": str(copy)}
    command = [sys.executable, "-m", "flake8_mlflow_naming.cli", "check", "t.py"]
    first = subprocess.run(command, cwd=project, env=env, capture_output=True, timeout=120, check=False)
    assert first.returncode == 1 and b"MLN001" in first.stdout
    with open(copy / "flake8_mlflow_naming" / "lint" / "engine.py", "a", encoding="utf-8") as engine:
        engine.write(
            "\n\n_unpatched_lint_source = lint_source\n\n\n"
            "def lint_source(*args, **kwargs):\n"
            "    import dataclasses\n\n"
            "    return [dataclasses.replace(f, message=f.message + ' (new code)') for f in _unpatched_lint_source(*args, **kwargs)]\n"
        )
    second = subprocess.run(command, cwd=project, env=env, capture_output=True, timeout=120, check=False)
    assert second.returncode == 1 and b"(new code)" in second.stdout, second


def test_two_projects_sharing_one_cache_folder_never_mix(tmp_path):
    """CI runners share a cache folder and check out different repositories at the same path."""
    shared = _env(tmp_path, MLFLOW_NAMING_CACHE_DIR=str(tmp_path / "shared"))
    one = write_project(tmp_path / "p", {}, {"t.py": UNNAMED})
    age(one / "t.py")
    first = check(one, "t.py", env=shared)
    assert first.stdout == fresh(one, "t.py", env=shared)
    shutil.rmtree(one)
    # Another repository at the same path: same size and mtime (restored from an archive), other code.
    other = write_project(tmp_path / "p", {}, {"t.py": UNNAMED.replace("start_run", "start_rux")})
    age(other / "t.py")
    assert (other / "t.py").stat().st_size == len(UNNAMED.encode())
    result = check(other, "t.py", env=shared)
    assert result.stdout == check(other, "--no-cache", "t.py", env=shared).stdout != first.stdout
    # And two projects at different paths keep separate cache files.
    two = write_project(tmp_path / "q", {"ignore": ["MLN001"]}, {"t.py": UNNAMED})
    check(two, "t.py", env=shared)
    assert len(cache_files(tmp_path / "shared")) == 2
    assert check(other, "t.py", env=shared).stdout == result.stdout


# --- the same rules for every input a repository supplies -----------------------------------


def test_wrapper_arguments_are_text_inserted_into_code_never_evaluated(tmp_path):
    sentinel = tmp_path / "RAN"
    hostile = f"__import__('os').system('touch {sentinel}') or exec('open(r\"{sentinel}\", \"w\")')"
    project = write_project(
        tmp_path / "p",
        {"run-wrapper": "team.production_run", "wrapper-arguments": {"config": f"team.runs:{hostile}"}},
        {
            "team/__init__.py": "from .runs import production_run\n",
            "team/runs.py": "def production_run(config, run_name, **kwargs):\n    pass\n",
            "u.py": "import mlflow\nwith mlflow.start_run(run_name='a_b'):\n    pass\n",
        },
    )
    env = _env(tmp_path)
    assert b"MLN002" in check(project, "u.py", env=env).stdout
    fixed = run_tool("mlflow-naming", "fix", "--unsafe-fixes", "u.py", cwd=project, env=env)
    assert fixed.returncode == 0, fixed
    assert "config=team___import__('os').system(" in (project / "u.py").read_text()
    assert not sentinel.exists()


def test_the_language_server_never_reads_or_writes_a_findings_cache():
    """Its workspace is a repository: it lints open documents in memory and writes nothing itself."""
    imported = set()
    for path in (PACKAGE / "lsp").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                imported.add(("." * node.level) + (node.module or ""))
    assert imported and not any(name.lstrip(".").startswith("cache") for name in imported)
