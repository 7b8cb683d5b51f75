"""``mlflow-naming server`` driven by a real LSP client over stdio (pytest-lsp, itself built on pygls).

Every test starts the installed console script as a subprocess and speaks the protocol to it:
no part of the server is imported or called in-process. Expected positions are counted by
hand from the documents (LSP lines and columns are 0-based; columns are UTF-16 code units),
and expected texts are what the rule documentation says its fix produces.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Union

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pygls.workspace import TextDocument
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from ..helpers import BIN, REPO, run_tool, write_project

pytestmark = pytest.mark.asyncio(loop_scope="function")

#: Short, so the tests do not wait; the debounce test sets its own.
DEBOUNCE_MS = 20
TIMEOUT = 20

TRAIN = "import mlflow\n\n\ndef main():\n    with mlflow.start_run():\n        pass\n"
TRAIN_NAMED = 'import mlflow\n\n\ndef main():\n    with mlflow.start_run(run_name="train_main"):\n        pass\n'


def converter():
    """lsprotocol's converter, reading a code action that carries a command as a code action.

    lsprotocol takes any result item with a ``command`` key for a ``Command``; the protocol
    says a ``Command``'s ``command`` is a string, a ``CodeAction``'s an object (as VS Code
    and Neovim read it).
    """
    converter = default_converter()

    def command_or_action(item, _):
        kind = types.Command if isinstance(item.get("command"), str) else types.CodeAction
        return converter.structure(item, kind)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], command_or_action)  # noqa: UP007 - the hook is keyed by the typing.Union object pygls asks for
    return converter


def recording_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every ``publishDiagnostics`` in order (it keeps only the last per URI)."""
    client = LanguageClient(converter_factory=converter)
    client.published = []

    def publish_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish_diagnostics})
    return client


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[str(BIN / "mlflow-naming"), "server", "--stdio"], client_factory=recording_client
    )
)
async def client(lsp_client: LanguageClient):
    yield
    if lsp_client._server is not None and lsp_client._server.returncode is None:  # not shut down by the test
        await lsp_client.shutdown_session()


def capabilities(resolve: bool = False, notebooks: bool = False, watch: bool = False) -> types.ClientCapabilities:
    """What a typical editor announces: code action literals, versioned edits, optionally resolve and notebooks."""
    return types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(value_set=["quickfix", "source", "source.fixAll"])
                ),
                resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]) if resolve else None,
            ),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
        ),
        workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            apply_edit=True,
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True) if watch else None,
        ),
        notebook_document=types.NotebookDocumentClientCapabilities(
            synchronization=types.NotebookDocumentSyncClientCapabilities()
        )
        if notebooks
        else None,
    )


async def start(client: LanguageClient, root: Path, debounce_ms: int = DEBOUNCE_MS, **caps) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(**caps),
            root_uri=root.as_uri(),
            initialization_options={"debounce": debounce_ms},
        )
    )


async def open_document(client: LanguageClient, path: Path, text: str, version: int = 1) -> list[types.Diagnostic]:
    """Open ``path`` with ``text`` and wait for its first diagnostics."""
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(path.as_uri(), "python", version, text))
    )
    return await diagnostics_for(client, path.as_uri(), version)


async def diagnostics_for(client: LanguageClient, uri: str, version: int | None = None) -> list[types.Diagnostic]:
    """The next diagnostics of ``uri`` (at ``version`` when given) not yet looked at by a test."""
    deadline = asyncio.get_running_loop().time() + TIMEOUT
    while asyncio.get_running_loop().time() < deadline:
        for index, params in enumerate(client.published):
            if params.uri == uri and (version is None or params.version == version):
                del client.published[: index + 1]
                return list(params.diagnostics)
        await asyncio.sleep(0.01)
    raise AssertionError(f"no diagnostics for {uri} at version {version} within {TIMEOUT} s")


def change(client: LanguageClient, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [types.TextDocumentContentChangePartial(range=types.Range(types.Position(*start), types.Position(*end)), text=text)],
        )
    )


def apply_edits(text: str, edits) -> str:
    """Apply LSP text edits the way an editor does (pygls' own document model, last edit first)."""
    document = TextDocument("file:///scratch.py", text)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        document.apply_change(types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text))
    return document.source


