"""Time the runtime gate: 1,000 runs with 10 metrics each against SQLite, with and without it.

Run from the project root, in the environment where the package is installed with the
``runtime`` (or ``bench``) extra::

    python benchmarks/gate_bench.py                 # 1,000 runs, 5 rounds per store
    python benchmarks/gate_bench.py --runs 200 --repeat 1

One SQLite file serves both stores, ``sqlite:///…`` and ``mlflow-naming+sqlite:///…``, each
through ``MlflowClient`` as user code reaches it (the gate through its entry point, with the
default configuration: the benchmark runs in an empty temporary folder). Rounds alternate
between the two so that machine load and the file's growth fall on both alike; each round
uses a fresh experiment per store. In a round each store creates ``--runs`` runs, logs 10
metrics to each in one ``log_batch`` (as autolog and most trainers log) and ends each run;
the two stores take turns every ``--chunk`` runs, so a burst of load on this shared machine
falls on both alike instead of on one store's whole round.

Two workloads are timed: runs created with a schema-valid name (the gate only checks it),
and runs created without a name (the gate builds one: it reads the experiment's name and
asks the store whether the name is taken). The target is on the first; the second shows
what renaming costs. Printed: the median seconds per round of each store, and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

METRICS_PER_RUN = 10


def some_runs(client, experiment_id: str, first: int, count: int, named: bool) -> float:
    """Seconds to create ``count`` runs, log 10 metrics to each and end it."""
    from mlflow.entities import Metric

    started = time.perf_counter()
    for i in range(first, first + count):
        run = client.create_run(experiment_id, run_name=f"train_model_{i}" if named else None)
        now = int(time.time() * 1000)
        metrics = [Metric(f"metric_{k}", float(k * i), now, 0) for k in range(METRICS_PER_RUN)]
        client.log_batch(run.info.run_id, metrics=metrics)
        client.set_terminated(run.info.run_id)
    return time.perf_counter() - started


def one_round(clients: dict, round_number: int, label: str, runs: int, chunk: int, named: bool) -> dict[str, float]:
    """Seconds each store spent on its ``runs`` runs, the stores taking turns every ``chunk``."""
    experiments = {which: clients["plain"].create_experiment(f"bench_{label}_{which}_{round_number}") for which in clients}
    spent = dict.fromkeys(clients, 0.0)
    for first in range(0, runs, chunk):
        # Alternate which store goes first, so neither always runs on a warmer cache.
        order = ("plain", "gate") if (first // chunk + round_number) % 2 == 0 else ("gate", "plain")
        for which in order:
            spent[which] += some_runs(clients[which], experiments[which], first, min(chunk, runs - first), named)
    return spent


def main() -> int:
    """Alternate rounds with and without the gate; print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000, help="runs per round (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds per store and workload (default 5)")
    parser.add_argument("--chunk", type=int, default=25, help="runs per turn of each store (default 25)")
    parser.add_argument("--skip-unnamed", action="store_true", help="time only runs created with a valid name")
    args = parser.parse_args()
    import mlflow

    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # no pyproject here or above: the gate runs with the default configuration
        uri = f"sqlite:///{Path(tmp) / 'mlflow.db'}"
        clients = {"plain": mlflow.MlflowClient(tracking_uri=uri), "gate": mlflow.MlflowClient(tracking_uri="mlflow-naming+" + uri)}
        gate_store = clients["gate"]._tracking_client.store
        assert type(gate_store).__name__.startswith("Gated"), type(gate_store)
        workloads = [("named", True)] + ([] if args.skip_unnamed else [("unnamed", False)])
        for label, named in workloads:
            times: dict[str, list[float]] = {"plain": [], "gate": []}
            for round_number in range(args.repeat):
                for which, seconds in one_round(clients, round_number, label, args.runs, args.chunk, named).items():
                    times[which].append(seconds)
            plain, gate = statistics.median(times["plain"]), statistics.median(times["gate"])
            print(
                f"{label} runs: {args.runs:,} runs x {METRICS_PER_RUN} metrics, SQLite, median of {args.repeat}: "
                f"without the gate {plain:.2f} s, with it {gate:.2f} s, ratio {gate / plain:.3f} "
                f"(rounds: plain {', '.join(f'{t:.2f}' for t in times['plain'])}; "
                f"gate {', '.join(f'{t:.2f}' for t in times['gate'])})",
                flush=True,
            )
        os.chdir("/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
