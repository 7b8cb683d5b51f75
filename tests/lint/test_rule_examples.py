"""Each rule's VALID and INVALID examples, run as tests: a rule's docs are its tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flake8_mlflow_naming.codes import RULE_NAMES
from flake8_mlflow_naming.config import Config, ConfigFinder
from flake8_mlflow_naming.lint.engine import lint_source
from flake8_mlflow_naming.lint.rules import ALL_RULES

from ..helpers import write_project


def _cases(kind: str):
    for rule in ALL_RULES:
        for number, example in enumerate(getattr(rule, kind)):
            yield pytest.param(rule, example, id=f"{rule.code}-{kind.lower()}-{number}")


def lint_example(tmp_path: Path, example) -> list:
    """Lint an example at its path, under a pyproject holding its settings."""
    root = write_project(tmp_path, example.config, {example.path: example.code})
    target = root / example.path
    config = ConfigFinder().for_path(target) if example.config else Config(root=root)
    return lint_source(example.code.encode(), str(target), config)


@pytest.mark.parametrize(("rule", "example"), list(_cases("VALID")))
def test_valid_example_is_not_reported(tmp_path, rule, example):
    findings = [f for f in lint_example(tmp_path, example) if f.code == rule.code]
    assert findings == []


@pytest.mark.parametrize(("rule", "example"), list(_cases("INVALID")))
def test_invalid_example_is_reported_once(tmp_path, rule, example):
    findings = [f for f in lint_example(tmp_path, example) if f.code == rule.code]
    assert len(findings) == 1, findings
    finding = findings[0]
    assert finding.message and "\n" not in finding.message
    if example.line is not None:
        assert finding.line == example.line, finding
    if example.message is not None:
        assert example.message in finding.message, finding.message
    has_fix = example.fixed is not None
    assert (finding.fix is not None) == has_fix, finding.fix
    if has_fix:
        assert (finding.fix.applicability.value == "unsafe") == example.unsafe


def test_codes_table_is_the_rule_registry():
    """``codes.py`` (a leaf, read without loading rules) lists exactly the registered rules, in order."""
    assert {rule.code: rule.name for rule in ALL_RULES} == RULE_NAMES


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_every_rule_declares_the_apis_it_matches(rule):
    """The prefilter and call index are built from ``apis``; a rule that declares none is never run on anything."""
    assert rule.apis and all(name.isidentifier() for name in rule.apis)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_every_rule_documents_itself(rule):
    doc = rule.documentation()
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety", "## Options"):
        assert section in doc
    assert rule.VALID and rule.INVALID
    assert rule.__module__.rsplit(".", 1)[-1].startswith(rule.code.lower() + "_")


@pytest.mark.parametrize(
    ("rule", "example"), [p for p in _cases("INVALID") if p.values[1].fixed is not None]
)
def test_invalid_example_fixes_to_expected_code(tmp_path, rule, example):
    """The example's fix, applied through LibCST, gives exactly its ``fixed`` text."""
    from flake8_mlflow_naming.fix.loop import FixOptions, FixResult, fix_source

    root = write_project(tmp_path, example.config, {example.path: example.code})
    target = root / example.path
    config = ConfigFinder().for_path(target) if example.config else Config(root=root)
    options = FixOptions(codes=frozenset({rule.code}), unsafe=example.unsafe)
    result = FixResult(str(target))
    fixed = fix_source(example.code.encode(), str(target), config, options, result)
    assert fixed.decode() == example.fixed
    assert result.applied == {rule.code: 1}
    if example.unsafe:  # without --unsafe-fixes an unsafe fix must not apply
        untouched = fix_source(example.code.encode(), str(target), config, FixOptions(codes=frozenset({rule.code})), FixResult(""))
        assert untouched == example.code.encode()



def _reason_pattern(template: str) -> re.Pattern[str]:
    """A declared reason's template as a regex: each ``{field}`` may hold any text."""
    return re.compile("".join(".+?" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{\w+\})", template)))


@pytest.mark.parametrize(("rule", "example"), [p for p in _cases("INVALID") if p.values[1].fixed is None])
def test_a_finding_without_fix_says_a_declared_reason(tmp_path, rule, example):
    """Where an example's finding says why it has no fix, the reason is one its rule declares
    (``Rule.no_fix``), so the rule's page lists it."""
    for finding in lint_example(tmp_path, example):
        if finding.code != rule.code:
            continue
        said = re.search(r"\(no fix: (.*)\)$", finding.message)
        if said is None:
            continue
        assert any(_reason_pattern(reason.template).fullmatch(said.group(1)) for reason in rule.no_fix), finding.message
