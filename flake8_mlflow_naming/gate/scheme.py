"""The gate's URI scheme: ``mlflow-naming+<inner URI>``.

Kept apart from the store so the entry points (``gate/__init__.py``), which MLflow loads on
every import, need nothing else.
"""

from __future__ import annotations

from typing import TypeGuard

#: ``mlflow-naming+sqlite:///mlruns.db`` is the gate in front of ``sqlite:///mlruns.db``.
SCHEME_PREFIX = "mlflow-naming+"


def is_gated(uri: str | None) -> TypeGuard[str]:
    """True for a URI that asks for the gate."""
    return uri is not None and uri.startswith(SCHEME_PREFIX) and len(uri) > len(SCHEME_PREFIX)
