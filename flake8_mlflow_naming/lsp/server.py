"""The Language Server Protocol side: pygls wiring, debounced linting off the protocol thread, actions.

The protocol runs on pygls' asyncio loop. Every lint and every fix runs on one worker thread,
so the loop keeps answering (and cancelling) while a file is analysed, and the engine and
the configuration cache are never used from two threads at once. Changes are debounced:
a burst of keystrokes is linted once, after :data:`DEBOUNCE_SECONDS` of quiet, and a result
for a version that has since changed is never published.

A file is changed only on request: code actions carry their edits (or compute them on
``codeAction/resolve``), and commands send them with ``workspace/applyEdit``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls import uris
from pygls.exceptions import JsonRpcContentModified, JsonRpcInternalError, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..config import ConfigSource, forget_parsed_configurations
from ..lint.findings import Applicability
from ..sources.notebook import is_notebook
from . import actions
from .actions import ActionError, EditOptions
from .documents import SOURCE, Cell, Linted, Snapshot, diagnostics, finding_key, lint, overlapping

#: Quiet time after a change before it is linted (``initializationOptions.debounce`` in ms overrides it).
DEBOUNCE_SECONDS = 0.15
PYPROJECT = "pyproject.toml"
_PYTHON_SUFFIXES = (".py", ".pyi")


class MlflowNamingServer(LanguageServer):
    """The server: open documents, their latest findings, and the one worker thread."""

    def __init__(self, config_source: ConfigSource | None = None) -> None:
        super().__init__(
            SOURCE,
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[
                    types.NotebookDocumentFilterWithCells(
                        cells=[types.NotebookCellLanguage(language="python")], notebook="jupyter-notebook"
                    )
                ],
                save=True,
            ),
        )
        self.config_source = config_source or ConfigSource()
        self.debounce = DEBOUNCE_SECONDS
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlflow-naming-lint")
        self._pending: dict[str, asyncio.Task] = {}
        self._linted: dict[str, Linted] = {}
        self._published: dict[str, set[str]] = {}
        self._pyprojects_seen: dict[str, int | None] = {}

    # --- documents --------------------------------------------------------------------

    def key_of(self, uri: str) -> str:
        """The document a URI belongs to: a notebook cell's notebook, else the document itself."""
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        return notebook.uri if notebook is not None else uri

    def snapshot(self, key: str) -> Snapshot | None:
        """The open document ``key`` as it is now; None when closed or not Python."""
        notebook = self.workspace.get_notebook_document(notebook_uri=key)
        if notebook is not None:
            cells = []
            for cell in notebook.cells:
                document = self.workspace.text_documents.get(unquote(cell.document))
                if document is None:
                    continue
                is_code = cell.kind == types.NotebookCellKind.Code
                language = (document.language_id or "python").lower()
                cells.append(Cell(cell.document, document.source, document.version, is_code and language == "python"))
            path = _path_of(key)
            if not is_notebook(path):
                path += ".ipynb"
            return Snapshot(key, path, notebook.version, cells=tuple(cells), is_notebook=True)
        document = self.workspace.text_documents.get(unquote(key))
        if document is None:
            return None
        path = _path_of(key)
        language = (document.language_id or "").lower()
        if is_notebook(path) or not (language == "python" or path.endswith(_PYTHON_SUFFIXES)):
            return None  # a notebook opened as JSON text, or not Python at all
        return Snapshot(key, path, document.version, text=document.source)

    def open_keys(self) -> list[str]:
        """Every open Python document and notebook."""
        keys = [notebook.uri for notebook in self.workspace.notebook_documents.values()]
        for document in self.workspace.text_documents.values():
            if self.workspace.get_notebook_document(cell_uri=document.uri) is None:
                keys.append(document.uri)
        return keys

    def units(self) -> Callable[[str], int]:
        """Counts the negotiated position units (UTF-16 code units unless the client chose otherwise)."""
        return self.workspace.position_codec.client_num_units

    # --- linting ----------------------------------------------------------------------

    def schedule(self, key: str, delay: float) -> None:
        """Lint ``key`` after ``delay`` seconds, replacing a lint already waiting for it."""
        waiting = self._pending.pop(key, None)
        if waiting is not None:
            waiting.cancel()
        self._pending[key] = asyncio.get_running_loop().create_task(self._lint_after(key, delay))

    async def _lint_after(self, key: str, delay: float) -> None:
        task = asyncio.current_task()
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            linted = await self.current(key)
            if linted is not None and linted.snapshot == self.snapshot(key):
                self.publish(key, linted)
        except Exception:  # a bug must cost one document's diagnostics, never the session
            logging.getLogger(__name__).exception("linting %s failed", key)
            self.window_log_message(
                types.LogMessageParams(type=types.MessageType.Error, message=f"{SOURCE}: linting {key} failed; see the server log")
            )
        finally:
            if self._pending.get(key) is task:
                del self._pending[key]

    async def current(self, key: str) -> Linted | None:
        """The findings for the document as it is now: the cached ones, or a fresh lint on the worker."""
        snapshot = self.snapshot(key)
        if snapshot is None:
            return None
        cached = self._linted.get(key)
        if cached is not None and cached.snapshot == snapshot:
            return cached
        linted, configuration_changed = await asyncio.get_running_loop().run_in_executor(self.worker, self._lint, snapshot)
        if self.snapshot(key) == snapshot:
            self._linted[key] = linted
        if configuration_changed:
            self.relint_all(except_key=key)
        return linted

    def _lint(self, snapshot: Snapshot) -> tuple[Linted, bool]:
        """Worker side: re-read configuration that changed on disk, then run the engine."""
        changed = self._pyproject_changed(snapshot.path)
        if changed:
            forget_parsed_configurations()
        return lint(snapshot, self.config_source), changed

    def _pyproject_changed(self, path: str) -> bool:
        """True when a pyproject.toml above ``path`` appeared, changed or vanished since last looked at.

        Clients that cannot watch files (or were not asked to) still get fresh configuration:
        a few ``stat`` calls per lint are far cheaper than the lint.
        """
        changed = False
        folder = Path(os.path.abspath(path)).parent
        for candidate in (folder, *folder.parents):
            pyproject = str(candidate / PYPROJECT)
            try:
                stamp: int | None = os.stat(pyproject).st_mtime_ns
            except OSError:
                stamp = None
            if pyproject in self._pyprojects_seen and self._pyprojects_seen[pyproject] != stamp:
                changed = True
            self._pyprojects_seen[pyproject] = stamp
        return changed

    def publish(self, key: str, linted: Linted) -> None:
        """Send the diagnostics of every document of ``linted`` (clearing cells that left a notebook)."""
        found = diagnostics(linted, self.units())
        versions = linted.snapshot.versions()
        for uri in self._published.get(key, set()) - set(found):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for uri, items in found.items():
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=versions.get(uri))
            )
        self._published[key] = set(found)

    def close(self, key: str) -> None:
        """Forget a closed document and clear its diagnostics."""
        waiting = self._pending.pop(key, None)
        if waiting is not None:
            waiting.cancel()
        self._linted.pop(key, None)
        for uri in self._published.pop(key, set()):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def relint_all(self, except_key: str | None = None) -> None:
        """Lint every open document again (the configuration changed)."""
        self._linted.clear()
        for key in self.open_keys():
            if key != except_key:
                self.schedule(key, 0)

    def configuration_changed(self) -> None:
        """A pyproject.toml changed: parse configuration again and lint every open document."""
        forget_parsed_configurations()
        self._pyprojects_seen.clear()
        self.relint_all()

    # --- actions ----------------------------------------------------------------------

    def edit_options(self) -> EditOptions:
        """Versioned document changes when the client takes them."""
        workspace = self.client_capabilities.workspace
        edit = workspace.workspace_edit if workspace else None
        return EditOptions(document_changes=bool(edit and edit.document_changes))

    def compute_edit(self, linted: Linted, action: str, key: dict | None) -> types.WorkspaceEdit:
        """Worker side: the workspace edit of one action (ActionError if it no longer applies)."""
        if action == "fixAll":
            texts = actions.fix_all_texts(linted, self.config_source)
        else:
            finding = linted.find(key or {})
            if finding is None:
                raise ActionError("the finding is no longer there; ask for code actions again")
            texts = actions.quick_fix_texts(linted, finding) if action == "fix" else actions.noqa_texts(linted, finding)
        return actions.workspace_edit(linted, texts, self.units(), self.edit_options())

    async def edit_for(self, uri: str, action: str, key: dict | None) -> types.WorkspaceEdit:
        """The workspace edit of ``action`` on the document as it is now."""
        linted = await self.current(self.key_of(uri))
        if linted is None:
            raise JsonRpcInvalidParams(f"{uri} is not an open Python document or notebook")
        try:
            return await asyncio.get_running_loop().run_in_executor(self.worker, self.compute_edit, linted, action, key)
        except ActionError as error:
            raise JsonRpcContentModified(str(error)) from None


