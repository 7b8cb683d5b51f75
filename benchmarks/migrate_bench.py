"""Time ``mlflow-naming migrate`` against LibCST's own parse-and-print floor (tracker issue 13).

Run from the project root, in the environment where the package is installed::

    python benchmarks/migrate_bench.py /path/to/real/mlflow/code     # 3 rounds
    python benchmarks/migrate_bench.py --repeat 1 fixtures/legacy

The folder given (``.py`` and ``.ipynb`` files; nothing is downloaded) is copied afresh into
a temporary folder for every round, because ``migrate`` rewrites files. Each round runs,
as subprocesses with their output sent to ``/dev/null``:

1. ``mlflow-naming migrate -j 1 --wrapper team.tracking.tracked_run COPY``: CPU time
   (user + system of the child), wall time and peak RSS (``/usr/bin/time -f %M`` when
   present);
2. the floor: ``libcst.parse_module(src).code`` over the original sources of exactly the
   files round 1 changed (a notebook's source is its joined code cells, what the fix loop
   parses), timed inside that process with ``time.process_time`` so that interpreter
   start-up and file reading are not counted in the floor;
3. in the same process, the library's fix loop (``fix_file``, nothing written) over the same
   changed files, timed the same way: the engine's own cost without start-up or the walk;
4. ``mlflow-naming migrate`` with the default ``-j`` (every core) on another fresh copy:
   wall time.

The ratio judged against the target (at most 3x) is the whole ``migrate -j 1`` command's
CPU time (start-up, walking and linting every file, fixing, writing) over the floor of the
changed files: the strictest reading. Medians of ``--repeat`` rounds are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WRAPPER = "team.tracking.tracked_run"
TARGET_RATIO = 3.0
SUFFIXES = (".py", ".ipynb")

#: Runs in a child process: the floor and the library's fix loop over the changed files.
IN_PROCESS = """
import gc, json, sys, time
import libcst
from flake8_mlflow_naming.config import ConfigSource
from flake8_mlflow_naming.fix.loop import FixOptions, fix_file
from flake8_mlflow_naming.sources.kinds import open_source

paths = json.loads(sys.argv[1])
sources = [open_source(p, open(p, "rb").read()).python for p in paths]
config = ConfigSource().overriding(run_wrapper=sys.argv[2])
options = FixOptions(unsafe=True, write=False)
fix_file(paths[0], options, config)  # import libcst's lazily loaded parts before timing
start = time.process_time()
for source in sources:
    libcst.parse_module(source).code
floor = time.process_time() - start
start = time.process_time()
for path in paths:
    fix_file(path, options, config)
fix = time.process_time() - start
print(json.dumps({"floor": floor, "fix": fix}))
"""


def source_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file() and not p.is_symlink())


def fresh_copy(source: Path, workdir: Path, name: str) -> Path:
    target = workdir / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    return target


def timed(command: list[str]) -> dict[str, float]:
    """Wall and CPU seconds of one child process, and its peak RSS in MB when measurable."""
    use_time = Path("/usr/bin/time").exists()
    rss_file = tempfile.NamedTemporaryFile(delete=False)  # noqa: SIM115 - closed at once; only its name is used
    rss_file.close()
    prefix = ["/usr/bin/time", "-f", "%M", "-o", rss_file.name] if use_time else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([*prefix, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1, 2):
        raise SystemExit(f"{command[0]} failed with exit code {result.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = None
    if use_time:
        text = Path(rss_file.name).read_text().strip().splitlines()
        peak = int(text[-1]) / 1024 if text and text[-1].isdigit() else None
    os.unlink(rss_file.name)
    return {"wall": wall, "cpu": cpu, "peak_mb": peak}


def tool() -> str:
    found = shutil.which("mlflow-naming", path=str(Path(sys.executable).parent)) or shutil.which("mlflow-naming")
    if found is None:
        raise SystemExit("mlflow-naming is not installed in this environment")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of .py/.ipynb files to migrate (copied, never changed)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; medians are reported (default 3)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    originals = source_files(corpus)
    if not originals:
        raise SystemExit(f"{corpus}: no .py or .ipynb files")
    command = tool()
    rounds: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="migrate-bench-") as temporary:
        workdir = Path(temporary)
        changed: list[Path] | None = None
        for number in range(args.repeat):
            copy = fresh_copy(corpus, workdir, "serial")
            serial = timed([command, "migrate", "-j", "1", "--wrapper", WRAPPER, str(copy)])
            if changed is None:
                changed = [p for p in originals if (copy / p.relative_to(corpus)).read_bytes() != p.read_bytes()]
                if not changed:
                    raise SystemExit("migrate changed no file: nothing to compare with the floor")
            child = subprocess.run(
                [sys.executable, "-c", IN_PROCESS, json.dumps([str(p) for p in changed]), WRAPPER],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            inside = json.loads(child.stdout.strip().splitlines()[-1])
            copy = fresh_copy(corpus, workdir, "parallel")
            parallel = timed([command, "migrate", "--wrapper", WRAPPER, str(copy)])
            rounds.append({"serial": serial, "parallel": parallel, **inside})
            print(f"round {number + 1}: migrate -j 1 {serial['cpu']:.2f} s CPU, floor {inside['floor']:.2f} s", file=sys.stderr)
    assert changed is not None
    size = sum(p.stat().st_size for p in changed) / 1e6
    med = statistics.median
    serial_cpu = med([r["serial"]["cpu"] for r in rounds])
    serial_wall = med([r["serial"]["wall"] for r in rounds])
    parallel_wall = med([r["parallel"]["wall"] for r in rounds])
    floor = med([r["floor"] for r in rounds])
    fix = med([r["fix"] for r in rounds])
    peaks = [r["serial"]["peak_mb"] for r in rounds if r["serial"]["peak_mb"] is not None]
    ratio = serial_cpu / floor
    figures = {
        "files": len(originals),
        "changed_files": len(changed),
        "changed_mb": round(size, 2),
        "migrate_j1_cpu_s": round(serial_cpu, 2),
        "migrate_j1_wall_s": round(serial_wall, 2),
        "migrate_default_j_wall_s": round(parallel_wall, 2),
        "floor_cpu_s": round(floor, 2),
        "fix_loop_cpu_s": round(fix, 2),
        "ratio_command_to_floor": round(ratio, 2),
        "ratio_fix_loop_to_floor": round(fix / floor, 2),
        "files_per_s_j1": round(len(originals) / serial_wall, 1),
        "files_per_s_default_j": round(len(originals) / parallel_wall, 1),
        "peak_rss_mb_j1": round(max(peaks), 1) if peaks else None,
        "rounds": len(rounds),
        "cores": os.cpu_count(),
    }
    for key, value in figures.items():
        print(f"{key:28} {value}")
    verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
    print(f"{verdict} migrate -j 1 costs {ratio:.2f}x LibCST's parse-and-print of the {len(changed)} changed files (target <= {TARGET_RATIO}x)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
