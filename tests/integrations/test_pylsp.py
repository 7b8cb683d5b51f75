"""The plugin inside an editor: a real python-lsp-server session over stdio.

pylsp's flake8 plugin runs the ``flake8`` executable with the document on standard input,
so this proves the MLN codes reach an editor through the ordinary flake8 route, with no
editor-specific code in this project. The client is a few lines of JSON-RPC over pipes.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path

import pytest

from ..helpers import BIN

PYLSP = BIN / "pylsp"
TIMEOUT = 30.0
SETTINGS = {
    "pylsp": {
        "plugins": {
            "flake8": {"enabled": True},
            "pycodestyle": {"enabled": False},
            "pyflakes": {"enabled": False},
            "mccabe": {"enabled": False},
        }
    }
}
DOCUMENT = "import mlflow\n\n\ndef main():\n    with mlflow.start_run():\n        pass\n"

pytestmark = pytest.mark.skipif(not PYLSP.exists(), reason="python-lsp-server is not installed in this environment")


class LanguageServer:
    """A language server subprocess spoken to with JSON-RPC over its standard streams."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.messages: queue.Queue[dict] = queue.Queue()
        self._next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                header = stream.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                continue
            self.messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict) -> dict:
        """Send a request and return its result, answering nothing else meanwhile."""
        self._next_id += 1
        self._send({"id": self._next_id, "method": method, "params": params})
        reply = self.wait_for(lambda m: m.get("id") == self._next_id and "method" not in m)
        assert "error" not in reply, reply
        return reply.get("result")

    def wait_for(self, accept, timeout: float = TIMEOUT) -> dict:
        """The first message ``accept`` returns true for; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"no matching message from the language server within {timeout:.0f}s; got {seen!r}")
            try:
                message = self.messages.get(timeout=remaining)
            except queue.Empty:
                continue
            if message.get("method") and "id" in message:
                # A server request (e.g. workspace/configuration): answer it so the server goes on.
                self._send({"id": message["id"], "result": None})
            if accept(message):
                return message
            seen.append(message)

    def close(self) -> None:
        """Shut down politely, then make sure the process is gone."""
        try:
            if self.process.poll() is None:
                self._send({"id": 0, "method": "shutdown"})
                self.notify("exit", {})
                self.process.wait(timeout=5)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=5)
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                stream.close()


@pytest.fixture
def server(tmp_path):
    # pylsp starts "flake8" from PATH: it must be the one this project is installed with.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    lsp = LanguageServer([str(PYLSP)], cwd=tmp_path, env=env)
    try:
        yield lsp
    finally:
        lsp.close()


def test_mln001_reaches_the_editor(server, tmp_path):
    root = tmp_path.as_uri()
    server.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": root,
            "workspaceFolders": [{"uri": root, "name": "workspace"}],
            "capabilities": {"textDocument": {"publishDiagnostics": {}}},
            "initializationOptions": SETTINGS,
        },
    )
    server.notify("initialized", {})
    server.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})
    path = tmp_path / "train.py"
    path.write_text(DOCUMENT)
    uri = path.as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": DOCUMENT}})

    def has_mln001(message: dict) -> bool:
        if message.get("method") != "textDocument/publishDiagnostics" or message["params"]["uri"] != uri:
            return False
        return any(d.get("code") == "MLN001" for d in message["params"]["diagnostics"])

    diagnostics = server.wait_for(has_mln001)["params"]["diagnostics"]
    (mln001,) = [d for d in diagnostics if d.get("code") == "MLN001"]
    # LSP positions are 0-based: source line 5, flake8 column 10.
    assert mln001["range"]["start"] == {"line": 4, "character": 9}
    assert mln001["source"] == "flake8"
    assert "without a name" in mln001["message"]