def _path_of(uri: str) -> str:
    """The file system path of a ``file:`` URI; for an unsaved document, its name in the current folder."""
    path = uris.to_fs_path(uri)
    if path:
        return path
    name = unquote(urlparse(uri).path).rsplit("/", 1)[-1] or "untitled.py"
    return os.path.join(os.getcwd(), name)


def _wants(only: Sequence[str] | None, kind: str) -> bool:
    """True when an action of ``kind`` passes the client's ``only`` filter (kinds are hierarchical)."""
    return only is None or any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def build_server(config_source: ConfigSource | None = None) -> MlflowNamingServer:
    """The server with every feature registered."""
    server = MlflowNamingServer(config_source)

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("debounce"), (int, float)) and options["debounce"] >= 0:
            server.debounce = options["debounce"] / 1000

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        workspace = server.client_capabilities.workspace
        watching = workspace.did_change_watched_files if workspace else None
        if watching is not None and watching.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=f"**/{PYPROJECT}")]
            )
            registration = types.Registration(
                id=f"{SOURCE}-pyproject", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
            )
            try:
                await server.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
            except Exception as error:  # the client refused: pyproject changes are still seen by stat on each lint
                server.window_log_message(
                    types.LogMessageParams(type=types.MessageType.Warning, message=f"{SOURCE}: no file watching ({error})")
                )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        server.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        if _path_of(params.text_document.uri).endswith(os.sep + PYPROJECT):
            return  # an unsaved pyproject counts once it is saved
        server.schedule(params.text_document.uri, server.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        if _path_of(params.text_document.uri).endswith(os.sep + PYPROJECT):
            server.configuration_changed()
        else:
            server.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        server.close(params.text_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_did_open(params: types.DidOpenNotebookDocumentParams) -> None:
        server.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_did_change(params: types.DidChangeNotebookDocumentParams) -> None:
        server.schedule(params.notebook_document.uri, server.debounce)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_did_save(params: types.DidSaveNotebookDocumentParams) -> None:
        server.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_did_close(params: types.DidCloseNotebookDocumentParams) -> None:
        server.close(params.notebook_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files_changed(params: types.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.endswith("/" + PYPROJECT) for change in params.changes):
            server.configuration_changed()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, actions.FIX_ALL_KIND], resolve_provider=True
        ),
    )
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction | types.Command] | None:
        return await _code_actions(server, params)

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        if "uri" not in data or "action" not in data:
            raise JsonRpcInvalidParams("not a mlflow-naming code action")
        action.edit = await server.edit_for(data["uri"], data["action"], data.get("key"))
        return action

    async def execute(action: str, arguments: tuple[Any, ...]) -> None:
        if not arguments or not isinstance(arguments[0], str):
            raise JsonRpcInvalidParams("expected the document URI as the first argument")
        key = arguments[1] if len(arguments) > 1 and isinstance(arguments[1], dict) else None
        if action != "fixAll" and key is None:
            raise JsonRpcInvalidParams("expected the finding (a diagnostic's data) as the second argument")
        edit = await server.edit_for(arguments[0], action, key)
        response = await server.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label=SOURCE))
        if not response.applied:
            raise JsonRpcInternalError(f"the editor did not apply the edit: {response.failure_reason or 'no reason given'}")

    @server.command(actions.APPLY_FIX_COMMAND)
    async def apply_fix_command(*arguments: Any) -> None:
        await execute("fix", arguments)

    @server.command(actions.DISABLE_FOR_LINE_COMMAND)
    async def disable_for_line_command(*arguments: Any) -> None:
        await execute("noqa", arguments)

    @server.command(actions.FIX_ALL_COMMAND)
    async def fix_all_command(*arguments: Any) -> None:
        await execute("fixAll", arguments)

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        for task in server._pending.values():
            task.cancel()
        server.worker.shutdown(wait=False, cancel_futures=True)

    return server


