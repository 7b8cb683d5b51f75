"""Eval files (flake8-bugbear style): expected codes are written beside the offending lines.

The expectations in ``fixtures/`` were written from the specification, not from the tool's
output. Both consumers of the engine are held to them: ``mlflow-naming check`` and the real
``flake8`` in a subprocess, which must agree with each other line for line.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from flake8_mlflow_naming.config import ConfigFinder
from flake8_mlflow_naming.lint.engine import lint_source

from ..helpers import FIXTURES, run_tool

MARKER = re.compile(r"#\s*expect:\s*(?P<codes>MLN\d{3}(?:\s*,\s*MLN\d{3})*)")
EVAL_FILES = sorted(p for p in FIXTURES.glob("eval*/**/*.py"))


def expected(path: Path) -> Counter:
    """(line, code) pairs marked in ``path``."""
    marks: Counter = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for code in re.split(r"\s*,\s*", match.group("codes")):
                marks[(number, code)] += 1
    return marks


def test_there_are_eval_files():
    assert len(EVAL_FILES) >= 10


@pytest.mark.parametrize("path", EVAL_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_engine_matches_marked_lines(path):
    config = ConfigFinder().for_path(path)
    findings = lint_source(path.read_bytes(), str(path), config)
    got = Counter((f.line, f.code) for f in findings)
    assert sorted(got.elements()) == sorted(expected(path).elements())


def _parse_report(text: str) -> Counter:
    found: Counter = Counter()
    for line in text.splitlines():
        path, number, col, rest = line.split(":", 3)
        found[(str(Path(path).resolve()), int(number), int(col), rest.split()[0])] += 1
    return found


def test_flake8_and_check_agree_on_every_fixture():
    folders = sorted({FIXTURES / p.relative_to(FIXTURES).parts[0] for p in EVAL_FILES})
    flake8 = run_tool("flake8", "--select", "MLN", "-j", "1", *map(str, folders), cwd=FIXTURES)
    check = run_tool("mlflow-naming", "check", "-q", *map(str, folders), cwd=FIXTURES)  # -q: no summary
    assert flake8.stderr == b"" and check.stderr == b""
    from_flake8, from_check = _parse_report(flake8.stdout.decode()), _parse_report(check.stdout.decode())
    assert from_flake8 == from_check
    assert sum(from_check.values()) == sum(sum(expected(p).values()) for p in EVAL_FILES)
