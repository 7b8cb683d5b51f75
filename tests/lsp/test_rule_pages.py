"""``docs/rules/CODE.md``, the pages diagnostics link to, say what ``mlflow-naming rule CODE`` says."""

from __future__ import annotations

from pathlib import Path

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


def test_a_normal_install_links_to_pages_written_from_the_rules(tmp_path, monkeypatch):
    """Without a checkout's docs/ (a wheel install) and without a published URL, the link is a
    page in the user's cache, with exactly the text ``mlflow-naming rule CODE`` prints."""
    pytest.importorskip("lsprotocol")
    from flake8_mlflow_naming.lsp import documents

    monkeypatch.setattr(documents, "__file__", str(tmp_path / "site-packages" / "flake8_mlflow_naming" / "lsp" / "documents.py"))
    monkeypatch.setattr(documents, "_published_template", lambda: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    documents.rule_documentation_url.cache_clear()
    try:
        href = documents.rule_documentation_url("MLN003")
    finally:
        documents.rule_documentation_url.cache_clear()
    assert href is not None and href.startswith("file://") and str(tmp_path / "cache") in href
    from urllib.parse import unquote, urlparse

    page = unquote(urlparse(href).path)
    assert Path(page).read_text(encoding="utf-8") == run_tool("mlflow-naming", "rule", "MLN003").stdout.decode()
