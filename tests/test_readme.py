"""The README a newcomer reads stays true: every configuration key and every option is in its tables,
and it keeps exactly the two set-up commands (install and check the fixtures; install and test)."""

from __future__ import annotations

import re

from flake8_mlflow_naming.cli.main import build_parser
from flake8_mlflow_naming.config import _KEYS

from .helpers import REPO

README = (REPO / "README.md").read_text()


def test_every_configuration_key_is_in_the_table():
    rows = re.findall(r"^\| `([a-z-]+)`(?: / `([a-z-]+)`)? \|", README, re.MULTILINE)
    listed = {key for row in rows for key in row if key}
    assert set(_KEYS) - listed == set()


def test_every_check_and_fix_option_is_in_the_options_table():
    parser = build_parser()
    subcommands = next(a for a in parser._actions if a.dest == "command").choices
    for name in ("check", "fix"):
        for action in subcommands[name]._actions:
            longest = max(action.option_strings, key=len, default=None)
            if longest and longest != "--help":
                assert f"`{longest}" in README or f"/{longest}" in README, (name, longest)


def test_exactly_two_set_up_commands_and_they_are_the_documented_ones():
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", setup, re.DOTALL)
    assert commands == [
        "python3 -m venv .venv && . .venv/bin/activate && pip install . && mlflow-naming check fixtures/eval",
        "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test,runtime]' && pytest -q",
    ]
    assert "repo: local" in README and "<org>" not in README and "v0.1.0" not in README
    assert README.count("A bad regex") == 1
