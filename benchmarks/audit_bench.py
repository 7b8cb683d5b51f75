"""Time ``mlflow-naming audit`` over 20,000 runs in a SQLite tracking store (tracker issue 8).

Run from the project root, in the environment where the package is installed with the
``runtime`` (or ``bench``) extra::

    python benchmarks/audit_bench.py            # 20,000 runs, 3 rounds
    python benchmarks/audit_bench.py --runs 2000 --repeat 1

MLflow creates the store (its own schema and migrations) and the experiment; the runs are
then inserted with one SQL transaction in the rows ``create_run`` writes (``runs``, ``tags``
with ``mlflow.runName``, ``params``), because ``create_run`` costs ~17 ms per run against
SQLite (about six minutes for 20,000). A sixth of the runs has each kind of finding.

``mlflow-naming audit`` then runs as a subprocess with its report sent to ``/dev/null``;
the median wall time of ``--repeat`` rounds is printed, with the child's peak memory (max
RSS), and the same for a tenth of the runs, so that memory growth with the number of runs
is visible. The timed command includes starting Python and importing MLflow.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ENV = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}


def make_store(folder: Path, runs: int) -> str:
    """A SQLite tracking store with one experiment of ``runs`` runs; its tracking URI."""
    db = folder / "mlflow.db"
    uri = f"sqlite:///{db}"
    setup = (
        "import sys, mlflow; c = mlflow.MlflowClient(tracking_uri=sys.argv[1]);"
        " print(c.create_experiment('bench', artifact_location=sys.argv[2]))"
    )
    experiment_id = subprocess.run(
        [sys.executable, "-c", setup, uri, str(folder / "artifacts")],
        check=True, capture_output=True, text=True, env=ENV,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    now = int(time.time() * 1000)
    run_rows, tag_rows, param_rows = [], [], []
    for i in range(runs):
        run_id = uuid.uuid4().hex
        kind = i % 6
        name = {1: f"Train Model {i}", 2: f"clumsy-fish-{i % 10_000}"}.get(kind, f"train_model_{i}")
        status = "RUNNING" if kind == 4 else "FINISHED"
        start = now - (100 * 3_600_000 if kind == 4 else 60_000)
        run_rows.append(
            (run_id, name, "UNKNOWN", "", "", "bench", status, start, None if kind == 4 else start + 1000,
             "", "active", f"{folder}/artifacts/{run_id}", int(experiment_id))
        )  # fmt: skip
        tags = {"mlflow.runName": name}
        if kind != 3:
            tags["owner"] = "ml"
        tag_rows.extend((key, value, run_id) for key, value in tags.items())
        param_rows.extend([("learning_rate", "0.01", run_id), ("epochs", "10", run_id)])
    with sqlite3.connect(db) as connection:
        connection.executemany(
            "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status,"
            " start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            run_rows,
        )
        connection.executemany("INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)", tag_rows)
        connection.executemany("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)", param_rows)
    return uri


def time_audit(uri: str, folder: Path, repeat: int, extra: list[str]) -> tuple[float, int, int]:
    """Median wall seconds, peak RSS (KiB) and exit code of ``mlflow-naming audit``."""
    pyproject = folder / "pyproject.toml"
    pyproject.write_text('[tool.mlflow-naming]\nrequired-tags = ["owner"]\n')
    command = [sys.executable, "-m", "flake8_mlflow_naming.cli", "audit", "--tracking-uri", uri,
               "--config", str(pyproject), "--output-format", "csv", *extra]  # fmt: skip
    times, peak, code = [], 0, 0
    for _ in range(repeat):
        started = time.perf_counter()
        with open(os.devnull, "w") as sink, tempfile.TemporaryFile("w+") as errors:
            process = subprocess.Popen(command, stdout=sink, stderr=errors, env=ENV)
            # wait4 gives this child's own peak RSS (KiB on Linux), not the maximum of all children.
            _, status, usage = os.wait4(process.pid, 0)
            times.append(time.perf_counter() - started)
            code = os.waitstatus_to_exitcode(status)
            process.returncode = code
            if code == 2:
                errors.seek(0)
                raise SystemExit(f"audit failed: {errors.read().strip()}")
        peak = max(peak, usage.ru_maxrss)
    return statistics.median(times), peak, code


def main() -> int:
    """Seed, time, print one line per store size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20_000, help="runs in the large store (default 20000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds per store (default 3)")
    parser.add_argument("--page-size", type=int, default=1000, help="audit --page-size (default 1000)")
    args = parser.parse_args()
    extra = ["--page-size", str(args.page_size)]
    with tempfile.TemporaryDirectory() as tmp:
        for runs in (max(1, args.runs // 10), args.runs):
            folder = Path(tmp) / f"store-{runs}"
            folder.mkdir()
            started = time.perf_counter()
            uri = make_store(folder, runs)
            seeded = time.perf_counter() - started
            seconds, peak_kib, code = time_audit(uri, folder, args.repeat, extra)
            print(
                f"audit of {runs:,} runs (SQLite store, page size {args.page_size}): {seconds:.2f} s median of "
                f"{args.repeat}, {runs / seconds:,.0f} runs/s, peak RSS {peak_kib / 1024:.0f} MiB, exit {code} "
                f"(seeding took {seeded:.1f} s)",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
