"""How ``mlflow-naming check`` reports: one renderer per ``--output-format``.

Every renderer takes the whole list of :class:`~..check.FileResult` and returns text, so a
file that could not be checked (unparsable, unreadable, bad configuration) is reported in
the same document as the findings and the output stays valid JSON / SARIF / XML.

Columns: ``concise`` and ``json`` print flake8's column (the ``ast`` UTF-8 byte offset
plus one), so they match ``flake8`` line for line. ``github`` and ``sarif`` are read by
user interfaces that count characters, so they print 1-based Unicode code point columns
(SARIF says so with ``columnKind``).

Notebooks: a finding in a ``.ipynb`` file counts its line within a cell, the 1-based index of
the cell among all the notebook's cells. ``concise`` and ``junit`` print ``path:cell N:line:col``,
``json`` adds ``"cell": N``, ``sarif`` puts the cell in the result's ``properties`` (and the
region counts in that cell), and ``github`` annotates the file as a whole with the cell, line and
column in the message (the diff view cannot point inside a cell).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from .. import __version__
from ..check import FileError, FileResult
from ..lint.parse import SourceError, decode

if TYPE_CHECKING:
    from ..lint.findings import Finding

# json, xml, textwrap and the rule registry are imported by the formats that need them, so
# the default format (what pre-commit and editors run) starts without them.

TOOL = "mlflow-naming"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: Python's own line breaks (not str.splitlines, which also breaks at form feeds and U+2028).
_LINE_BREAK = r"\r\n|\r|\n"


def location(path: str, line: int, col: int, cell: int | None = None) -> str:
    """``path:line:col`` with flake8's 1-based column (``col`` is 0-based); ``path:cell N:line:col`` in a notebook."""
    return f"{path}:cell {cell}:{line}:{col + 1}" if cell is not None else f"{path}:{line}:{col + 1}"


def cell_of(finding: Finding) -> int | None:
    """The notebook cell of a finding (None outside notebooks)."""
    return getattr(finding, "cell", None)


def format_finding(path: str, finding: Finding, mark_fixable: bool = False) -> str:
    """``path:line:col: CODE message``, as flake8 prints it (``path:cell N:line:col`` in a notebook).

    ``mark_fixable`` writes ``CODE [*] message`` for a finding with a safe fix, as Ruff marks
    what ``--fix`` resolves (the flake8 plugin never marks: flake8 has no fixes).
    """
    where = location(path, finding.line, finding.col, cell_of(finding))
    marker = " [*]" if mark_fixable and _safely_fixable(finding) else ""
    return f"{where}: {finding.code}{marker} {finding.message}"


def _safely_fixable(finding: Finding) -> bool:
    return finding.fix is not None and finding.fix.applicability.value == "safe"


def format_error(path: str, error: FileError) -> str:
    """``path:line:col: error: message`` for a file that could not be checked or fixed.

    A bad setting is shown where it is, ``pyproject.toml:12: error: message``, not at a
    position of the checked file it has nothing to do with.
    """
    where = error.config_location
    if where is not None and error.message.startswith(where + ": "):
        return f"{where}: error: {error.message[len(where) + 2 :]}"
    return f"{location(path, error.line, error.col, error.cell)}: error: {error.message}"


def is_config_error(error: FileError) -> bool:
    """True for a configuration problem, which is printed once, not once per file under it."""
    return error.config


_BOLD, _RED, _RESET = "\033[1m", "\033[31m", "\033[0m"


def concise(results: Sequence[FileResult], show_source: bool = False, color: bool = False, show_fixes: bool = False) -> str:
    """``path:line:col: CODE message`` per finding, ``path:line:col: error: message`` per error.

    ``show_source`` adds the offending line and a caret under the column, as ``flake8
    --show-source`` does; ``color`` highlights the path and the code with ANSI colours;
    ``show_fixes`` adds the fix a finding has, and whether it is safe, under it.
    """
    lines = []
    for result in results:
        columns = _Columns(result) if show_source and (result.findings or result.error) else None
        if result.error is not None:
            lines.append(_colored(format_error(result.path, result.error), result.path, "error", color))
            if columns is not None:
                lines.extend(columns.excerpt(result.error.line, result.error.col, result.error.cell))
        for f in result.findings:
            lines.append(_colored(format_finding(result.path, f, mark_fixable=True), result.path, f.code, color))
            if columns is not None:
                lines.extend(columns.excerpt(f.line, f.col, cell_of(f)))
            if show_fixes and f.fix is not None:
                needs = "" if f.fix.applicability.value == "safe" else " (unsafe: needs --unsafe-fixes)"
                lines.append(f"    fix: {f.fix.description}{needs}")
    return "".join(line + "\n" for line in lines)


