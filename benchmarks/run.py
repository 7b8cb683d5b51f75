"""Benchmark flake8-mlflow-naming against its performance targets (tracker issues 6 and 17).

Run from the project root, in the environment where the package is installed::

    pip install -e '.[bench]' && python benchmarks/run.py

The corpora are assembled from what is installed, never downloaded: the source of the
installed ``mlflow`` package (located with ``importlib.util.find_spec``, not imported) and
the environment's whole ``site-packages``. Both are copied (``.py``/``.pyi`` only, skipping
the folders every tool skips by default) into a temporary folder, so that mlflow-naming,
flake8 and Ruff see exactly the same files and no project configuration.

Every timed command runs as a subprocess with its output sent to ``/dev/null``; the
commands compared with each other run interleaved, round after round, and the median of
``--repeat`` rounds is reported. Each target ends with one ``PASS`` or ``MISS`` line.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

#: Folders none of the tools walk into by default (union of mlflow-naming's and Ruff's lists).
SKIPPED_FOLDERS = frozenset(
    {
        ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", ".eggs", "__pycache__",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist", "node_modules",
        "site-packages", "__pypackages__", ".ipynb_checkpoints", "_build", "buck-out",
        ".bzr", ".direnv", ".git-rewrite", ".pants.d", ".pytype", ".vscode",
    }
)  # fmt: skip

#: Appended to the files of the "5% need fixes" tree: MLN006's safe fix (add ``nested=True``).
INJECTED_VIOLATION = (
    "\n\ndef _benchmark_injected_nested_runs():\n"
    '    with mlflow.start_run(run_name="bench_outer"):\n'
    '        with mlflow.start_run(run_name="bench_inner"):\n'
    "            pass\n"
)

#: Runs flake8 with or without the MLN plugin: the same interpreter, flake8 and arguments,
#: only the plugin list differs. Selecting codes cannot do this: flake8 runs every loaded
#: plugin and filters its results afterwards (flake8/plugins/finder.py, _classify_plugins).
FLAKE8_RUNNER = """
import sys
from flake8.plugins import finder
if sys.argv.pop(1) == "without":
    _find = finder.find_plugins
    def find_plugins(cfg, opts):
        return [p for p in _find(cfg, opts)
                if not (p.entry_point.group == "flake8.extension" and p.entry_point.name == "MLN")]
    finder.find_plugins = find_plugins
