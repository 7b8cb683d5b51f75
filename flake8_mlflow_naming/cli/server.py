"""``mlflow-naming server``: the language server over standard input and output (needs the ``lsp`` extra)."""

from __future__ import annotations

import argparse
import sys

from .options import EXIT_CLEAN, EXIT_ERROR


def server_command(args: argparse.Namespace) -> int:
    """Serve the Language Server Protocol on stdio until the client sends ``exit``."""
    try:
        from ..lsp.server import serve
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in ("pygls", "lsprotocol"):
            raise
        sys.stderr.write("mlflow-naming: error: the server needs the lsp extra: pip install 'flake8-mlflow-naming[lsp]'\n")
        return EXIT_ERROR
    serve()
    return EXIT_CLEAN