def _colored(line: str, path: str, code: str, color: bool) -> str:
    if not color:
        return line
    if line.startswith(path):  # a configuration error starts with the config file instead
        line = f"{_BOLD}{path}{_RESET}" + line[len(path) :]
    return line.replace(f": {code} ", f": {_BOLD}{_RED}{code}{_RESET} ", 1) if code != "error" else line.replace(
        ": error: ", f": {_BOLD}{_RED}error{_RESET}: ", 1
    )


def summary(results: Sequence[FileResult]) -> str:
    """The closing line a person at a terminal reads: how many findings, and how many files could not be checked."""
    found = sum(len(r.findings) for r in results)
    errors = sum(r.error is not None for r in results)
    if not found and not errors:
        return f"All checks passed ({len(results)} file{'s' if len(results) != 1 else ''}).\n"
    text = f"Found {found} finding{'s' if found != 1 else ''}"
    if errors:
        text += f"; {errors} file{'s' if errors != 1 else ''} could not be checked"
    return text + ".\n" + fixable_line(f for r in results for f in r.findings)


def fixable_line(findings: Iterable[Finding], fixing: str = "`mlflow-naming fix`") -> str:
    """``N fixable with `mlflow-naming fix`; M more with `--unsafe-fixes`.`` (empty when nothing is fixable).

    As Ruff's summary: a user learns that a plain ``fix`` applies only the safe fixes, and how
    many more the unsafe ones would resolve.
    """
    from ..lint.findings import Applicability

    safe = unsafe = 0
    for finding in findings:
        if finding.fix is not None:
            if finding.fix.applicability is Applicability.SAFE:
                safe += 1
            else:
                unsafe += 1
    if not safe and not unsafe:
        return ""
    return f"[*] {safe} fixable with {fixing}; {unsafe} more with `--unsafe-fixes`.\n"


def json_list(results: Sequence[FileResult]) -> str:
    """A JSON list with one object per finding; a file that could not be checked is an object with ``code: null``."""
    items: list[dict[str, object]] = []
    for result in results:
        if result.error is not None:
            error = result.error
            where = {"row": error.line, "column": error.col + 1}
            item: dict[str, object] = {"code": None, "message": error.message, "filename": result.path, "location": where, "end_location": where, "fix": None}
            if error.cell is not None:
                item["cell"] = error.cell
            items.append(item)
        for f in result.findings:
            fix = None if f.fix is None else {"applicability": f.fix.applicability.value, "message": f.fix.description}
            item = {
                "code": f.code,
                "message": f.message,
                "filename": result.path,
                "location": {"row": f.line, "column": f.col + 1},
                "end_location": {"row": f.end_line or f.line, "column": (f.end_col if f.end_line else f.col) + 1},
                "fix": fix,
            }
            if cell_of(f) is not None:
                item["cell"] = cell_of(f)
            items.append(item)
    import json

    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def github(results: Sequence[FileResult]) -> str:
    """GitHub Actions workflow commands: one ``::error`` annotation per finding or error."""
    lines = []
    for result in results:
        columns = _Columns(result)
        if result.error is not None:
            problem = result.error
            props = {"file": result.path, "line": problem.line, "col": columns.of(problem.line, problem.col), "title": f"{TOOL} error"}
            if problem.cell is not None:
                props = {"file": result.path, "title": f"{TOOL} error"}
                column = columns.of(problem.line, problem.col, problem.cell)
                lines.append(_command("error", props, f"cell {problem.cell}, line {problem.line}, col {column}: {problem.message}"))
                continue
            lines.append(_command("error", props, problem.message))
        for f in result.findings:
            if cell_of(f) is not None:
                where = f"cell {cell_of(f)}, line {f.line}, col {columns.of(f.line, f.col, cell_of(f))}"
                lines.append(_command("error", {"file": result.path, "title": f.code}, f"{where}: {f.message}"))
                continue
            end_line, end_col = _end(f)
            props = {
                "file": result.path,
                "line": f.line,
                "col": columns.of(f.line, f.col),
                "endLine": end_line,
                "endColumn": columns.of(end_line, end_col),
                "title": f.code,
            }
            lines.append(_command("error", props, f.message))
    return "".join(line + "\n" for line in lines)