def only_edits(edit: types.WorkspaceEdit, uri: str, version: int) -> list[types.TextEdit]:
    """The text edits of the one document ``edit`` changes, checking its versioned identifier."""
    assert edit.changes is None
    assert len(edit.document_changes) == 1
    change = edit.document_changes[0]
    assert change.text_document.uri == uri and change.text_document.version == version
    return list(change.edits)


async def actions_at(client, uri, line, character, only=None, diagnostics=()) -> list[types.CodeAction]:
    position = types.Position(line, character)
    return list(await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            types.Range(position, position),
            types.CodeActionContext(diagnostics=list(diagnostics), only=only),
        )
    ) or [])


async def test_initialize_announces_sync_actions_and_commands(client: LanguageClient, tmp_path):
    result = await start(client, tmp_path)
    capabilities = result.capabilities
    assert result.server_info.name == "mlflow-naming"
    assert capabilities.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert capabilities.text_document_sync.open_close is True
    assert set(capabilities.code_action_provider.code_action_kinds) == {"quickfix", "source.fixAll.mlflow-naming"}
    assert capabilities.code_action_provider.resolve_provider is True
    assert set(capabilities.execute_command_provider.commands) == {
        "mlflow-naming.applyFix",
        "mlflow-naming.disableForLine",
        "mlflow-naming.fixAll",
    }


async def test_open_reports_the_finding_with_its_exact_range_code_and_documentation(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path)
    found = await open_document(client, tmp_path / "train.py", TRAIN)
    assert len(found) == 1
    (diagnostic,) = found
    assert diagnostic.code == "MLN001"
    assert diagnostic.source == "mlflow-naming"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.message.startswith("run started without a name")
    # "    with mlflow.start_run():" — the call runs from column 9 to column 27.
    assert diagnostic.range == types.Range(types.Position(4, 9), types.Position(4, 27))
    href = diagnostic.code_description.href
    assert href == (REPO / "docs" / "rules" / "MLN001.md").as_uri()


async def test_columns_are_utf16_code_units(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path)
    text = 'import mlflow\n\n\ndef main():\n    with mlflow.start_run(tags={"k": "😀é"}):\n        pass\n'
    (diagnostic,) = await open_document(client, tmp_path / "train.py", text)
    # 9 + len('mlflow.start_run(tags={"k": "') 29 + 😀 (2 units) + é (1) + '"})' 3 = 44.
    assert diagnostic.range == types.Range(types.Position(4, 9), types.Position(4, 44))


async def test_a_change_is_linted_again(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path)
    path = tmp_path / "train.py"
    uri = path.as_uri()
    assert len(await open_document(client, path, TRAIN)) == 1
    change(client, uri, 2, (4, 26), (4, 26), 'run_name="train_main"')
    assert await diagnostics_for(client, uri, 2) == []
    change(client, uri, 3, (4, 26), (4, 47), "")
    assert [d.code for d in await diagnostics_for(client, uri, 3)] == ["MLN001"]


async def test_a_burst_of_changes_is_linted_once_after_the_debounce(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path, debounce_ms=400)
    path = tmp_path / "train.py"
    uri = path.as_uri()
    await open_document(client, path, TRAIN)
    client.published.clear()
    for version, letter in enumerate("abcde", start=2):  # typing a comment, one key at a time
        change(client, uri, version, (5, 12 + version - 2), (5, 12 + version - 2), letter)
    await asyncio.sleep(2.0)  # well past the 400 ms of quiet after the last keystroke
    assert [params.version for params in client.published] == [6]  # versions 2 to 5 were never linted


async def test_quick_fix_names_the_run_with_one_exact_insertion(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path)
    path = tmp_path / "train.py"
    uri = path.as_uri()
    (diagnostic,) = await open_document(client, path, TRAIN)
    actions = await actions_at(client, uri, 4, 12, diagnostics=[diagnostic])
    assert [a.title for a in actions] == ['Name the run "train_main" (unsafe)', "Disable MLN001 for this line"]
    fix = actions[0]
    assert fix.kind == "quickfix"
    assert fix.diagnostics[0].code == "MLN001"
    edits = only_edits(fix.edit, uri, 1)
    assert edits == [types.TextEdit(types.Range(types.Position(4, 26), types.Position(4, 26)), 'run_name="train_main"')]
    fixed = apply_edits(TRAIN, edits)
    assert fixed == TRAIN_NAMED
    change(client, uri, 2, (0, 0), (6, 0), fixed)
    assert await diagnostics_for(client, uri, 2) == []


