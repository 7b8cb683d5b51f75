"""The runtime gate: a tracking-store plugin that judges every run before MLflow stores it.

Most unnamed runs are created where no ``start_run`` is written (autolog, fluent logging with
no run, ``mlflow.evaluate``, projects, Ray and Optuna callbacks, other libraries'
``create_run``). All of them reach the tracking store, so the gate sits there: a URI
``mlflow-naming+<inner>`` (``mlflow-naming+sqlite:///mlruns.db``,
``mlflow-naming+http://host:5000``) builds the inner store through MLflow's own registry and
checks names on the way in. See docs/runtime.md.

:mod:`.policy` decides (plain values in, decisions out, no MLflow); :mod:`.store` wires the
decisions into MLflow's store classes.

MLflow loads every ``mlflow.tracking_store`` entry point whenever it is imported, in every
process of the environment, gated or not. So the builders the entry points name live here
and import :mod:`.store` (and the configuration) only when a gated URI is actually used.
"""

from __future__ import annotations

from typing import Any

from .scheme import SCHEME_PREFIX

__all__ = ["SCHEME_PREFIX", "build_registry_store", "build_tracking_store"]



def build_tracking_store(store_uri: str, artifact_uri: str | None = None, config: Any = None) -> Any:
    """The ``mlflow.tracking_store`` builder: the inner store of ``store_uri``, gated (see :mod:`.store`)."""
    from .store import build_gated_tracking_store

    return build_gated_tracking_store(store_uri, artifact_uri, config)


def build_registry_store(store_uri: str, tracking_uri: str | None = None) -> Any:
    """The ``mlflow.model_registry_store`` builder: the inner registry store, unchanged (see :mod:`.store`)."""
    from .store import build_inner_registry_store

    return build_inner_registry_store(store_uri, tracking_uri)
