"""A real editor: Neovim's built-in LSP client, headless, against ``mlflow-naming server``.

The Lua script (``neovim_quick_fix.lua``) opens a file, waits for the server's diagnostics,
requests code actions, applies the quick fix to the buffer through Neovim's own
``apply_workspace_edit``, and waits for the diagnostics to clear. It uses ``vim.lsp.start``
(the set-up the docs show) on Neovim 0.8+, and ``vim.lsp.start_client`` on 0.7 (Debian 12).
Skipped where ``nvim`` is not installed (``apt-get install neovim``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ..helpers import BIN, write_project

NVIM = shutil.which("nvim")
SCRIPT = Path(__file__).with_name("neovim_quick_fix.lua")

pytestmark = pytest.mark.skipif(NVIM is None, reason="Neovim is not installed (apt-get install neovim)")


def test_neovim_shows_the_finding_and_applies_the_quick_fix(tmp_path):
    write_project(tmp_path, {}, {"train.py": "import mlflow\n\n\ndef main():\n    with mlflow.start_run():\n        pass\n"})
    out = tmp_path / "result.json"
    env = {"MLN_FILE": str(tmp_path / "train.py"), "MLN_SERVER": str(BIN / "mlflow-naming"), "MLN_OUT": str(out), "HOME": str(tmp_path)}
    subprocess.run(
        [NVIM, "--headless", "--clean", "-c", f"luafile {SCRIPT}"],
        env={**os.environ, **env},
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
    )
    result = json.loads(out.read_text())
    assert result["ok"], result["error"]
    assert result["diagnostic"] == {"code": "MLN001", "lnum": 4, "col": 9, "end_col": 27, "source": "mlflow-naming"}
    assert result["titles"] == ['Name the run "train_main" (unsafe)', "Disable MLN001 for this line"]
    assert result["lines"] == ["import mlflow", "", "", "def main():", '    with mlflow.start_run(run_name="train_main"):', "        pass"]
    assert result["cleared"] is True
    # The file on disk is untouched: the edit went to the buffer, the user saves it.
    assert "start_run():" in (tmp_path / "train.py").read_text()