def sarif(results: Sequence[FileResult]) -> str:
    """A SARIF 2.1.0 log: every rule, every finding, and errors as tool execution notifications."""
    import json

    from ..lint.rules import ALL_RULES

    rule_index = {rule.code: i for i, rule in enumerate(ALL_RULES)}
    findings, notifications = [], []
    for result in results:
        columns = _Columns(result)
        suggested = _sarif_fixes(result)
        artifact = {"uri": _uri(result.path)}
        if result.error is not None:
            problem = result.error
            region = {"startLine": problem.line, "startColumn": columns.of(problem.line, problem.col, problem.cell)}
            notification = {
                "level": "error",
                "message": {"text": problem.message},
                "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": region}}],
            }
            if problem.cell is not None:
                notification["properties"] = {"cell": problem.cell}
            notifications.append(notification)
        for f in result.findings:
            end_line, end_col = _end(f)
            region = {
                "startLine": f.line,
                "startColumn": columns.of(f.line, f.col, cell_of(f)),
                "endLine": end_line,
                "endColumn": columns.of(end_line, end_col, cell_of(f)),
            }
            item: dict[str, object] = {
                "ruleId": f.code,
                "level": "error",
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": region}}],
            }
            if f.code in rule_index:
                item["ruleIndex"] = rule_index[f.code]
            if cell_of(f) is not None:
                # SARIF has no notion of notebook cells: the region counts lines within this cell.
                item["properties"] = {"cell": cell_of(f)}
            if id(f) in suggested:
                item["fixes"] = [suggested[id(f)]]
            findings.append(item)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL,
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/flake8-mlflow-naming/",
                        "rules": [_sarif_rule(rule) for rule in ALL_RULES],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
                "results": findings,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_fixes(result: FileResult) -> dict[int, dict]:
    """SARIF ``fix`` objects for the safe fixes of ``result``'s findings, by ``id`` of the finding.

    Each fix is applied alone to the file's text by the fix layer (LibCST, imported only
    here: only SARIF output needs it), and the old and new texts are diffed into the smallest
    replacements (:mod:`..text_diff`, shared with the language server's quick fixes), so a
    code-scanning tool can show exactly the suggested edit. Unsafe fixes are left out, as
    ``fix`` leaves them out without ``--unsafe-fixes``; so are fixes in notebooks, whose file
    is JSON that SARIF replacements would have to edit, and any fix that cannot be applied.
    """
    from ..lint.findings import Applicability

    fixable = [f for f in result.findings if f.fix is not None and f.fix.applicability is Applicability.SAFE]
    if not fixable or result.path.lower().endswith(".ipynb"):
        return {}
    source = result.source
    if source is None:
        try:
            source = Path(result.path).read_bytes()
        except OSError:
            return {}
    from ..fix.loop import FixError
    from ..fix.single import apply_one_fix
    from ..text_diff import line_and_column, line_starts, replacements, split_lines

    try:
        before = decode(source)
    except SourceError:
        return {}
    starts = line_starts(split_lines(before))
    found = {}
    for finding in fixable:
        if finding.fix is None:
            continue
        try:
            after = decode(apply_one_fix(source, result.path, finding.fix))
        except (FixError, SourceError):
            continue
        changes = []
        for change in replacements(before, after):
            start_line, start_column = line_and_column(starts, change.start)
            end_line, end_column = line_and_column(starts, change.end)
            region = {"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column}
            changes.append({"deletedRegion": region, "insertedContent": {"text": change.text}})
        if changes:
            found[id(finding)] = {
                "description": {"text": finding.fix.description},
                "artifactChanges": [{"artifactLocation": {"uri": _uri(result.path)}, "replacements": changes}],
            }
    return found


def junit(results: Sequence[FileResult]) -> str:
    """JUnit XML: a test suite per file, a failing test case per finding, an ``<error>`` case per file that
    could not be checked, and one passing case for a clean file, so every count matches the cases listed.
    """
    from xml.etree import ElementTree

    total_failures = sum(len(r.findings) for r in results)
    total_errors = sum(r.error is not None for r in results)
    total_tests = sum(len(r.findings) + (r.error is not None) or 1 for r in results)
    suites = ElementTree.Element(
        "testsuites", name=TOOL, tests=str(total_tests), failures=str(total_failures), errors=str(total_errors)
    )
    for result in results:
        cases = len(result.findings) + (result.error is not None) or 1
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=result.path,
            tests=str(cases),
            failures=str(len(result.findings)),
            errors=str(int(result.error is not None)),
            file=result.path,
        )
        if result.error is not None:
            problem = result.error
            case = ElementTree.SubElement(suite, "testcase", name="error", classname=result.path, file=result.path, line=str(problem.line))
            error = ElementTree.SubElement(case, "error", message=problem.message, type="error")
            error.text = f"{location(result.path, problem.line, problem.col, problem.cell)}: {problem.message}"
        for f in result.findings:
            where = location(result.path, f.line, f.col, cell_of(f))
            case = ElementTree.SubElement(
                suite, "testcase", name=f"{f.code} {where}", classname=result.path, file=result.path, line=str(f.line)
            )
            failure = ElementTree.SubElement(case, "failure", message=f"{f.code} {f.message}", type=f.code)
            failure.text = format_finding(result.path, f)
        if not result.findings and result.error is None:
            ElementTree.SubElement(suite, "testcase", name="no findings", classname=result.path, file=result.path)
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"


