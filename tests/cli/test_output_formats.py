"""``mlflow-naming check --output-format``: every format parsed back, errors included."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from ..helpers import REPO, run_tool

# ../shared/schemas next to the checkout (a git worktree sits one folder deeper).
SARIF_SCHEMA = next(
    (p for p in (REPO.parent / "shared", REPO.parent.parent / "shared") if (p / "schemas").is_dir()), REPO.parent / "shared"
) / "schemas" / "sarif-schema-2.1.0.json"

# Line 4 has a non-ASCII name before the finding: byte and character columns differ there.
TRAIN = (
    "import mlflow\n"
    "with mlflow.start_run():\n"
    "    pass\n"
    'é = 1; mlflow.start_run(run_name="a_b")\n'
)
CLEAN = 'import mlflow\nwith mlflow.start_run(run_name="resnet50_baseline"):\n    pass\n'
# It must mention a run start: files that cannot hold a finding are not parsed at all.
BROKEN = "import mlflow\nwith mlflow.start_run(:\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "train.py").write_text(TRAIN, encoding="utf-8")
    (tmp_path / "clean.py").write_text(CLEAN)
    return tmp_path


def check(cwd: Path, *args: str):
    result = run_tool("mlflow-naming", "check", *args, cwd=cwd)
    assert b"Traceback" not in result.stderr + result.stdout
    return result


def test_concise_is_the_default_and_flake8_shaped(project):
    default = check(project, "train.py")
    explicit = check(project, "--output-format", "concise", "train.py")
    assert default.stdout == explicit.stdout and default.returncode == explicit.returncode == 1
    lines = default.stdout.decode().splitlines()
    assert lines[0].startswith("train.py:2:6: MLN001 ")
    # flake8's column: the UTF-8 byte offset plus one ("é" is two bytes).
    assert lines[1].startswith("train.py:4:9: MLN005 ")


def test_json(project):
    result = check(project, "--output-format", "json", "train.py", "clean.py")
    assert result.returncode == 1
    items = json.loads(result.stdout)
    assert [item["code"] for item in items] == ["MLN001", "MLN005"]
    first = items[0]
    assert set(first) == {"code", "message", "filename", "location", "end_location", "fix"}
    assert first["filename"] == "train.py"
    assert first["location"] == {"row": 2, "column": 6}
    assert first["end_location"] == {"row": 2, "column": 24}
    assert first["fix"]["applicability"] in ("safe", "unsafe") and first["fix"]["message"]
    assert items[1]["location"] == {"row": 4, "column": 9}


def test_json_clean_is_an_empty_list(project):
    result = check(project, "--output-format", "json", "clean.py")
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def test_json_error_is_an_entry_with_null_code(project):
    (project / "broken.py").write_text(BROKEN)
    result = check(project, "--output-format", "json", ".")
    assert result.returncode == 2
    items = json.loads(result.stdout)
    errors = [item for item in items if item["code"] is None]
    assert len(errors) == 1 and errors[0]["filename"] == "broken.py" and "cannot parse" in errors[0]["message"]
    assert errors[0]["location"]["row"] == 2 and errors[0]["fix"] is None
    assert {item["code"] for item in items} == {None, "MLN001", "MLN005"}


def test_github_annotations(project):
    (project / "broken.py").write_text(BROKEN)
    result = check(project, "--output-format", "github", ".")
    assert result.returncode == 2
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("::error file=broken.py,line=2,col=") and "cannot parse" in lines[0]
    assert lines[1].startswith("::error file=train.py,line=2,col=6,endLine=2,endColumn=24,title=MLN001::run started")
    # Character columns for the annotation UI: "é" counts once.
    assert lines[2].startswith("::error file=train.py,line=4,col=8,endLine=4,endColumn=40,title=MLN005::")
    assert len(lines) == 3


def test_github_escapes_workflow_command_data(tmp_path):
    (tmp_path / "a,b.py").write_text("import mlflow\nmlflow.start_run()\n")
    lines = check(tmp_path, "--output-format", "github", "a,b.py").stdout.decode().splitlines()
    assert lines and all(line.startswith("::error file=a%2Cb.py,") for line in lines)


def _sarif_validator():
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA} (expected ../shared/schemas/ next to the checkout)")
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is needed to validate SARIF output")
    schema = json.loads(SARIF_SCHEMA.read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def test_sarif_is_valid_and_complete(project):
    result = check(project, "--output-format", "sarif", "train.py", "clean.py")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    _sarif_validator().validate(log)
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mlflow-naming" and driver["version"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert {"MLN001", "MLN005", "MLN006"} <= set(rules)
    assert rules["MLN001"]["shortDescription"]["text"] and rules["MLN001"]["fullDescription"]["text"]
    assert [r["ruleId"] for r in run["results"]] == ["MLN001", "MLN005"]
    first = run["results"][0]
    assert driver["rules"][first["ruleIndex"]]["id"] == "MLN001"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "train.py"
    assert location["region"] == {"startLine": 2, "startColumn": 6, "endLine": 2, "endColumn": 24}
    assert run["results"][1]["locations"][0]["physicalLocation"]["region"]["startColumn"] == 8
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_error_is_a_notification(project):
    (project / "broken.py").write_text(BROKEN)
    result = check(project, "--output-format", "sarif", ".")
    assert result.returncode == 2
    log = json.loads(result.stdout)
    _sarif_validator().validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "cannot parse" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.py"
    assert len(log["runs"][0]["results"]) == 2


JUNIT_SCHEMA = Path(__file__).parent.parent / "schemas" / "junit.xsd"


def test_junit(project):
    xmlschema = pytest.importorskip("xmlschema")
    (project / "broken.py").write_text(BROKEN)
    result = check(project, "--output-format", "junit", ".")
    assert result.returncode == 2
    xmlschema.XMLSchema(JUNIT_SCHEMA).validate(result.stdout.decode())
    root = ElementTree.fromstring(result.stdout)
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {"broken.py", "clean.py", "train.py"}
    # Every count is the number of elements it counts: 2 findings + 1 error + 1 clean file = 4 cases.
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "2", "1")
    for suite in suites.values():
        cases = suite.findall("testcase")
        assert suite.get("tests") == str(len(cases))
        assert suite.get("failures") == str(sum(len(c.findall("failure")) for c in cases))
        assert suite.get("errors") == str(sum(len(c.findall("error")) for c in cases))
    assert [c.findall("*") for c in suites["clean.py"].findall("testcase")] == [[]]
    failures = [c.find("failure") for c in suites["train.py"].findall("testcase")]
    assert [f.get("type") for f in failures] == ["MLN001", "MLN005"]
    assert failures[0].text.startswith("train.py:2:6: MLN001 ")
    assert "cannot parse" in suites["broken.py"].find("testcase/error").get("message")


def test_statistics(project):
    (project / "more.py").write_text("import mlflow\nmlflow.start_run()\nmlflow.start_run()\n")
    result = check(project, "--statistics", ".")
    assert result.returncode == 1
    rows = [line.split("\t") for line in result.stdout.decode().splitlines()]
    assert [(count, code) for count, code, _ in rows] == [("3", "MLN001"), ("3", "MLN005")]
    assert rows[0][2].endswith("run-without-name")
    as_json = json.loads(check(project, "--statistics", "--output-format", "json", ".").stdout)
    assert {(item["code"], item["count"]) for item in as_json} == {("MLN001", 3), ("MLN005", 3)}


def test_statistics_rejects_formats_it_cannot_print(project):
    result = check(project, "--statistics", "--output-format", "sarif", ".")
    assert result.returncode == 2 and len(result.stderr.decode().strip().splitlines()) == 1


def test_exit_zero_keeps_output_but_not_for_errors(project):
    result = check(project, "--exit-zero", "train.py")
    assert result.returncode == 0 and b"MLN001" in result.stdout
    (project / "broken.py").write_text(BROKEN)
    assert check(project, "--exit-zero", ".").returncode == 2


def test_character_columns_survive_worker_processes(project):
    (project / "other.py").write_text(CLEAN)
    result = check(project, "--jobs", "2", "--output-format", "github", ".")
    assert "::error file=train.py,line=4,col=8,endLine=4,endColumn=40,title=MLN005::" in result.stdout.decode()


# --- SARIF fixes ---------------------------------------------------------------------------

# A safe fix (MLN006: nested=True) after non-ASCII text on its line, CRLF line breaks, and an
# unsafe one (MLN003's rename) that SARIF must leave out, as plain ``fix`` does.
WITH_FIXES = (
    "import mlflow\r\n"
    "def train():\r\n"
    '    with mlflow.start_run(run_name="parent_run"):\r\n'
    '        é = 1; ctx = mlflow.start_run(run_name="child_run")\r\n'
    '        with mlflow.start_run(run_name="Bad Name"):\r\n'
    "            pass\r\n"
)


def apply_sarif_replacements(text: str, replacements: list[dict]) -> str:
    """``text`` with SARIF replacements applied: 1-based lines, 1-based code point columns."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    for change in sorted(replacements, key=lambda c: (c["deletedRegion"]["startLine"], c["deletedRegion"]["startColumn"]), reverse=True):
        region = change["deletedRegion"]
        start, end = offset(region["startLine"], region["startColumn"]), offset(region["endLine"], region["endColumn"])
        text = text[:start] + change["insertedContent"]["text"] + text[end:]
    return text