from flake8.main.cli import main
sys.exit(main())
"""

RSS_LAUNCHER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""

TARGETS = {
    "startup": 2.0,  # check on one small file, x `python -c pass`
    "warm_vs_ruff": 0.5,  # warm-cache check, x Ruff's warm-cache run
    "cold_vs_ruff": 1.5,  # cold check of MLflow's tree, x Ruff's cold run, both at their defaults
    "flake8_stdin": 1.05,  # flake8 - on one non-MLflow file, with the plugin / without
    "flake8": 1.02,
    "ruff": 1.0,
    "fix_clean": 1.2,
    "scaling": 1.3,
    "memory_mb": 200.0,
    "jobs": 1.6,
}


class BenchError(Exception):
    """The benchmark cannot run (missing tool, failing command, timeout)."""


@dataclass
class Run:
    """One finished subprocess: wall time, CPU time (its own and its reaped children's), exit code."""

    seconds: float
    cpu_seconds: float
    returncode: int
    stderr: str


def run(command: list[str], cwd: Path, timeout: float, ok_codes: tuple[int, ...] = (0, 1)) -> Run:
    """Run ``command`` with stdout to /dev/null and a time limit; measure its wall time."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        except OSError as error:
            raise BenchError(f"cannot run {command[0]}: {error}") from None
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            process.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if timed_out.is_set():
        raise BenchError(f"timed out after {timeout:.0f} s: {' '.join(command)}")
    if process.returncode not in ok_codes:
        tail = "\n".join(stderr.strip().splitlines()[-5:])
        raise BenchError(f"exit code {process.returncode}: {' '.join(command)}\n{tail}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, process.returncode, stderr)


def peak_rss_mb(command: list[str], cwd: Path, timeout: float) -> float:
    """Peak RSS of ``command`` alone, in MB.

    Measured through a small launcher because Linux carries the parent's peak RSS into a
    forked child's ``ru_maxrss`` across ``exec``: a child of this (large) process would
    report at least this process's size. ``/usr/bin/time`` when present, else a minimal
    Python launcher (whose own few MB then form the floor of the figure).
    """
    time_binary = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    with tempfile.NamedTemporaryFile(suffix=".rss") as out:
        if time_binary:
            launcher = [time_binary, "-f", "%M", "-o", out.name]
        else:
            launcher = [sys.executable, "-c", RSS_LAUNCHER, out.name]
        run(launcher + command, cwd, timeout)
        text = Path(out.name).read_text().strip().splitlines()
    try:
        return int(text[-1]) / 1024
    except (IndexError, ValueError):
        raise BenchError(f"cannot read the peak memory of: {' '.join(command)}") from None


def interleaved(
    commands: dict[str, list[str]], cwd: Path, repeat: int, timeout: float, quiet: bool = False, ok_codes: tuple[int, ...] = (0, 1)
) -> dict[str, list[Run]]:
    """Run every command once per round, ``repeat`` rounds, so drift hits them all alike."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for round_ in range(repeat):
        for name, command in commands.items():
            result = run(command, cwd, timeout, ok_codes)
            runs[name].append(result)
            if not quiet:
                print(f"    round {round_ + 1}/{repeat}  {name:<22} {result.seconds:8.2f} s wall {result.cpu_seconds:8.2f} s CPU", flush=True)
    return runs


def median(runs: list[Run]) -> float:
    """Median wall time."""
    return statistics.median(r.seconds for r in runs)


def median_cpu(runs: list[Run]) -> float:
    """Median CPU time: what a single-process comparison should use on a shared machine,
    since other processes' load stretches wall time but hardly CPU time."""
    return statistics.median(r.cpu_seconds for r in runs)


def verdict(label: str, ok: bool, detail: str) -> str:
    line = f"{'PASS' if ok else 'MISS'}  {label}: {detail}"
    print(line, flush=True)
    return line


def miss_by(value: float, target: float, higher_is_better: bool = False) -> str:
    """'' when the target is met, else how far off it is, in percent of the target."""
    if (value >= target) if higher_is_better else (value <= target):
        return ""
    return f" (missed by {abs(value - target) / target:.0%})"


# ---------------------------------------------------------------------------- corpora


@dataclass
class Corpus:
    """A copied tree of Python files."""

    root: Path  # the folder to pass to the tools (cwd is its parent)
    files: list[Path]
    bytes: int

    @property
    def mb(self) -> float:
        return self.bytes / 1e6


def python_files(source: Path) -> list[Path]:
    """Every ``.py``/``.pyi`` regular file under ``source`` that no tool skips, sorted."""
    found = []
    for folder, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            if name.endswith((".py", ".pyi")) and not path.is_symlink() and path.is_file():
                found.append(path)
    return found


def copy_corpus(source: Path, files: list[Path], destination: Path) -> Corpus:
    """Copy ``files`` (under ``source``) to ``destination``, keeping relative paths."""
    copied, total = [], 0
    for path in files:
        target = destination / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copied.append(target)
        total += target.stat().st_size
    return Corpus(destination, copied, total)


def every_kth(files: list[Path], count: int) -> list[Path]:
    """About ``count`` files spread evenly over the sorted list (all of them if fewer)."""
    if count <= 0 or count >= len(files):
        return files
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


def mlflow_source() -> Path:
    """The installed mlflow package folder, found without importing mlflow."""
    spec = importlib.util.find_spec("mlflow")
    if spec is None or not spec.submodule_search_locations:
        raise BenchError("mlflow is not installed in this environment: pip install -e '.[bench]'")
    return Path(next(iter(spec.submodule_search_locations)))


# ---------------------------------------------------------------------------- machine


def tool(name: str) -> str:
    """The console script ``name`` next to this interpreter, else on PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        raise BenchError(f"{name} is not installed: pip install -e '.[bench]'")
    return found


def version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = next(
            f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory = "unknown"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "usable cores": str(len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else "unknown",
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        **{name: version(name) for name in ("flake8-mlflow-naming", "flake8", "ruff", "libcst", "mlflow")},
    }


# ---------------------------------------------------------------------------- benchmarks


def bench_flake8(corpus: Corpus, args: argparse.Namespace, report: dict) -> str:
    print(f"\n== flake8 -j1 with vs without the MLN plugin ({len(corpus.files)} files, {corpus.mb:.1f} MB)", flush=True)
    base = [sys.executable, "-c", FLAKE8_RUNNER]
    tail = ["-j1", "--exit-zero", corpus.root.name]
    runs = interleaved(
        {"flake8 without MLN": base + ["without"] + tail, "flake8 with MLN": base + ["with"] + tail},
        corpus.root.parent,
        args.repeat,
        args.timeout,
    )
    without, with_ = median_cpu(runs["flake8 without MLN"]), median_cpu(runs["flake8 with MLN"])
    wall_without, wall_with = median(runs["flake8 without MLN"]), median(runs["flake8 with MLN"])
    ratio = with_ / without
    report["flake8"] = {
        "files": len(corpus.files),
        "mb": corpus.mb,
        "without_cpu_s": without,
        "with_cpu_s": with_,
        "ratio_cpu": ratio,
        "without_wall_s": wall_without,
        "with_wall_s": wall_with,
        "ratio_wall": wall_with / wall_without,
    }
    return verdict(
        "flake8 overhead (CPU time)",
        ratio <= TARGETS["flake8"],
        f"{with_:.2f} s with / {without:.2f} s without = {ratio:.3f} (target <= {TARGETS['flake8']}){miss_by(ratio, TARGETS['flake8'])};"
        f" wall {wall_with:.2f} / {wall_without:.2f} s = {wall_with / wall_without:.3f}",
    )


def bench_mlflow_tree(corpus: Corpus, args: argparse.Namespace, report: dict) -> list[str]:
    print(f"\n== mlflow tree: check vs ruff vs fix --diff ({len(corpus.files)} files, {corpus.mb:.1f} MB)", flush=True)
    naming, ruff = tool("mlflow-naming"), tool("ruff")
    runs = interleaved(
        {
            "mlflow-naming check": [naming, "check", corpus.root.name],
            "ruff check": [ruff, "check", "--no-cache", "--exit-zero", corpus.root.name],
            "mlflow-naming fix --diff": [naming, "fix", "--diff", corpus.root.name],
        },
        corpus.root.parent,
        args.repeat,
        args.timeout,
    )
    check, ruff_s, fix = median(runs["mlflow-naming check"]), median(runs["ruff check"]), median(runs["mlflow-naming fix --diff"])
    check_cpu, ruff_cpu, fix_cpu = (median_cpu(runs[n]) for n in ("mlflow-naming check", "ruff check", "mlflow-naming fix --diff"))
    summary = re.search(r"(\d+) files? would change", runs["mlflow-naming fix --diff"][0].stderr)
    would_change = int(summary.group(1)) if summary else None
    report["mlflow_tree"] = {
        "files": len(corpus.files),
        "mb": corpus.mb,
        "check_s": check,
        "ruff_s": ruff_s,
        "fix_diff_s": fix,
        "check_cpu_s": check_cpu,
        "ruff_cpu_s": ruff_cpu,
        "fix_diff_cpu_s": fix_cpu,
        "files_fix_would_change": would_change,
        "check_cpu_s_per_mb": check_cpu / corpus.mb,
    }
    lines = [
        verdict(
            "check vs Ruff (wall time; Ruff uses every core)",
            check / ruff_s <= TARGETS["ruff"],
            f"{check:.2f} s / {ruff_s:.2f} s = {check / ruff_s:.2f} (target <= {TARGETS['ruff']}){miss_by(check / ruff_s, TARGETS['ruff'])};"
            f" CPU {check_cpu:.2f} / {ruff_cpu:.2f} s = {check_cpu / ruff_cpu:.2f}",
        )
    ]
    note = "" if would_change == 0 else f"; NOTE: {would_change} files would change, so the tree is not clean"
    lines.append(
        verdict(
            "fix --diff on a tree with nothing to fix (CPU time)",
            fix_cpu / check_cpu <= TARGETS["fix_clean"],
            f"{fix_cpu:.2f} s / check {check_cpu:.2f} s = {fix_cpu / check_cpu:.2f} (target <= {TARGETS['fix_clean']})"
            f"{miss_by(fix_cpu / check_cpu, TARGETS['fix_clean'])}; wall {fix:.2f} / {check:.2f} s = {fix / check:.2f}{note}",
        )
    )
    return lines


def bench_fix_sample(source: Path, files: list[Path], workdir: Path, args: argparse.Namespace, report: dict) -> str:
    """Copy the mlflow tree, add a fixable violation to ~5% of files, count LibCST parses in-process."""
    from flake8_mlflow_naming.config import ConfigSource
    from flake8_mlflow_naming.fix.loop import FixOptions, fix_many

    corpus = copy_corpus(source.parent, files, workdir / "fix5" / "mlflow")
    injected = set(every_kth(corpus.files, max(1, round(len(corpus.files) * args.fix_share))))
    for path in injected:
        text = path.read_bytes()
        path.write_bytes(text + (b"" if text.endswith(b"\n") or not text else b"\n") + INJECTED_VIOLATION.encode())
    print(f"\n== fix on a tree where {len(injected)} of {len(corpus.files)} files need a fix (in-process fix_many, writes nothing)", flush=True)
    start = time.perf_counter()
    results = list(fix_many([str(p) for p in corpus.files], FixOptions(write=False), ConfigSource(), jobs=1))
    seconds = time.perf_counter() - start
    parsed = {Path(r.path) for r in results if r.libcst_parses}
    changed = {Path(r.path) for r in results if r.changed}
    parses = sum(r.libcst_parses for r in results)
    errors = sum(1 for r in results if r.error)
    report["fix_sample"] = {
        "files": len(corpus.files),
        "files_injected": len(injected),
        "files_changed": len(changed),
        "files_parsed_by_libcst": len(parsed),
        "libcst_parses": parses,
        "errors": errors,
        "seconds": seconds,
    }
    print(
        f"    files {len(corpus.files)}, needing fixes {len(injected)}, changed {len(changed)}, "
        f"parsed by LibCST {len(parsed)}, LibCST parses {parses}, errors {errors}, {seconds:.2f} s",
        flush=True,
    )
    naming = tool("mlflow-naming")
    runs = interleaved(
        {"mlflow-naming check": [naming, "check", "mlflow"], "mlflow-naming fix --diff": [naming, "fix", "--diff", "mlflow"]},
        corpus.root.parent,
        1,  # for reference only; one round keeps the full run shorter
        args.timeout,
    )
    check, fix = median(runs["mlflow-naming check"]), median(runs["mlflow-naming fix --diff"])
    report["fix_sample"].update({"check_s": check, "fix_diff_s": fix, "fix_over_check": fix / check})
    print(f"    fix --diff {fix:.2f} s vs check {check:.2f} s = {fix / check:.2f}x (no target; for reference)", flush=True)
    only_those = parsed <= (injected | changed) and injected <= changed
    return verdict(
        "fix parses only the files that need fixes",
        only_those,
        f"{len(parsed)} files parsed ({parses} parses) for {len(injected)} files needing fixes out of {len(corpus.files)}"
        + ("" if only_those else f"; {len(parsed - injected - changed)} parsed without need, {len(injected - changed)} injected not fixed"),
    )


def bench_large_tree(small: Corpus, large: Corpus, args: argparse.Namespace, report: dict) -> list[str]:
    """Time per MB and peak memory of check, and the -j 2 speed-up, on the large tree.

    When ``check`` has ``-j``, its ``-j 1`` rounds are the check timing (one set of rounds
    fewer); otherwise ``fix --diff -j N`` measures the speed-up and plain check is timed.
    """
    naming = tool("mlflow-naming")
    check_help = subprocess.run([naming, "check", "--help"], check=False, capture_output=True, text=True, timeout=60).stdout
    check_has_jobs = bool(re.search(r"(^|\s)-j\b|--jobs\b", check_help))
    jobs_label, base = ("check", [naming, "check"]) if check_has_jobs else ("fix --diff", [naming, "fix", "--diff"])
    commands = {f"{jobs_label} -j 1": base + ["-j", "1", large.root.name], f"{jobs_label} -j 2": base + ["-j", "2", large.root.name]}
    if not check_has_jobs:
        commands = {"mlflow-naming check": [naming, "check", large.root.name], **commands}
    print(f"\n== large tree: check, and {jobs_label} -j 1 vs -j 2 ({len(large.files)} files, {large.mb:.1f} MB)", flush=True)
    runs = interleaved(commands, large.root.parent, args.repeat, args.timeout)
    one, two = median(runs[f"{jobs_label} -j 1"]), median(runs[f"{jobs_label} -j 2"])
    check = median_cpu(runs[f"{jobs_label} -j 1"] if check_has_jobs else runs["mlflow-naming check"])
    rss = peak_rss_mb([naming, "check", large.root.name], large.root.parent, args.timeout)
    small_rss = peak_rss_mb([naming, "check", small.root.name], small.root.parent, args.timeout)
    print(f"    peak RSS of check: {rss:.1f} MB (large tree), {small_rss:.1f} MB (mlflow tree)", flush=True)
    small_rate = report["mlflow_tree"]["check_cpu_s_per_mb"]
    large_rate = check / large.mb
    scaling = large_rate / small_rate
    summary = re.search(r"(\d+) files? would change", runs[f"{jobs_label} -j 1"][0].stderr)
    report["large_tree"] = {
        "files": len(large.files),
        "mb": large.mb,
        "check_cpu_s": check,
        "check_cpu_s_per_mb": large_rate,
        "scaling_ratio": scaling,
        "check_peak_rss_mb": rss,
        "mlflow_tree_check_peak_rss_mb": small_rss,
        "jobs_command": jobs_label,
        "jobs_1_s": one,
        "jobs_2_s": two,
        "jobs_speedup": one / two,
        "files_fix_would_change": int(summary.group(1)) if summary else None,
    }
    return [
        verdict(
            "CPU time per MB of check, large tree vs mlflow tree",
            scaling <= TARGETS["scaling"],
            f"{large_rate:.3f} s/MB ({len(large.files)} files) vs {small_rate:.3f} s/MB ({len(small.files)} files) = {scaling:.2f}"
            f" (target <= {TARGETS['scaling']}){miss_by(scaling, TARGETS['scaling'])}",
        ),
        verdict(
            "peak memory of check on the large tree",
            rss <= TARGETS["memory_mb"],
            f"{rss:.0f} MB (target <= {TARGETS['memory_mb']:.0f} MB){miss_by(rss, TARGETS['memory_mb'])}",
        ),
        verdict(
            f"-j 2 speed-up ({jobs_label}, wall time)",
            one / two >= TARGETS["jobs"],
            f"{one:.2f} s / {two:.2f} s = {one / two:.2f}x (target >= {TARGETS['jobs']}x)"
            f"{miss_by(one / two, TARGETS['jobs'], higher_is_better=True)}",
        ),
    ]


# ---------------------------------------------------------------------------- CLI speed (issue 17)

SMALL_PLAIN = "import os\n\n\ndef main():\n    print(os.getcwd())\n"
SMALL_MLFLOW = 'import mlflow\n\nwith mlflow.start_run(run_name="train_baseline"):\n    mlflow.log_param("lr", 0.1)\n'


def ratios(runs: dict[str, list[Run]], numerator: str, denominator: str, cpu: bool = False) -> tuple[float, float, float]:
    """Median, min and max of the round-by-round ratio of two interleaved commands' wall (or CPU) times."""
    if cpu:
        values = [a.cpu_seconds / b.cpu_seconds for a, b in zip(runs[numerator], runs[denominator])]
    else:
        values = [a.seconds / b.seconds for a, b in zip(runs[numerator], runs[denominator])]
    return statistics.median(values), min(values), max(values)


def shown(value: tuple[float, float, float]) -> str:
    return f"{value[0]:.2f} (min {value[1]:.2f}, max {value[2]:.2f})"


def corpus_of(source: Path, destination: Path, suffixes: tuple[str, ...] = (".py", ".pyi", ".ipynb")) -> Corpus:
    """A copy of ``source``'s Python files (symlinked folders such as MLflow's libs/*/mlflow not followed),
    without any project configuration, so every tool runs at its defaults on the same files.

    Top-level folders whose names every tool skips (the typical repository keeps the files it
    took from ``site-packages`` in a folder of that name) are copied under a neutral name.
    """
    found = []
    for top in sorted(source.iterdir()) if source.is_dir() else []:
        if top.is_dir() and not top.is_symlink() and top.name in SKIPPED_FOLDERS:
            corpus = corpus_of(top, destination / f"{top.name.strip('.').replace('-', '_')}_tree", suffixes)
            found.extend(corpus.files)
    for folder, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            if name.endswith(suffixes) and not path.is_symlink() and path.is_file():
                found.append(path)
    copied = [p for p in found if destination in p.parents]
    corpus = copy_corpus(source, [p for p in found if destination not in p.parents], destination)
    corpus.files.extend(copied)
    corpus.bytes += sum(p.stat().st_size for p in copied)
    return corpus


def bench_startup(workdir: Path, args: argparse.Namespace, report: dict) -> list[str]:
    """One small file, as pre-commit and editors run the tools: against the bare interpreter and Ruff."""
    folder = workdir / "startup"
    folder.mkdir()
    (folder / "plain.py").write_text(SMALL_PLAIN)
    (folder / "uses_mlflow.py").write_text(SMALL_MLFLOW)
    naming, ruff = tool("mlflow-naming"), tool("ruff")
    lines = []
    for name in ("plain.py", "uses_mlflow.py"):
        print(f"\n== start-up: one small file ({name}), {args.startup_repeat} rounds", flush=True)
        runs = interleaved(
            {
                "python -c pass": [sys.executable, "-c", "pass"],
                "mlflow-naming check": [naming, "check", "--no-cache", name],
                "ruff check": [ruff, "check", "--no-cache", "--exit-zero", name],
            },
            folder,
            args.startup_repeat,
            args.timeout,
            quiet=True,
        )
        versus_python, versus_ruff = ratios(runs, "mlflow-naming check", "python -c pass"), ratios(runs, "mlflow-naming check", "ruff check")
        cpu_versus_python = ratios(runs, "mlflow-naming check", "python -c pass", cpu=True)
        report[f"startup_{name}"] = {
            "python_s": median(runs["python -c pass"]),
            "check_s": median(runs["mlflow-naming check"]),
            "ruff_s": median(runs["ruff check"]),
            "check_over_python": versus_python,
            "check_over_ruff": versus_ruff,
            "check_over_python_cpu": cpu_versus_python,
        }
        lines.append(
            verdict(
                f"start-up, check {name} vs python -c pass",
                versus_python[0] <= TARGETS["startup"],
                f"{median(runs['mlflow-naming check']) * 1000:.0f} ms / {median(runs['python -c pass']) * 1000:.0f} ms = {shown(versus_python)}"
                f" (target <= {TARGETS['startup']}){miss_by(versus_python[0], TARGETS['startup'])}; CPU time {shown(cpu_versus_python)}; vs Ruff "
                f"{median(runs['ruff check']) * 1000:.0f} ms = {shown(versus_ruff)}",
            )
        )
    return lines


def bench_tree17(label: str, corpus: Corpus, args: argparse.Namespace, report: dict) -> list[str]:
    """Cold and warm check against Ruff cold and warm (both at their defaults), and -j 1 against -j 2."""
    naming, ruff = tool("mlflow-naming"), tool("ruff")
    name, cwd = corpus.root.name, corpus.root.parent
    print(f"\n== {label}: cold, warm and -j ({len(corpus.files)} files, {corpus.mb:.1f} MB)", flush=True)
    cache = cwd / ".mlflow_naming_cache"
    ruff_cache = cwd / ".ruff_cache"
    # Real user files include some no parser accepts: both tools report them (exit 2 for check).
    ok = (0, 1, 2)
    run([naming, "check", name], cwd, args.timeout, ok)  # prime both caches
    run([ruff, "check", "--exit-zero", name], cwd, args.timeout, ok)
    runs = interleaved(
        {
            "check warm": [naming, "check", name],
            "ruff warm": [ruff, "check", "--exit-zero", name],
            "check cold": [naming, "check", "--no-cache", name],
            "ruff cold": [ruff, "check", "--no-cache", "--exit-zero", name],
            "check -j 1": [naming, "check", "--no-cache", "-j", "1", name],
            "check -j 2": [naming, "check", "--no-cache", "-j", "2", name],
        },
        cwd,
        args.repeat,
        args.timeout,
        ok_codes=ok,
    )
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(ruff_cache, ignore_errors=True)
    warm, cold = ratios(runs, "check warm", "ruff warm"), ratios(runs, "check cold", "ruff cold")
    jobs = ratios(runs, "check -j 1", "check -j 2")
    report[f"tree_{label}"] = {
        "files": len(corpus.files),
        "mb": corpus.mb,
        **{f"{key.replace(' ', '_')}_s": median(value) for key, value in runs.items()},
        "warm_over_ruff_warm": warm,
        "cold_over_ruff_cold": cold,
        "jobs_speedup": jobs,
    }
    seconds = {key: median(value) for key, value in runs.items()}
    lines = [
        verdict(
            f"{label}: warm check vs Ruff warm",
            warm[0] <= TARGETS["warm_vs_ruff"],
            f"{seconds['check warm']:.3f} s / {seconds['ruff warm']:.3f} s = {shown(warm)} (target <= {TARGETS['warm_vs_ruff']})"
            f"{miss_by(warm[0], TARGETS['warm_vs_ruff'])}",
        ),
        verdict(
            f"{label}: cold check vs Ruff cold (both at their defaults)",
            cold[0] <= TARGETS["cold_vs_ruff"],
            f"{seconds['check cold']:.2f} s / {seconds['ruff cold']:.2f} s = {shown(cold)} (target <= {TARGETS['cold_vs_ruff']})"
            f"{miss_by(cold[0], TARGETS['cold_vs_ruff'])}",
        ),
        verdict(
            f"{label}: -j 2 speed-up over -j 1",
            jobs[0] >= TARGETS["jobs"],
            f"{seconds['check -j 1']:.2f} s / {seconds['check -j 2']:.2f} s = {shown(jobs)} (target >= {TARGETS['jobs']})"
            f"{miss_by(jobs[0], TARGETS['jobs'], higher_is_better=True)}",
        ),
    ]
    return lines


def bench_flake8_overhead17(mlflow_tree: Corpus, workdir: Path, args: argparse.Namespace, report: dict) -> list[str]:
    """flake8 with the plugin against without it: a 300-file slice, a 5-file run, one file over stdin."""
    base = [sys.executable, "-c", FLAKE8_RUNNER]
    python_files_only = [p for p in mlflow_tree.files if p.suffix == ".py"]
    lines = []
    for count in (300, 5):
        chosen = every_kth(python_files_only, count)
        relative = [str(p.relative_to(mlflow_tree.root.parent)) for p in chosen]
        print(f"\n== flake8 overhead on {len(chosen)} files of MLflow's tree", flush=True)
        runs = interleaved(
            {"without": base + ["without", "-j1", "--exit-zero", *relative], "with": base + ["with", "-j1", "--exit-zero", *relative]},
            mlflow_tree.root.parent,
            args.repeat if count > 5 else args.startup_repeat,
            args.timeout,
            quiet=count <= 5,
        )
        ratio = ratios(runs, "with", "without")
        cpu = median_cpu(runs["with"]) / median_cpu(runs["without"])
        report[f"flake8_overhead_{count}"] = {"ratio_wall": ratio, "ratio_cpu": cpu}
        lines.append(
            verdict(
                f"flake8 overhead, {len(chosen)} files",
                ratio[0] <= TARGETS["flake8"],
                f"with / without = {shown(ratio)} wall, {cpu:.3f} CPU (target <= {TARGETS['flake8']}){miss_by(ratio[0], TARGETS['flake8'])}",
            )
        )
    folder = workdir / "editor"
    folder.mkdir()
    plain = folder / "plain.py"
    plain.write_text(SMALL_PLAIN)
    print("\n== flake8 - (an editor linting one non-MLflow file over stdin)", flush=True)
    runs = {"without": [], "with": []}
    for _ in range(args.startup_repeat):
        for key in runs:
            with plain.open("rb") as stdin:
                start = time.perf_counter()
                subprocess.run(base + [key, "--exit-zero", "--stdin-display-name", "plain.py", "-"], cwd=folder, stdin=stdin, stdout=subprocess.DEVNULL, check=True)
                runs[key].append(Run(time.perf_counter() - start, 0.0, 0, ""))
    ratio = ratios(runs, "with", "without")
    report["flake8_stdin"] = {"with_s": median(runs["with"]), "without_s": median(runs["without"]), "ratio": ratio}
    lines.append(
        verdict(
            "flake8 - on one non-MLflow file",
            ratio[0] <= TARGETS["flake8_stdin"],
            f"{median(runs['with']) * 1000:.0f} ms / {median(runs['without']) * 1000:.0f} ms = {shown(ratio)}"
            f" (target <= {TARGETS['flake8_stdin']}){miss_by(ratio[0], TARGETS['flake8_stdin'])}",
        )
    )
    return lines


def typical_repo(args: argparse.Namespace, workdir: Path) -> Path:
    """The typical team repository: ``--typical-repo``, else built by build_typical_repo.py from this environment."""
    if args.typical_repo:
        return args.typical_repo
    out = workdir / "typical_build"
    stdlib, purelib = sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"]
    subprocess.run(
        [sys.executable, str(Path(__file__).with_name("build_typical_repo.py")), "--out", str(out),
         "--plain-src", stdlib, "--plain-src", purelib, "--mlflow-src", str(args.users), "--total", "2000", "--mlflow-fraction", "0.05"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return out


def main17(args: argparse.Namespace, workdir: Path, report: dict) -> list[str]:
    """Every target of issue 17 in one run: start-up, the cache, -j, Ruff, and flake8's overhead."""
    verdicts = []
    if "startup" not in args.skip:
        verdicts.extend(bench_startup(workdir, args, report))
    trees = {"mlflow_src": args.mlflow_src, "users": args.users}
    if "typical" not in args.skip:
        trees["typical_repo"] = typical_repo(args, workdir)
    copies = {}
    for label, source in trees.items():
        if source is None or not Path(source).is_dir():
            print(f"\n  {label}: {source} not found, skipped", flush=True)
            continue
        copies[label] = corpus_of(Path(source), workdir / f"t17_{label}" / label)
        print(f"\n  {label:<22} {len(copies[label].files)} files, {copies[label].mb:.1f} MB from {source}", flush=True)
    if "trees" not in args.skip:
        for label, corpus in copies.items():
            if label in args.skip:
                continue
            verdicts.extend(bench_tree17(label, corpus, args, report))
    if "flake8" not in args.skip and "mlflow_src" in copies:
        verdicts.extend(bench_flake8_overhead17(copies["mlflow_src"], workdir, args, report))
    return verdicts


# ---------------------------------------------------------------------------- main


class _Done(Exception):
    """The requested parts have run."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds per comparison; medians are reported (default 5)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round, small corpora; figures are not meaningful")
    parser.add_argument("--large-files", type=int, default=10000, help="files taken (evenly) from site-packages for the large tree; 0 = all (default 10000)")
    parser.add_argument(
        "--flake8-files", type=int, default=400,
        help="files taken (evenly) from the mlflow tree for the flake8 comparison, whose -j1 runs are slow; 0 = all (default 400)",
    )
    parser.add_argument("--fix-share", type=float, default=0.05, help="share of files given a fixable violation (default 0.05)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before any one command is killed (default 3600)")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: flake8, mlflow, fix, large, startup, trees, typical, or a tree (mlflow_src, users)")
    parser.add_argument(
        "--issue6", action="store_true", help="also run the older targets (installed-mlflow tree, fix, large site-packages tree)"
    )
    parser.add_argument("--startup-repeat", type=int, default=15, help="rounds of the one-file runs (default 15)")
    parser.add_argument("--mlflow-src", type=Path, default=Path("/work/corpus/mlflow_src"), help="MLflow's source tree (a checkout)")
    parser.add_argument("--users", type=Path, default=Path("/work/corpus/users"), help="real MLflow user files")
    parser.add_argument(
        "--typical-repo", type=Path, help="a typical team repository; default: build one with build_typical_repo.py from this environment"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = 1
        args.large_files = args.large_files and min(args.large_files, 2000)
        args.flake8_files = min(args.flake8_files, 100) if args.flake8_files else 100
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    return args


def compile_package() -> None:
    """Write the package's bytecode, as installing a wheel does: with an editable install and
    ``PYTHONDONTWRITEBYTECODE`` set, every start would otherwise compile the package afresh."""
    import compileall

    spec = importlib.util.find_spec("flake8_mlflow_naming")
    if spec is not None and spec.submodule_search_locations:
        compileall.compile_dir(next(iter(spec.submodule_search_locations)), quiet=1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    compile_package()
    began = time.perf_counter()
    report: dict = {"machine": machine(), "settings": {k: v for k, v in vars(args).items() if k not in ("json", "skip")}}
    report["load_before"] = os.getloadavg()
    print("Machine")
    for key, value in report["machine"].items():
        print(f"  {key:<22} {value}")
    try:
        for name in ("mlflow-naming", "flake8", "ruff"):
            tool(name)
        source = mlflow_source()
        verdicts: list[str] = []
        with tempfile.TemporaryDirectory(prefix="mln-bench-") as temporary:
            workdir = Path(temporary)
            verdicts.extend(main17(args, workdir, report))
            if not args.issue6:
                raise _Done
            mlflow_files = python_files(source)
            small = copy_corpus(source.parent, mlflow_files, workdir / "small" / "mlflow")
            print(f"\nCorpora\n  mlflow tree            {len(small.files)} files, {small.mb:.1f} MB from {source}")
            if "flake8" not in args.skip:
                sample = every_kth(mlflow_files, args.flake8_files)
                corpus = small if sample is mlflow_files else copy_corpus(source.parent, sample, workdir / "flake8" / "mlflow")
                verdicts.append(bench_flake8(corpus, args, report))
            if "mlflow" not in args.skip or "large" not in args.skip:
                verdicts.extend(bench_mlflow_tree(small, args, report))
            if "fix" not in args.skip:
                verdicts.append(bench_fix_sample(source, mlflow_files, workdir, args, report))
            if "large" not in args.skip:
                site = Path(sysconfig.get_paths()["purelib"])
                every = python_files(site)
                large = copy_corpus(site, every_kth(every, args.large_files), workdir / "large" / "sitepkgs")
                print(f"\n  large tree             {len(large.files)} of {len(every)} files, {large.mb:.1f} MB from {site}", flush=True)
                verdicts.extend(bench_large_tree(small, large, args, report))
    except _Done:
        pass
    except BenchError as error:
        print(f"\nbenchmark error: {error}", file=sys.stderr)
        return 2
    report["runtime_s"] = time.perf_counter() - began
    report["load_after"] = os.getloadavg()
    print("\nSummary")
    for line in verdicts:
        print(f"  {line}")
    load = ", ".join(f"{x:.1f}" for x in report["load_before"] + report["load_after"])
    print(f"\nLoad average (1, 5, 15 min) before and after: {load} on {os.cpu_count()} cores")
    if max(report["load_before"][0], report["load_after"][0]) > 0.5:
        print("  The machine was busy with other work: wall times, and -j 2 most of all, are not reliable; CPU times hold up better.")
    print(f"\nRuntime {report['runtime_s']:.0f} s ({'quick smoke run: figures not meaningful' if args.quick else f'{args.repeat} rounds'})")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
