"""Calls of MLflow's model-registry methods, found by method name (MLN014, MLN015).

``transition_model_version_stage``, ``get_latest_versions`` and ``set_registered_model_alias``
are names only MLflow's clients use, and the client that calls them is rarely built where
it is used (a function parameter, an attribute, a notebook's global from a ``%run`` cell),
so resolving the receiver to ``MlflowClient`` would miss most of them. In a module that
names MLflow (the prefilter's roots) any ``x.<method>(...)`` counts, except where the
method is being implemented: a call on ``self``/``cls`` (a store or client class calling its
own method) and a call inside a function of the same name (a client forwarding to its store).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .context import ModuleContext
from .resolve import CallSite


def registry_method_calls(ctx: ModuleContext, method: str) -> Iterator[CallSite]:
    """Every ``<anything>.<method>(...)`` call in the module that uses the method, in source order."""
    for site in ctx.index.calls:
        func = site.node.func
        if not isinstance(func, ast.Attribute) or func.attr != method:
            continue
        if isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
            continue
        if site.function is not None and site.function.lstrip("_") == method:
            continue
        yield site