async def test_quick_fix_applies_only_its_own_finding(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path)
    path = tmp_path / "jobs.py"
    text = (
        "import mlflow\n\n\ndef train():\n    with mlflow.start_run():\n        pass\n\n\n"
        "def evaluate():\n    with mlflow.start_run():\n        pass\n"
    )
    assert len(await open_document(client, path, text)) == 2
    actions = await actions_at(client, path.as_uri(), 9, 10)
    assert actions[0].title == 'Name the run "jobs_evaluate" (unsafe)'
    fixed = apply_edits(text, only_edits(actions[0].edit, path.as_uri(), 1))
    assert fixed == text.replace(
        "def evaluate():\n    with mlflow.start_run():", 'def evaluate():\n    with mlflow.start_run(run_name="jobs_evaluate"):'
    )


async def test_with_resolve_support_the_edit_comes_on_resolve(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path, resolve=True)
    path = tmp_path / "train.py"
    uri = path.as_uri()
    await open_document(client, path, TRAIN)
    actions = await actions_at(client, uri, 4, 12)
    assert actions[0].edit is None and actions[0].data is not None
    resolved = await client.code_action_resolve_async(actions[0])
    assert apply_edits(TRAIN, only_edits(resolved.edit, uri, 1)) == TRAIN_NAMED


async def test_fix_all_applies_the_safe_fixes_only(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path, resolve=True)
    path = tmp_path / "nested.py"
    uri = path.as_uri()
    text = (
        "import mlflow\n\n\ndef main():\n"
        '    with mlflow.start_run(run_name="outer_run"):\n'
        '        with mlflow.start_run(run_name="inner_run"):\n'
        "            with mlflow.start_run():\n"
        "                pass\n"
    )
    codes = sorted(d.code for d in await open_document(client, path, text))
    assert codes == ["MLN001", "MLN006", "MLN006"]
    actions = await actions_at(client, uri, 0, 0, only=["source.fixAll"])
    assert [(a.title, a.kind) for a in actions] == [("Fix all safe MLN fixes", "source.fixAll.mlflow-naming")]
    resolved = await client.code_action_resolve_async(actions[0])
    edits = only_edits(resolved.edit, uri, 1)
    # Line 5 (0-based): "        with mlflow.start_run(run_name="inner_run")" — the call's ")" is at column 50.
    assert types.TextEdit(types.Range(types.Position(5, 50), types.Position(5, 50)), ", nested=True") in edits
    fixed = apply_edits(text, edits)
    assert fixed == text.replace('"inner_run")', '"inner_run", nested=True)').replace(
        "start_run():", "start_run(nested=True):"
    )
    change(client, uri, 2, (0, 0), (8, 0), fixed)
    assert [d.code for d in await diagnostics_for(client, uri, 2)] == ["MLN001"]  # unsafe: left for a quick fix


async def test_no_fix_all_when_nothing_is_safely_fixable(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path)
    path = tmp_path / "train.py"
    await open_document(client, path, TRAIN)
    assert await actions_at(client, path.as_uri(), 0, 0, only=["source.fixAll.mlflow-naming"]) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("    with mlflow.start_run():", "    with mlflow.start_run():  # noqa: MLN001"),
        ("    with mlflow.start_run():  # noqa: MLN003", "    with mlflow.start_run():  # noqa: MLN003, MLN001"),
        ("    with mlflow.start_run():  # keep going", "    with mlflow.start_run():  # keep going  # noqa: MLN001"),
    ],
)
async def test_disable_for_this_line_inserts_a_noqa_that_silences_it(client, tmp_path, line, expected):
    write_project(tmp_path, {})
    await start(client, tmp_path)
    path = tmp_path / "train.py"
    uri = path.as_uri()
    text = TRAIN.replace("    with mlflow.start_run():", line)
    await open_document(client, path, text)
    actions = await actions_at(client, uri, 4, 12)
    (noqa,) = [a for a in actions if a.title == "Disable MLN001 for this line"]
    fixed = apply_edits(text, only_edits(noqa.edit, uri, 1))
    assert fixed == TRAIN.replace("    with mlflow.start_run():", expected)
    change(client, uri, 2, (0, 0), (6, 0), fixed)
    assert await diagnostics_for(client, uri, 2) == []


