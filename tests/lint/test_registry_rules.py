"""MLN013–MLN015 through every consumer of the engine: flake8 (subprocess), check, fix, the language server.

The rule examples and eval fixtures cover detection; these tests hold the front ends to it,
with expectations written from the rules' documentation.
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from ..helpers import run_tool, write_project
from ..lsp.test_server import actions_at, apply_edits, client, only_edits, open_document, start  # noqa: F401 - fixture

PROMOTE = (
    "import mlflow\n"
    "from mlflow import MlflowClient\n"
    "\n"
    "client = MlflowClient()\n"
    'client.create_experiment("ctr_model", tags={"owner_team": "rec"})\n'
    'client.transition_model_version_stage("ctr_model", 3, "Production")\n'
    'model = mlflow.pyfunc.load_model("models:/ctr_model/Production")\n'
)
SETTINGS = {
    "required-experiment-tags": ["owner_team", "owner_lead"],
    "required-experiment-tags-defaults": {"owner_lead": '"ana"'},
    "stage-aliases": {"Production": "champion"},
}
#: PROMOTE after the two unsafe fixes the documentation describes (MLN013's dict entry, MLN014's URI).
FIXED = PROMOTE.replace('{"owner_team": "rec"}', '{"owner_team": "rec", "owner_lead": "ana"}').replace(
    "models:/ctr_model/Production", "models:/ctr_model@champion"
)


def codes(output: bytes) -> list[tuple[int, str]]:
    """(line, code) of each ``path:line:col: CODE message`` line."""
    found = []
    for line in output.decode().splitlines():
        parts = line.split(":", 3)
        if len(parts) == 4 and parts[3].strip().startswith("MLN"):
            found.append((int(parts[1]), parts[3].split()[0]))
    return sorted(found)


EXPECTED = [(5, "MLN013"), (6, "MLN014"), (6, "MLN015"), (7, "MLN014")]


def test_flake8_and_check_report_the_same_findings(tmp_path):
    write_project(tmp_path, SETTINGS, {"promote.py": PROMOTE})
    flake8 = run_tool("flake8", "--select", "MLN", "promote.py", cwd=tmp_path)
    check = run_tool("mlflow-naming", "check", "promote.py", cwd=tmp_path)
    assert codes(flake8.stdout) == EXPECTED, flake8.stderr
    assert codes(check.stdout) == EXPECTED and check.returncode == 1


def test_flake8_option_enables_mln013_and_renames_the_promotion_tag(tmp_path):
    write_project(tmp_path, {}, {"promote.py": PROMOTE + 'client.set_tag(run_id, "production_run", "true")\n'})
    plain = run_tool("flake8", "--select", "MLN", "promote.py", cwd=tmp_path)
    assert codes(plain.stdout) == [(6, "MLN014"), (7, "MLN014")]
    options = run_tool(
        "flake8", "--select", "MLN", "--mlflow-required-experiment-tags", "owner_team,owner_lead",
        "--mlflow-promotion-tag", "promoted", "promote.py", cwd=tmp_path,
    )  # fmt: skip
    assert codes(options.stdout) == EXPECTED


def test_fix_applies_the_unsafe_fixes_only_when_asked(tmp_path):
    write_project(tmp_path, SETTINGS, {"promote.py": PROMOTE})
    safe = run_tool("mlflow-naming", "fix", "promote.py", cwd=tmp_path)
    assert (tmp_path / "promote.py").read_text() == PROMOTE and safe.returncode == 1
    unsafe = run_tool("mlflow-naming", "fix", "--unsafe-fixes", "promote.py", cwd=tmp_path)
    assert (tmp_path / "promote.py").read_text() == FIXED, unsafe.stdout
    left = run_tool("mlflow-naming", "check", "promote.py", cwd=tmp_path)
    assert codes(left.stdout) == [(6, "MLN014"), (6, "MLN015")]  # no fix: documented as needing a person


@pytest.mark.parametrize("code", ["MLN013", "MLN014", "MLN015"])
def test_rule_pages_are_generated_from_the_rule(code):
    from pathlib import Path

    page = Path(__file__).parents[2] / "docs" / "rules" / f"{code}.md"
    printed = run_tool("mlflow-naming", "rule", code).stdout.decode()
    assert page.read_text() == printed and "## Fix safety" in printed


@pytest.mark.asyncio(loop_scope="function")
async def test_language_server_reports_them_and_offers_the_alias_quick_fix(client, tmp_path):  # noqa: F811
    write_project(tmp_path, SETTINGS)
    await start(client, tmp_path)
    path = tmp_path / "promote.py"
    diagnostics = await open_document(client, path, PROMOTE)
    assert sorted((d.range.start.line, d.code) for d in diagnostics) == [(line - 1, code) for line, code in EXPECTED]
    uri_finding = next(d for d in diagnostics if d.code == "MLN014" and d.range.start.line == 6)
    actions = await actions_at(client, path.as_uri(), 6, 40, diagnostics=[uri_finding])
    fix = next(a for a in actions if a.kind == types.CodeActionKind.QuickFix and "champion" in a.title)
    fixed = apply_edits(PROMOTE, only_edits(fix.edit, path.as_uri(), 1))
    assert fixed == PROMOTE.replace("models:/ctr_model/Production", "models:/ctr_model@champion")
