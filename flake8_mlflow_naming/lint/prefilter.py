"""The exact prefilter: files that cannot hold a finding are not parsed at all.

Its API list is derived from the rules' own declarations (``Rule.apis``), so a rule that
starts matching a new API is never silently skipped here. The rules are imported only for a
file that mentions one of the roots (``mlflow``, ...): a file that never names MLflow is
rejected without loading the engine, which is what start-up costs in pre-commit and editors.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Config


@cache
def prefilter_api_names() -> tuple[str, ...]:
    """:data:`.rules.API_NAMES` without names that contain another one (``set_tags`` holds ``set_tag``)."""
    from .rules import API_NAMES

    return tuple(name for name in API_NAMES if not any(other != name and other in name for other in API_NAMES))


def root_names(config: Config) -> tuple[str, ...]:
    """Text one of which every file able to hold a finding contains (see :func:`candidate_names`)."""
    roots = ("mlflow", "MlflowClient", *config.mlflow_aliases)
    return roots + (config.run_wrapper.split(".", 1)[0],) if config.run_wrapper else roots


def candidate_names(config: Config) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Two lists of text a file able to hold a finding contains one of each.

    Roots: every rule matches calls resolving to MLflow (through an import of ``mlflow``, a
    bare ``mlflow``, an ``MlflowClient`` annotation or a configured ``mlflow-aliases`` package) or to the configured wrapper (through
    an import naming its top-level package). APIs: the last name of what is called.
    """
    apis = prefilter_api_names()
    if config.run_wrapper:
        apis += (config.run_wrapper.rsplit(".", 1)[-1],)
    return root_names(config), apis


def could_have_findings(source: bytes | str, config: Config) -> bool:
    """The exact prefilter: False only when no rule can report anything in ``source``.

    Python normalises identifiers with NFKC (``ｍｌｆｌｏｗ`` is ``mlflow``), so a file with
    non-ASCII text is normalised before searching; undecodable ones are parsed (and reported).
    """
    roots = root_names(config)
    if isinstance(source, bytes):
        if source.isascii():
            if not any(r.encode() in source for r in roots):
                return False
            return any(a.encode() in source for a in candidate_names(config)[1])
        from .parse import SourceError, decode

        try:
            source = decode(source)
        except SourceError:
            return True
    if not source.isascii():
        import unicodedata

        source = unicodedata.normalize("NFKC", source)
    return any(r in source for r in roots) and any(a in source for a in candidate_names(config)[1])
