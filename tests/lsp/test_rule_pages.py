"""``docs/rules/CODE.md``, the pages diagnostics link to, say what ``mlflow-naming rule CODE`` says."""

from __future__ import annotations

import pytest

from flake8_mlflow_naming.codes import ALL_CODES

from ..helpers import REPO, run_tool


@pytest.mark.parametrize("code", ALL_CODES)
def test_each_rule_has_its_page_and_it_is_current(code):
    page = REPO / "docs" / "rules" / f"{code}.md"
    printed = run_tool("mlflow-naming", "rule", code)
    assert printed.returncode == 0
    assert page.read_text() == printed.stdout.decode(), f"regenerate: mlflow-naming rule {code} > docs/rules/{code}.md"


def test_no_page_for_a_rule_that_does_not_exist():
    assert sorted(p.stem for p in (REPO / "docs" / "rules").glob("*.md")) == sorted(ALL_CODES)
