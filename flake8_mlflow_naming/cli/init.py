"""``mlflow-naming init``: propose a configuration from the names a repository already uses, and write it.

It reads the repository like ``check`` (``ast`` only, nothing imported) and, with
``--tracking-uri``, the run, experiment and registered-model names on the tracking server
(paged; MLflow is imported only then). It prints the schema it infers for each kind of name,
how many existing names fit it and which do not, then writes ``[tool.mlflow-naming]`` and the
pre-commit hook, or with ``--dry-run`` prints both. Exit 0 when done, 2 on an error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..adopt.propose import SERVER, KindProposal, Proposal, propose
from ..adopt.scan import scan_repository
from ..adopt.write import InitError, PlannedFile, pre_commit_with_hook, pyproject_with_settings, write_planned
from ..schema_inference import MIN_NAMES_TO_INFER
from .options import EXIT_CLEAN, EXIT_ERROR

#: Names listed per kind that do not fit; the rest are counted.
MAX_LISTED = 20


def init_command(args: argparse.Namespace) -> int:
    """Scan, infer, print, and write (or with ``--dry-run`` only print) the configuration."""
    root = Path(args.path)
    if args.force and args.dry_run:
        return _error("--dry-run writes nothing, so --force has nothing to allow; use one of them")
    if not root.is_dir():
        return _error(f"{args.path}: not a folder")
    server: dict[str, Sequence[str]] | None = None
    generated = 0
    if args.tracking_uri:
        try:
            server, generated = _server_names(args.tracking_uri, args.page_size)
        except Exception as error:  # MlflowException, connection errors: the server's problem
            from ..audit.checks import mask_uri, one_line

            return _error(f"cannot read tracking URI {mask_uri(args.tracking_uri)}: {mask_uri(one_line(error))}")
    repository = scan_repository(root)
    proposal = propose(repository, server, generated)
    out = sys.stdout
    _print_findings(out, proposal, server is not None)
    try:
        planned = [pyproject_with_settings(root / "pyproject.toml", proposal.settings, args.force or args.dry_run), pre_commit_with_hook(root / ".pre-commit-config.yaml")]
    except InitError as error:
        return _error(str(error))
    for file in planned:
        _print_plan(out, file, args.dry_run)
        if not args.dry_run and file.action != "unchanged":
            write_planned(file)
    if not args.dry_run:
        out.write("\nNext: mlflow-naming check   (then: mlflow-naming fix; pre-commit install)\n")
    return EXIT_CLEAN


def _error(message: str) -> int:
    sys.stderr.write(f"mlflow-naming: error: init: {message}\n")
    return EXIT_ERROR


def _server_names(uri: str, page_size: int) -> tuple[dict[str, Sequence[str]], int]:
    """Run, experiment and registered-model names on the tracking server at ``uri``, every page.

    Run names MLflow generated for unnamed runs are left out and counted (the second item).
    """
    from ..audit.store import iter_runs, resolve_experiments

    # The audit's own guards: a mistyped SQLite path is not a new empty store, and an
    # unreachable server fails in seconds, not after minutes of retries.
    from .audit import _HTTP_DEFAULTS, _missing_local_store

    missing = _missing_local_store(uri)
    if missing is not None:
        raise FileNotFoundError(f"no tracking store at {missing}")
    for key, value in _HTTP_DEFAULTS.items():
        os.environ.setdefault(key, value)
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=uri)
    experiments = resolve_experiments(client, [], page_size)
    runs = [run.info.run_name for experiment_id, _name in experiments for page in iter_runs(client, experiment_id, page_size) for run in page]
    models: list[str] = []
    token = None
    while True:
        page: Any = client.search_registered_models(max_results=min(page_size, 1000), page_token=token)
        models.extend(model.name for model in page)
        token = page.token
        if not token:
            break
    generated = _generated_name_test()
    chosen = [name for name in runs if name and not generated(name)]
    # MLflow creates "Default" (id 0) itself: it says nothing about the team's convention.
    names: dict[str, Sequence[str]] = {
        "run": chosen,
        "experiment": [name for experiment_id, name in experiments if experiment_id != "0"],
        "registered_model": models,
    }
    return names, len({name for name in runs if name} - set(chosen))


def _generated_name_test():
    """Whether a run name is one MLflow generated: its own word lists when this MLflow has them.

    The shape alone (``word-word-number``) also fits names a kebab-case team chose
    (``ctr-wide-3``); MLflow builds its names from a fixed list of adjectives and nouns.
    """
    from ..naming import looks_generated

    try:
        from mlflow.utils import name_utils

        predicates, nouns = frozenset(name_utils._GENERATOR_PREDICATES), frozenset(name_utils._GENERATOR_NOUNS)
    except (ImportError, AttributeError):  # another MLflow release: the shape is all there is
        return looks_generated

    def generated(name: str) -> bool:
        if not looks_generated(name):
            return False
        predicate, noun, _number = name.split("-")
        return predicate in predicates and noun in nouns

    return generated


def _print_findings(out, proposal: Proposal, with_server: bool) -> None:
    repository = proposal.repository
    out.write(f"Read {repository.files} Python files and notebooks")
    out.write(f" ({len(repository.unreadable)} could not be parsed and were skipped)\n" if repository.unreadable else "\n")
    if repository.wrapper is not None:
        wrapper = repository.wrapper
        shape = "context manager" if wrapper.context_manager else "function"
        out.write(
            f"\nRun wrapper: {repository.wrapper_path} ({wrapper.path}:{wrapper.line}, a {shape} called {repository.wrapper_calls} times;"
            f" the run name is its parameter {wrapper.run_name_parameter!r})\n"
        )
        if wrapper.run_name_parameter != "run_name":
            out.write("  note: the rules look for the run name in a parameter called 'run_name'; rename the parameter to get names checked\n")
    elif repository.uncalled_wrappers:
        shown = ", ".join(repository.uncalled_wrappers[:3])
        more = f" and {len(repository.uncalled_wrappers) - 3} more" if len(repository.uncalled_wrappers) > 3 else ""
        out.write(f"\nRun wrapper: none proposed ({shown}{more} take a run name and start a run, but nothing calls them)\n")
    else:
        out.write("\nRun wrapper: none found (no function that takes a run name and calls mlflow.start_run)\n")
    for kind in proposal.kinds:
        _print_kind(out, kind, with_server)


def _print_kind(out, kind: KindProposal, with_server: bool) -> None:
    inference = kind.inference
    total = len(inference.names)
    on_server = sum(1 for places in kind.where.values() if places == [SERVER])
    origin = f"{total - on_server} in code, {on_server} only on the server" if with_server else "in code"
    label = kind.label[0].upper() + kind.label[1:]
    if not total and not kind.templates:
        out.write(f"\n{label}: none found; keeping the default {kind.key}\n")
        return
    out.write(f"\n{label}: {total} distinct ({origin})")
    if kind.generated:
        out.write(f"; {kind.generated} generated names of unnamed runs left out")
    out.write("\n")
    if kind.refused:
        out.write(f"  the inferred schema was refused ({kind.refused}); keeping the default\n")
    if kind.is_default:
        few = " (too few names to infer one)" if total + len(kind.templates) < MIN_NAMES_TO_INFER else ""
        out.write(f"  schema: the default {kind.key} {kind.regex!r}{few}\n")
    elif inference.candidate is not None:
        out.write(f"  schema: {inference.candidate.template}   ({kind.key} = {kind.regex!r})\n")
    out.write(f"  {len(inference.accepted)} of {total} match")
    if kind.templates:
        out.write(f"; {len(kind.templates) - len(kind.rejected_templates)} of {len(kind.templates)} f-strings and other templates can match")
    out.write("\n")
    unmatched = [(name, _places(kind.where[name])) for name in inference.rejected]
    unmatched += [("".join("{…}" if p is None else p for p in t.parts), t.location) for t in kind.rejected_templates]
    if unmatched:
        out.write("  do not match (rename them, or widen the regex):\n")
        for name, place in unmatched[:MAX_LISTED]:
            out.write(f"    {name!r}  {place}\n")
        if len(unmatched) > MAX_LISTED:
            out.write(f"    … and {len(unmatched) - MAX_LISTED} more\n")


def _places(places: list[str]) -> str:
    """The first place a name occurs, and how many more there are."""
    return places[0] + (f" (and {len(places) - 1} more)" if len(places) > 1 else "")


def _print_plan(out, file: PlannedFile, dry_run: bool) -> None:
    shown = str(file.path)
    if file.action == "unchanged":
        out.write(f"\n{shown}: already set up, left as it is\n")
        return
    verb = {
        "create": "would create" if dry_run else "created",
        "update": "would update" if dry_run else "updated",
        "replace": "would replace its naming keys (needs --force)" if dry_run else "replaced its naming keys",
    }[file.action]
    out.write(f"\n{shown}: {verb}\n")
    if dry_run:
        out.write(file.excerpt)
