"""Run ``mlflow-naming`` as another user: ``python -m tests.as_user UID ARGS...`` (as root).

The interpreter of a virtualenv made by root may live where other users cannot read (under
``/root``), so the tool cannot simply be started as ``nobody``. This starts as root, imports
everything the subcommands load, then drops to ``UID`` (group ``nogroup``) with
``os.setuid`` before any file of the test is touched: every permission check the tool meets
is the other user's.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    """Import the tool, become the user, run the command line."""
    import concurrent.futures.process  # noqa: F401 - used by -j
    import configparser  # noqa: F401
    import difflib  # noqa: F401
    import hashlib  # noqa: F401
    import json  # noqa: F401
    import multiprocessing.synchronize  # noqa: F401

    import libcst
    import libcst.codemod
    import pathspec  # noqa: F401 - imported lazily by the tool, so before dropping privileges
    import regex  # noqa: F401 - likewise (the venv may sit where the user cannot read)
    import tomllib  # noqa: F401

    import flake8_mlflow_naming.cache
    import flake8_mlflow_naming.cache.codec
    import flake8_mlflow_naming.cache.key
    import flake8_mlflow_naming.cache.secret
    import flake8_mlflow_naming.cli.check
    import flake8_mlflow_naming.cli.fix
    import flake8_mlflow_naming.fix.apply
    import flake8_mlflow_naming.lint.engine
    import flake8_mlflow_naming.sources.write
    from flake8_mlflow_naming.cli.main import main as tool

    libcst.parse_module("x = 1\n").code  # noqa: B018 - the attribute access loads the native parser and code generator
    flake8_mlflow_naming.cache.key.tool_fingerprint()  # stats the package files, which the user may not reach
    uid = int(sys.argv[1])
    os.setgroups([])
    os.setgid(65534)
    os.setuid(uid)
    return tool(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