async def test_noqa_for_a_call_with_a_multiline_string_goes_after_the_string(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path)
    path = tmp_path / "train.py"
    uri = path.as_uri()
    text = 'import mlflow\n\n\ndef main():\n    with mlflow.start_run(description="""first\nsecond"""):\n        pass\n'
    await open_document(client, path, text)
    actions = await actions_at(client, uri, 4, 12)
    (noqa,) = [a for a in actions if a.title.startswith("Disable")]
    fixed = apply_edits(text, only_edits(noqa.edit, uri, 1))
    assert fixed == text.replace('second"""):\n', 'second"""):  # noqa: MLN001\n')
    change(client, uri, 2, (0, 0), (6, 0), fixed)
    assert await diagnostics_for(client, uri, 2) == []


async def test_commands_send_the_edit_with_workspace_apply_edit(client, tmp_path):
    applied: list[types.ApplyWorkspaceEditParams] = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams):
        applied.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    write_project(tmp_path, {})
    await start(client, tmp_path)
    path = tmp_path / "train.py"
    uri = path.as_uri()
    (diagnostic,) = await open_document(client, path, TRAIN)
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="mlflow-naming.applyFix", arguments=[uri, diagnostic.data])
    )
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="mlflow-naming.disableForLine", arguments=[uri, diagnostic.data])
    )
    assert len(applied) == 2
    assert apply_edits(TRAIN, only_edits(applied[0].edit, uri, 1)) == TRAIN_NAMED
    assert apply_edits(TRAIN, only_edits(applied[1].edit, uri, 1)) == TRAIN.replace(
        "start_run():", "start_run():  # noqa: MLN001"
    )


async def test_without_resolve_fix_all_is_a_command_run_only_when_chosen(client, tmp_path):
    applied: list[types.ApplyWorkspaceEditParams] = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams):
        applied.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    write_project(tmp_path, {})
    await start(client, tmp_path)
    path = tmp_path / "nested.py"
    uri = path.as_uri()
    text = 'import mlflow\n\nwith mlflow.start_run(run_name="outer_run"):\n    with mlflow.start_run(run_name="inner_run"):\n        pass\n'
    await open_document(client, path, text)
    (action,) = await actions_at(client, uri, 0, 0, only=["source.fixAll"])
    assert action.edit is None and applied == []
    assert action.command.command == "mlflow-naming.fixAll" and list(action.command.arguments) == [uri]
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=action.command.command, arguments=action.command.arguments)
    )
    assert apply_edits(text, only_edits(applied[0].edit, uri, 1)) == text.replace('"inner_run")', '"inner_run", nested=True)')


async def test_broken_pyproject_is_one_diagnostic_at_line_1_and_recovers_when_fixed(client, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.mlflow-naming\nrun-name-regex = 1\n")
    registrations: list[types.RegistrationParams] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        registrations.append(params)

    await start(client, tmp_path, watch=True)
    path = tmp_path / "train.py"
    uri = path.as_uri()
    (error,) = await open_document(client, path, TRAIN)
    assert error.severity == types.DiagnosticSeverity.Error
    assert error.range.start == types.Position(0, 0)
    assert str(tmp_path / "pyproject.toml") in error.message and "invalid TOML" in error.message
    watcher = registrations[0].registrations[0]
    assert watcher.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    # The editor saw the file change and says so.
    write_project(tmp_path, {})
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri=(tmp_path / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    assert [d.code for d in await diagnostics_for(client, uri)] == ["MLN001"]


async def test_a_pyproject_changed_behind_the_editors_back_is_read_again(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path)
    path = tmp_path / "train.py"
    uri = path.as_uri()
    assert len(await open_document(client, path, TRAIN)) == 1
    write_project(tmp_path, {"ignore": ["MLN001"]})
    stamp = (tmp_path / "pyproject.toml").stat().st_mtime_ns + 10**9
    os.utime(tmp_path / "pyproject.toml", ns=(stamp, stamp))
    change(client, uri, 2, (5, 12), (5, 12), " ")
    assert await diagnostics_for(client, uri, 2) == []


async def test_a_syntax_error_is_reported_and_the_server_carries_on(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path)
    path = tmp_path / "train.py"
    uri = path.as_uri()
    await open_document(client, path, TRAIN)
    change(client, uri, 2, (4, 27), (4, 28), "")  # drop the ':' of the with statement
    (error,) = await diagnostics_for(client, uri, 2)
    assert error.severity == types.DiagnosticSeverity.Error and error.range.start.line == 4
    assert error.message.startswith("cannot parse")
    change(client, uri, 3, (4, 27), (4, 27), ":")
    assert [d.code for d in await diagnostics_for(client, uri, 3)] == ["MLN001"]


async def test_close_clears_the_diagnostics(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path)
    path = tmp_path / "train.py"
    await open_document(client, path, TRAIN)
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(path.as_uri())))
    assert await diagnostics_for(client, path.as_uri()) == []


