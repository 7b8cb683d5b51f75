"""The exact prefilter: files that cannot hold a finding are not parsed at all.

Its API list is derived from the rules' own declarations (``Rule.apis``), so a rule that
starts matching a new API is never silently skipped here.
"""

from __future__ import annotations

import unicodedata

from ..config import Config
from .parse import SourceError, decode
from .rules import API_NAMES

#: :data:`.rules.API_NAMES` without names that contain another one (``set_tags`` holds ``set_tag``).
PREFILTER_API_NAMES = tuple(name for name in API_NAMES if not any(other != name and other in name for other in API_NAMES))


def candidate_names(config: Config) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Two lists of text a file able to hold a finding contains one of each.

    Roots: every rule matches calls resolving to MLflow (through an import of ``mlflow``, a
    bare ``mlflow``, an ``MlflowClient`` annotation or a configured ``mlflow-aliases`` package) or to the configured wrapper (through
    an import naming its top-level package). APIs: the last name of what is called.
    """
    roots = ["mlflow", "MlflowClient", *config.mlflow_aliases]
    apis = list(PREFILTER_API_NAMES)
    if config.run_wrapper:
        roots.append(config.run_wrapper.split(".", 1)[0])
        apis.append(config.run_wrapper.rsplit(".", 1)[-1])
    return tuple(roots), tuple(apis)


def could_have_findings(source: bytes | str, config: Config) -> bool:
    """The exact prefilter: False only when no rule can report anything in ``source``.

    Python normalises identifiers with NFKC (``ｍｌｆｌｏｗ`` is ``mlflow``), so a file with
    non-ASCII text is normalised before searching; undecodable ones are parsed (and reported).
    """
    roots, apis = candidate_names(config)
    if isinstance(source, bytes):
        if source.isascii():
            return any(r.encode() in source for r in roots) and any(a.encode() in source for a in apis)
        try:
            source = decode(source)
        except SourceError:
            return True
    if not source.isascii():
        source = unicodedata.normalize("NFKC", source)
    return any(r in source for r in roots) and any(a in source for a in apis)
