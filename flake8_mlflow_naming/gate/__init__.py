"""The runtime gate: a tracking-store plugin that judges every run before MLflow stores it.

Most unnamed runs are created where no ``start_run`` is written (autolog, fluent logging with
no run, ``mlflow.evaluate``, projects, Ray and Optuna callbacks, other libraries'
``create_run``). All of them reach the tracking store, so the gate sits there: a URI
``mlflow-naming+<inner>`` (``mlflow-naming+sqlite:///mlruns.db``,
``mlflow-naming+http://host:5000``) builds the inner store through MLflow's own registry and
checks names on the way in. See docs/runtime.md.

:mod:`.policy` decides (plain values in, decisions out, no MLflow); :mod:`.store` wires the
decisions into MLflow's store classes and registers the builders MLflow's entry points name.
"""

from __future__ import annotations

from .store import SCHEME_PREFIX, build_registry_store, build_tracking_store

__all__ = ["SCHEME_PREFIX", "build_registry_store", "build_tracking_store"]
