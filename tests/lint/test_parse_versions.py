"""A file using syntax newer than the running Python is told which Python can check it."""

from __future__ import annotations

import sys

import pytest

from flake8_mlflow_naming.lint.parse import SourceError, parse

CASES = [
    ("import mlflow\ndef first[T](items: list[T]) -> T:\n    return items[0]\n", (3, 12), 2, "PEP 695"),
    ("import mlflow\nclass Box[T]:\n    pass\n", (3, 12), 2, "PEP 695"),
    ("import mlflow\n\ntype Vector = list[float]\n", (3, 12), 3, "PEP 695"),
    ("import mlflow\ntry:\n    pass\nexcept ValueError, TypeError:\n    pass\n", (3, 14), 4, "PEP 758"),
    ('import mlflow\nname = t"run_{i}"\n', (3, 14), 2, "PEP 750"),
]


@pytest.mark.parametrize(("source", "needed", "line", "pep"), CASES)
def test_newer_syntax_names_the_python_needed(source, needed, line, pep):
    if sys.version_info[:2] >= needed:
        assert parse(source, "new.py") is not None  # the running Python reads it
        return
    with pytest.raises(SourceError) as raised:
        parse(source.encode(), "new.py")
    message = raised.value.message
    assert pep in message and f"Python {needed[0]}.{needed[1]} or newer" in message
    assert raised.value.line == line and "\n" not in message


@pytest.mark.parametrize(
    "source",
    [
        "import mlflow\nmlflow.start_run(\n",
        "type = 3\nprint type\n",  # ``type`` as a plain name, and a Python 2 print
        "import mlflow\ntry:\n    pass\nexcept (ValueError, TypeError) as e\n",
    ],
)
def test_plain_syntax_errors_stay_plain(source):
    with pytest.raises(SourceError) as raised:
        parse(source, "old.py")
    assert "or newer" not in raised.value.message
