"""Where ``mlflow-naming check`` spends its time: a per-phase breakdown, or a cProfile listing.

Runs the real ``check`` pipeline in this process (``iter_targets`` then ``check_many`` with
one job, no cache), with timers wrapped around the functions that make up each phase. The
timers live only in this script: they are installed by replacing module attributes before
the run, so the product's hot path carries no instrumentation. Times are CPU time
(``time.process_time``) and *exclusive*: a phase nested in another (a rule binding a call's
arguments) is charged to itself, not also to its caller, so the rows add up to the total.

    python benchmarks/profile_check.py /work/corpus/mlflow_src
    python benchmarks/profile_check.py /work/corpus/users --cprofile 30

Phases: start-up is measured separately (``python -X importtime``); ``walk`` is the
resolver's single pass over the tree (scopes, bindings, call sites), ``resolve`` turning call
sites into dotted names, ``bind`` matching arguments to MLflow's signatures, ``values``
working out what text an argument holds, ``MLNnnn`` the rest of each rule's own work.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import pstats
import sys
import time

_clock = time.process_time


class Phases:
    """Exclusive CPU time per phase: entering a nested phase pauses the enclosing one."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.stack: list[list] = []  # [name, started]

    def enter(self, name: str) -> None:
        now = _clock()
        if self.stack:
            outer = self.stack[-1]
            self.seconds[outer[0]] = self.seconds.get(outer[0], 0.0) + now - outer[1]
        self.stack.append([name, now])
        self.calls[name] = self.calls.get(name, 0) + 1

    def leave(self) -> None:
        now = _clock()
        name, started = self.stack.pop()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - started
        if self.stack:
            self.stack[-1][1] = now


PHASES = Phases()


def timed(name: str, function):
    """``function`` charging its (exclusive) time to phase ``name``; re-entrant calls stay in one phase."""

    def wrapper(*args, **kwargs):
        if PHASES.stack and PHASES.stack[-1][0] == name:
            return function(*args, **kwargs)
        PHASES.enter(name)
        try:
            result = function(*args, **kwargs)
            if name.startswith("MLN") or name == "discovery":
                result = list(result)  # generators: their work happens while iterating
            return result
        finally:
            PHASES.leave()

    wrapper.__wrapped__ = function
    return wrapper


def patch(module_name: str, attribute: str, phase: str, *also_in: str) -> None:
    """Wrap ``module.attribute`` (and the same object imported into ``also_in`` modules) in a timer."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return
    owner, _, name = attribute.rpartition(".")
    target = getattr(module, owner) if owner else module
    original = getattr(target, name, None)
    if original is None:
        return
    if isinstance(original, property) or type(original).__name__ == "cached_property":
        function = original.func if hasattr(original, "func") else original.fget
        wrapped = timed(phase, function)
        setattr(target, name, type(original)(wrapped))
        if hasattr(getattr(target, name), "__set_name__"):
            getattr(target, name).__set_name__(target, name)
        return
    wrapped = timed(phase, original)
    setattr(target, name, wrapped)
    for other in also_in:
        try:
            other_module = importlib.import_module(other)
        except ImportError:
            continue
        if getattr(other_module, name, None) is original:
            setattr(other_module, name, wrapped)


def install_timers() -> None:
    """Wrap each phase's functions; what a version of the package lacks is skipped."""
    package = "flake8_mlflow_naming"
    lint = f"{package}.lint"
    patch(f"{package}.sources.read", "read_source", "I/O (read)", f"{package}.check")
    patch(f"{package}.sources.discovery", "iter_targets", "discovery", f"{package}.cli.check")
    patch(f"{package}.config", "ConfigSource.for_path", "configuration")
    patch(f"{package}.sources.kinds", "open_source", "source kind (notebook or .py)", f"{package}.check")
    patch(f"{lint}.prefilter", "could_have_findings", "prefilter", f"{package}.check", f"{lint}.engine")
    patch(f"{lint}.parse", "parse", "parse", f"{lint}.engine")
    patch(f"{lint}.parse", "decode", "decode", f"{lint}.engine", f"{lint}.noqa")
    patch(f"{lint}.noqa", "without_noqa", "noqa", f"{lint}.engine")
    patch(f"{lint}.resolve", "ModuleIndex.__init__", "walk")
    patch(f"{lint}.resolve", "ModuleIndex.call_name", "resolve")
    patch(f"{lint}.context", "ModuleContext._by_name", "resolve")
    patch(f"{lint}.context", "ModuleContext.identifiers", "identifiers/name uses")
    patch(f"{lint}.context", "ModuleContext.name_uses", "identifiers/name uses")
    patch(f"{lint}.mlflow_api", "bind_api", "bind", f"{lint}.context")
    patch(f"{lint}.mlflow_api", "BoundCall.get", "bind")
    patch(f"{lint}.values", "text_forms", "values")
    patch(f"{lint}.values", "name_findings", "values")
    patch(f"{lint}.values", "remote_value", "values")
    rules = importlib.import_module(f"{lint}.rules")
    for rule in rules.ALL_RULES:
        rule.check = timed(rule.code, rule.check)


def run_check(root: str) -> int:
    """``check --no-cache -j 1`` over ``root`` in this process; the number of files."""
    from flake8_mlflow_naming.check import check_many
    from flake8_mlflow_naming.config import ConfigSource
    from flake8_mlflow_naming.sources import discovery

    source = ConfigSource()
    files = [t.path for t in discovery.iter_targets([root], source) if t.error is None]
    count = 0
    for _ in check_many(files, source, None, 1, None):
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", help="the tree to check")
    parser.add_argument("--cprofile", type=int, metavar="N", help="print cProfile's N costliest functions instead")
    args = parser.parse_args(argv)
    # Every module the run needs, imported before timing (start-up is measured on its own).
    import flake8_mlflow_naming.check
    import flake8_mlflow_naming.lint.engine  # noqa: F401

    if args.cprofile:
        profile = cProfile.Profile()
        profile.enable()
        run_check(args.root)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.cprofile)
        return 0
    install_timers()
    started = _clock()
    PHASES.enter("other (check_file, config, results)")
    files = run_check(args.root)
    PHASES.leave()
    total = _clock() - started
    print(f"{files} files under {args.root}: {total:.3f} s CPU in process (start-up not included)")
    for name, seconds in sorted(PHASES.seconds.items(), key=lambda item: -item[1]):
        print(f"  {name:<38} {seconds:8.3f} s  {seconds / total:6.1%}  ({PHASES.calls[name]} calls)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