def test_sarif_carries_each_safe_fix_as_replacements_that_equal_what_fix_writes(tmp_path):
    (tmp_path / "train.py").write_bytes(WITH_FIXES.encode("utf-8"))
    result = check(tmp_path, "--output-format", "sarif", "--no-cache", "train.py")
    log = json.loads(result.stdout)
    _sarif_validator().validate(log)
    results = log["runs"][0]["results"]
    with_fixes = [r for r in results if "fixes" in r]
    assert {r["ruleId"] for r in results} >= {"MLN003", "MLN006"}
    assert [r["ruleId"] for r in with_fixes] == ["MLN006", "MLN006"]  # the unsafe rename has none
    # Applying one suggested fix gives the file ``fix --select`` writes for that finding alone.
    first = with_fixes[0]["fixes"][0]
    (change,) = first["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "train.py" and first["description"]["text"]
    suggested = apply_sarif_replacements(WITH_FIXES, change["replacements"])
    (tmp_path / "copy.py").write_bytes(WITH_FIXES.encode("utf-8"))
    line = with_fixes[0]["locations"][0]["physicalLocation"]["region"]["startLine"]
    fixed = run_tool("mlflow-naming", "fix", "--select", "MLN006", "copy.py", cwd=tmp_path)
    assert fixed.returncode in (0, 1), fixed.stderr
    written = (tmp_path / "copy.py").read_bytes().decode("utf-8")
    # fix applies both MLN006 fixes; the suggestion is the one on its own line only.
    assert suggested.splitlines()[line - 1] == written.splitlines()[line - 1]
    assert suggested.splitlines()[:line - 1] + suggested.splitlines()[line:] == WITH_FIXES.splitlines()[:line - 1] + WITH_FIXES.splitlines()[line:]
    # The replacement is minimal: an insertion, nothing deleted.
    (replacement,) = change["replacements"]
    region = replacement["deletedRegion"]
    assert (region["startLine"], region["startColumn"]) == (region["endLine"], region["endColumn"])