FORMATS: dict[str, Callable[[Sequence[FileResult]], str]] = {
    "concise": concise,
    "json": json_list,
    "github": github,
    "sarif": sarif,
    "junit": junit,
}


def statistics(results: Sequence[FileResult], output_format: str) -> str:
    """Counts per code, most frequent first: ``count<TAB>code<TAB>[*] name`` after any errors, or JSON objects."""
    from ..lint.findings import Applicability

    counts = Counter(f.code for r in results for f in r.findings)
    # Like Ruff's ``[*]``: the code has findings that ``mlflow-naming fix`` fixes without ``--unsafe-fixes``.
    fixable = {f.code for r in results for f in r.findings if f.fix is not None and f.fix.applicability is Applicability.SAFE}
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if output_format == "json":
        items = [{"code": code, "name": rule_name(code), "count": count, "fixable": code in fixable} for code, count in rows]
        import json

        return json.dumps(items, indent=2) + "\n"
    errors = concise([FileResult(r.path, error=r.error) for r in results if r.error])
    width = len(str(rows[0][1])) if rows else 1
    table = "".join(f"{count:>{width}}\t{code}\t{'[*] ' if code in fixable else ''}{rule_name(code)}\n" for code, count in rows)
    return errors + table


def rule_name(code: str) -> str:
    """The rule's name (``run-without-name``) for a code."""
    from ..lint.rules import RULES_BY_CODE

    rule = RULES_BY_CODE.get(code)
    return rule.name if rule else code


def _end(finding: Finding) -> tuple[int, int]:
    """End line and byte column; a finding without an end ends where it starts."""
    return (finding.end_line, finding.end_col) if finding.end_line else (finding.line, finding.col)


class _Columns:
    """Turns ``ast`` byte columns into 1-based code point columns, using the file's source."""

    def __init__(self, result: FileResult) -> None:
        self._lines: list[str] = []
        self._cells: dict[int, list[str]] = {}
        source = result.source
        if source is None and result.error is None and result.findings:
            # Results from worker processes (``-j``) may come back without their source.
            try:
                source = Path(result.path).read_bytes()
            except OSError:
                source = None
        if source is not None and result.path.lower().endswith(".ipynb"):
            from ..sources.notebook import load

            try:
                self._cells = {cell.index: cell.text.split("\n") for cell in load(source).cells}
            except SourceError:
                pass
        elif source is not None:
            try:
                self._lines = re.split(_LINE_BREAK, decode(source))
            except SourceError:
                pass

    def excerpt(self, line: int, byte_col: int, cell: int | None = None) -> list[str]:
        """The source line and a caret under ``byte_col`` (nothing when the line is unknown)."""
        lines = self._lines if cell is None else self._cells.get(cell, [])
        if not 1 <= line <= len(lines):
            return []
        text = lines[line - 1]
        column = self.of(line, byte_col, cell) - 1
        # Keep tabs, so the caret lines up however the terminal expands them.
        return [text, "".join(c if c == "\t" else " " for c in text[:column]) + "^"]

    def of(self, line: int, byte_col: int, cell: int | None = None) -> int:
        lines = self._lines if cell is None else self._cells.get(cell, [])
        if not 1 <= line <= len(lines):
            return byte_col + 1
        prefix = lines[line - 1].encode("utf-8")[:byte_col]
        return len(prefix.decode("utf-8", errors="ignore")) + 1


def _command(name: str, props: dict[str, object], message: str) -> str:
    """A workflow command, escaped as the GitHub Actions runner expects."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(value: object) -> str:
        return data(str(value)).replace(":", "%3A").replace(",", "%2C")

    return f"::{name} " + ",".join(f"{key}={prop(value)}" for key, value in props.items()) + f"::{data(message)}"


def _uri(path: str) -> str:
    """A URI reference for ``path``: relative ones stay relative (to the checkout), absolute ones become ``file:``."""
    from urllib.parse import quote

    if Path(path).is_absolute():
        return Path(path).as_uri()
    return quote(PurePath(path).as_posix())


def _sarif_rule(rule) -> dict:
    import textwrap

    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _plain(rule.summary)},
        "fullDescription": {"text": _plain(rule.what_it_does), "markdown": textwrap.dedent(rule.what_it_does).strip()},
        "help": {"text": _plain(rule.why_bad), "markdown": rule.documentation()},
        "defaultConfiguration": {"level": "error"},
    }


def _plain(markdown: str) -> str:
    """Markdown prose as one plain-text paragraph."""
    import textwrap

    return " ".join(textwrap.dedent(markdown).replace("`", "").split())
