"""Suite-wide pytest settings: the ``slow`` marker.

The fast loop while working on the linter, the fixer or the command line::

    pytest -m "not slow" -p no:cacheprovider

skips the tests that drive real heavy parts: an MLflow tracking store (SQLite file or a
``mlflow server``), the gate and the audit against it, real pre-commit, real editors, and
the tests that train models. CI (``.ci/run``) runs everything.

A test is slow when it asks for a fixture that starts or fills a real tracking store, or
lives in a folder whose every test drives such a part; a slow test elsewhere says so with
``@pytest.mark.slow``. ``pytest --durations=30`` shows which tests deserve it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

#: Fixtures (tests/mlflow_fixtures.py) that start or open a real MLflow tracking store.
SLOW_FIXTURES = frozenset({"sqlite_tracking_uri", "tracking_uri", "mlflow_client", "experiment_id", "mlflow_server"})
#: Folders of tests/ whose tests all run a tracking server, pre-commit or an editor.
SLOW_FOLDERS = frozenset({"integrations", "gate", "audit"})

_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that need a real tracking store, pre-commit or an editor as ``slow``."""
    for item in items:
        folder = item.path.relative_to(_TESTS).parts[0] if item.path.is_relative_to(_TESTS) else ""
        if folder in SLOW_FOLDERS or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
