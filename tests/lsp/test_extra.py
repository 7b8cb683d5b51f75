"""``mlflow-naming server`` without the ``lsp`` extra: one line that says what to install."""

from __future__ import annotations

import subprocess
import sys


def test_without_the_lsp_extra_the_command_says_how_to_install_it():
    blocked = "import sys; sys.modules['pygls'] = None; from flake8_mlflow_naming.cli import main; sys.exit(main(['server']))"
    result = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == "mlflow-naming: error: the server needs the lsp extra: pip install 'flake8-mlflow-naming[lsp]'\n"