NOTEBOOK_CELLS = [
    (types.NotebookCellKind.Code, "import mlflow\n"),
    (types.NotebookCellKind.Markup, "# Training\n"),
    (types.NotebookCellKind.Code, "%matplotlib inline\nwith mlflow.start_run():\n    mlflow.log_param('lr', 0.1)\n"),
]


async def test_notebook_findings_arrive_in_their_cell_and_quick_fixes_edit_that_cell(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path, notebooks=True)
    notebook_path = tmp_path / "analysis.ipynb"
    cell_uris = [f"{notebook_path.as_uri()}#cell{index}" for index in range(len(NOTEBOOK_CELLS))]
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=notebook_path.as_uri(),
                notebook_type="jupyter-notebook",
                version=1,
                cells=[types.NotebookCell(kind=kind, document=uri) for (kind, _), uri in zip(NOTEBOOK_CELLS, cell_uris)],
            ),
            cell_text_documents=[
                types.TextDocumentItem(uri, "python" if kind == types.NotebookCellKind.Code else "markdown", 1, text)
                for (kind, text), uri in zip(NOTEBOOK_CELLS, cell_uris)
            ],
        )
    )
    (diagnostic,) = await diagnostics_for(client, cell_uris[2])
    assert diagnostic.code == "MLN001"
    assert diagnostic.range == types.Range(types.Position(1, 5), types.Position(1, 23))
    actions = await actions_at(client, cell_uris[2], 1, 8)
    fix = actions[0]
    assert fix.title.startswith("Name the run") and fix.title.endswith("(unsafe)")
    edits = only_edits(fix.edit, cell_uris[2], 1)
    fixed_cell = apply_edits(NOTEBOOK_CELLS[2][1], edits)

    # The same notebook on disk, fixed by the command line: the quick fix must agree with it.
    notebook_path.write_text(
        json.dumps(
            {
                "nbformat": 4,
                "nbformat_minor": 5,
                "metadata": {},
                "cells": [
                    {"cell_type": "code", "metadata": {}, "source": NOTEBOOK_CELLS[0][1], "outputs": [], "execution_count": None},
                    {"cell_type": "markdown", "metadata": {}, "source": NOTEBOOK_CELLS[1][1]},
                    {"cell_type": "code", "metadata": {}, "source": NOTEBOOK_CELLS[2][1], "outputs": [], "execution_count": None},
                ],
            }
        )
    )
    assert run_tool("mlflow-naming", "fix", "--unsafe-fixes", str(notebook_path)).returncode == 0
    on_disk = json.loads(notebook_path.read_text())["cells"][2]["source"]
    assert fixed_cell == ("".join(on_disk) if isinstance(on_disk, list) else on_disk)
    assert fixed_cell.startswith("%matplotlib inline\nwith mlflow.start_run(run_name=")


async def test_shutdown_and_exit_end_the_process_cleanly(client, tmp_path):
    write_project(tmp_path, {})
    await start(client, tmp_path)
    await open_document(client, tmp_path / "train.py", TRAIN)
    await client.shutdown_session()
    assert client._server.returncode == 0

