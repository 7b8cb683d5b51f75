"""The flake8 options of the plugin: one table, read by the plugin and by the configuration.

A leaf that imports nothing, because flake8 imports the plugin at every start (an editor runs
``flake8 -`` once per file). ``config.py`` reads the same options from flake8's own files
(``setup.cfg``, ``tox.ini``, ``.flake8``) so ``check`` and flake8 agree.
"""

from __future__ import annotations

#: Kinds of value: plain text, flake8's comma-separated list, or a whole number.
TEXT, LIST, INTEGER = "text", "list", "integer"

#: flake8 option (as written in flake8's files, without ``--``) -> (pyproject key, kind).
#: The key's own validation applies to both spellings. ``required-tags-defaults`` and
#: ``max-fix-file-size`` have no option: they only shape fixes, which flake8 never applies
#: (nor do ``required-experiment-tags-defaults`` and ``stage-aliases``'s fix; the
#: ``lifecycle`` table is for ``audit`` alone).
FLAKE8_OPTIONS: dict[str, tuple[str, str]] = {
    "mlflow-run-name-regex": ("run-name-regex", TEXT),
    "mlflow-run-name-max-length": ("run-name-max-length", INTEGER),
    "mlflow-run-wrapper": ("run-wrapper", TEXT),
    "mlflow-wrapper-exempt": ("wrapper-exempt", LIST),
    "mlflow-tracked-artifact-roots": ("tracked-artifact-roots", LIST),
    "mlflow-run-name-template": ("run-name-template", TEXT),
    "mlflow-version": ("mlflow-version", TEXT),
    "mlflow-aliases": ("mlflow-aliases", LIST),
    "mlflow-run-wrapper-signature": ("run-wrapper-signature", TEXT),
    "mlflow-wrapper-source": ("wrapper-source", TEXT),
    "mlflow-experiment-name-regex": ("experiment-name-regex", TEXT),
    "mlflow-registered-model-name-regex": ("registered-model-name-regex", TEXT),
    "mlflow-required-tags": ("required-tags", LIST),
    "mlflow-required-experiment-tags": ("required-experiment-tags", LIST),
    "mlflow-promotion-tag": ("promotion-tag", TEXT),
}
