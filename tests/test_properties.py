"""Property tests: the engine and the fixer never crash, fixes always parse and are stable.

Two sources of programs: ``hypothesmith.from_grammar()`` (arbitrary valid Python, almost no
MLflow) and :func:`tests.strategies.mlflow_programs` (MLflow calls in every import style and
shape). Example counts are small for CI; ``MLFLOW_NAMING_SOAK_EXAMPLES`` (own strategy) and
``MLFLOW_NAMING_SOAK_GRAMMAR_EXAMPLES`` (hypothesmith) raise them for a soak run, see
docs/robustness.md.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import tempfile
import warnings
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flake8_mlflow_naming.check import check_file
from flake8_mlflow_naming.config import Config, ConfigSource
from flake8_mlflow_naming.fix.loop import FixError, FixOptions, FixResult, fix_source
from flake8_mlflow_naming.lint.engine import SourceError, lint_source

from .strategies import mlflow_programs

# hypothesmith writes code like ``"a"()`` that compiles with a SyntaxWarning: not our concern.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

OWN_EXAMPLES = int(os.environ.get("MLFLOW_NAMING_SOAK_EXAMPLES", "40"))
GRAMMAR_EXAMPLES = int(os.environ.get("MLFLOW_NAMING_SOAK_GRAMMAR_EXAMPLES", os.environ.get("MLFLOW_NAMING_SOAK_EXAMPLES", "15")))
FLAKE8_EXAMPLES = max(15, OWN_EXAMPLES // 2)
#: Fixing runs LibCST several times per example: the slowest property, so fewer in CI.
FIX_EXAMPLES = max(15, OWN_EXAMPLES // 3) if "MLFLOW_NAMING_SOAK_EXAMPLES" not in os.environ else OWN_EXAMPLES

WRAPPER = "team.tracking.tracked_run"
CONFIG = Config(run_wrapper=WRAPPER)
MIGRATE = FixOptions(unsafe=True)
SAFE = FixOptions(unsafe=False)

_SETTINGS = {"deadline": None, "suppress_health_check": list(HealthCheck), "derandomize": False}
own = settings(max_examples=OWN_EXAMPLES, **_SETTINGS)
grammar = settings(max_examples=GRAMMAR_EXAMPLES, **_SETTINGS)
own_fix = settings(max_examples=FIX_EXAMPLES, **_SETTINGS)

#: hypothesmith's programs, plus mlflow calls sprinkled in front so the rules have work.
grammar_programs = st.tuples(
    st.sampled_from(("", "import mlflow\nwith mlflow.start_run():\n    pass\n", "import mlflow as mf\nmf.start_run('Bad Name')\n")),
    hypothesmith.from_grammar(),
).map(lambda parts: parts[0] + parts[1])


def _fix(source: bytes, options: FixOptions) -> bytes | None:
    """Fixed bytes, or None when the fixer declined (LibCST cannot parse the file).

    A fix that produces unparsable code is a bug even though the file is left alone, so that
    FixError is not swallowed here.
    """
    try:
        return fix_source(source, "t.py", CONFIG, options, FixResult("t.py"))
    except FixError as error:
        if "LibCST cannot parse" in str(error):
            return None
        raise


def _lint_never_crashes(source: bytes) -> None:
    try:
        lint_source(source, "t.py", CONFIG)
    except SourceError:
        pass


def _fix_properties(source: bytes) -> None:
    """Output parses; fixing is idempotent; after migrate no fixable finding is left."""
    for options in (SAFE, MIGRATE):
        try:
            once = _fix(source, options)
        except SourceError:
            return  # not analysable at all: reported, left alone
        if once is None:
            continue
        ast.parse(once)
        assert _fix(once, options) == once, "fixing is not idempotent"
        if options is MIGRATE:
            left = [f for f in lint_source(once, "t.py", CONFIG) if f.fix is not None]
            assert not left, f"migrate left fixable findings: {left}"


@own
@given(mlflow_programs())
def test_own_programs_lint_never_crashes(source):
    _lint_never_crashes(source.encode())


@own_fix
@given(mlflow_programs())
def test_own_programs_fix_parses_is_idempotent_and_complete(source):
    _fix_properties(source.encode())


@grammar
@given(grammar_programs)
def test_grammar_programs_lint_never_crashes(source):
    _lint_never_crashes(source.encode("utf-8", "surrogatepass"))


@grammar
@given(grammar_programs)
def test_grammar_programs_fix_parses_and_is_idempotent(source):
    _fix_properties(source.encode("utf-8", "surrogatepass"))


@own
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(data):
    """Random bytes: a SourceError at most, never anything else (fix included)."""
    _lint_never_crashes(data)
    try:
        _fix(data, MIGRATE)
    except SourceError:
        pass


_STYLE = []


def _flake8_findings(path: Path) -> list[tuple[int, int, str]]:
    """The MLN findings of the real flake8, run in process through its legacy API."""
    from flake8.api import legacy

    if not _STYLE:
        _STYLE.append(legacy.get_style_guide(select=["MLN"]))
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with warnings.catch_warnings(), contextlib.redirect_stdout(out):
        warnings.simplefilter("ignore")
        _STYLE[0].check_files([str(path)])
    out.flush()
    rows = []
    for line in out.buffer.getvalue().decode().splitlines():
        _, row, col, rest = _split(line, str(path))
        rows.append((row, col, rest.split()[0]))
    return sorted(rows)


def _split(line: str, path: str) -> tuple[str, int, int, str]:
    assert line.startswith(path + ":"), line
    row, col, rest = line[len(path) + 1 :].split(":", 2)
    return path, int(row), int(col), rest


@settings(max_examples=FLAKE8_EXAMPLES, **_SETTINGS)
@given(st.one_of(mlflow_programs(), mlflow_programs(), grammar_programs))
def test_flake8_and_check_agree(source):
    """The real flake8 (in process) and ``check`` report the same findings for the same file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.py"
        path.write_bytes(source.encode("utf-8", "surrogatepass"))
        result = check_file(str(path), ConfigSource())
        theirs = _flake8_findings(path)
        if result.error is None:
            assert theirs == sorted((f.line, f.col + 1, f.code) for f in result.findings)
        else:
            # A file check cannot analyse: flake8 stops at its own syntax error (E999, not
            # selected here) or the plugin reports the one MLN000 at line 1, never a finding.
            assert theirs in ([], [(1, 1, "MLN000")]), (result.error, theirs)
