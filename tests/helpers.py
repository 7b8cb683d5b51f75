"""Small helpers shared by the tests: write a project with a config, run the real tools."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
BIN = Path(sys.executable).parent


def toml_value(value: object) -> str:
    """A TOML literal for the simple values our settings use."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value + "'" if "'" not in value else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{toml_value(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def write_project(root: Path, settings: Mapping[str, object], files: Mapping[str, str | bytes] = {}) -> Path:
    """Create ``root/pyproject.toml`` with ``[tool.mlflow-naming]`` and the given files."""
    root.mkdir(parents=True, exist_ok=True)
    lines = ["[tool.mlflow-naming]"] + [f"{key} = {toml_value(value)}" for key, value in settings.items()]
    (root / "pyproject.toml").write_text("\n".join(lines) + "\n")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def run_tool(tool: str, *args: str, cwd: Path | None = None, stdin: str | bytes | None = None, env=None) -> subprocess.CompletedProcess:
    """Run an installed console script (``flake8``, ``mlflow-naming``) in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [str(BIN / tool), *args], cwd=cwd, input=data, capture_output=True, env=full_env, timeout=120
    )