async def _code_actions(server: MlflowNamingServer, params: types.CodeActionParams) -> list[types.CodeAction | types.Command] | None:
    """Quick fixes and ``# noqa`` for the findings in the range, and fix-all when something is safely fixable."""
    uri = params.text_document.uri
    linted = await server.current(server.key_of(uri))
    if linted is None:
        return None
    units = server.units()
    sent = [d.data for d in params.context.diagnostics if d.source == SOURCE and isinstance(d.data, dict)]
    findings = overlapping(linted, uri, params.range, sent, units)
    published = {finding_key_of(d): d for d in diagnostics(linted, units).get(uri, []) if d.code}
    only = params.context.only
    planned: list[tuple[str, str, str, dict | None, list[types.Diagnostic], bool]] = []
    if _wants(only, types.CodeActionKind.QuickFix):
        for finding in findings:
            key, diagnostic = finding_key(finding), published.get(_frozen(finding_key(finding)))
            if finding.fix is not None:
                safe = finding.fix.applicability is Applicability.SAFE
                planned.append(("fix", actions.quick_fix_title(finding), types.CodeActionKind.QuickFix, key, _listed(diagnostic), safe))
        for finding in findings:
            key, diagnostic = finding_key(finding), published.get(_frozen(finding_key(finding)))
            planned.append(("noqa", actions.noqa_title(finding), types.CodeActionKind.QuickFix, key, _listed(diagnostic), False))
    if _wants(only, actions.FIX_ALL_KIND) and any(
        f.fix is not None and f.fix.applicability is Applicability.SAFE for f in linted.result.findings
    ):
        planned.append(("fixAll", actions.FIX_ALL_TITLE, actions.FIX_ALL_KIND, None, [], False))
    if not planned:
        return []

    capabilities = server.client_capabilities.text_document
    code_action = capabilities.code_action if capabilities else None
    if code_action is None or code_action.code_action_literal_support is None:
        # A client without code action literals runs commands instead.
        command_of = {"fix": actions.APPLY_FIX_COMMAND, "noqa": actions.DISABLE_FOR_LINE_COMMAND, "fixAll": actions.FIX_ALL_COMMAND}
        return [
            types.Command(title=title, command=command_of[action], arguments=[uri] + ([key] if key else []))
            for action, title, _, key, _, _ in planned
        ]
    resolve = code_action.resolve_support
    lazy = resolve is not None and "edit" in resolve.properties
    result: list[types.CodeAction | types.Command] = []
    for action, title, kind, action_key, related, preferred in planned:
        item = types.CodeAction(title=title, kind=kind, diagnostics=related or None, is_preferred=preferred or None)
        if lazy:
            item.data = {"uri": uri, "action": action, "key": action_key}
        elif action == "fixAll":
            # Fixing a whole file runs the fix loop (LibCST, several passes): without resolve,
            # only when chosen, as the command that sends the edit with workspace/applyEdit.
            item.command = types.Command(title=title, command=actions.FIX_ALL_COMMAND, arguments=[uri])
        else:
            try:
                item.edit = await asyncio.get_running_loop().run_in_executor(
                    server.worker, server.compute_edit, linted, action, action_key
                )
            except ActionError:
                continue  # this fix cannot be applied here (it would not parse): offer the others
        result.append(item)
    return result


def finding_key_of(diagnostic: types.Diagnostic) -> tuple:
    """The hashable key of the finding behind one of this server's diagnostics."""
    data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
    return _frozen({name: data.get(name) for name in ("code", "line", "col", "cell")})


def _frozen(key: dict) -> tuple:
    return tuple(sorted(key.items()))


def _listed(diagnostic: types.Diagnostic | None) -> list[types.Diagnostic]:
    return [diagnostic] if diagnostic is not None else []


def serve() -> None:
    """Run the server over standard input and output until the client exits."""
    build_server().start_io()
