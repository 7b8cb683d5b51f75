"""Invented run names in every loop form (issue 27, item 5) and without repeated words (issue 29).

Each loop form goes through the real command line (``mlflow-naming fix --unsafe-fixes`` in a
subprocess); the fixed sample is then executed by this test against a fake ``mlflow`` module
that records the names it is given, so "unique per iteration" is checked by running the loop,
not by reading the text. The samples are this test's own code, never a user's.
"""

from __future__ import annotations

import ast
import sys
import types

import pytest

from flake8_mlflow_naming.config import Config

from ..helpers import run_tool

DEFAULT_SCHEMA = Config().schema


class _Recorder:
    """A stand-in for ``mlflow``: ``start_run`` and ``MlflowClient().create_run`` record names."""

    def __init__(self) -> None:
        self.names: list[object] = []
        recorder = self

        class _Run:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

        class MlflowClient:
            def create_run(self, experiment_id, start_time=None, tags=None, run_name=None):
                recorder.names.append(run_name)
                return _Run()

        def start_run(run_id=None, experiment_id=None, run_name=None, nested=False, **kwargs):
            recorder.names.append(run_name)
            return _Run()

        self.module = types.ModuleType("mlflow")
        self.module.start_run = start_run  # type: ignore[attr-defined]
        self.module.MlflowClient = MlflowClient  # type: ignore[attr-defined]


def fix_and_run(tmp_path, monkeypatch, source: str, filename: str = "job.py", call: str | None = None) -> tuple[str, list]:
    """Fix ``source`` with the CLI, then execute the result (and ``call``) recording run names."""
    path = tmp_path / filename
    path.write_text(source)
    result = run_tool("mlflow-naming", "fix", "--unsafe-fixes", filename, cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    fixed = path.read_text()
    recorder = _Recorder()
    monkeypatch.setitem(sys.modules, "mlflow", recorder.module)
    namespace: dict = {"__name__": "sample"}
    exec(compile(fixed, str(path), "exec"), namespace)  # the test's own sample, fixed
    if call is not None:
        exec(call, namespace)
    return fixed, recorder.names


LOOPS = {
    "for over unknown values (a counter is added)": (
        "import mlflow\n\ndef sweep(rates):\n    for lr in rates:\n        with mlflow.start_run():\n            pass\n",
        "sweep([0.1, 0.01, 0.001, 0.0001])",
        4,
    ),
    "while with its own counter": (
        "import mlflow\n\ndef sweep():\n    epoch = 0\n    while epoch < 4:\n        with mlflow.start_run():\n"
        "            pass\n        epoch += 1\n",
        "sweep()",
        4,
    ),
    "list comprehension over range": (
        "from mlflow import MlflowClient\n\ndef trials():\n    client = MlflowClient()\n    return [client.create_run('0') for trial in range(5)]\n",
        "trials()",
        5,
    ),
    "generator over enumerate": (
        "import mlflow\n\ndef trials(configs):\n    return list(mlflow.start_run() for n, config in enumerate(configs))\n",
        "trials(['a', 'b', 'c'])",
        3,
    ),
    "dict comprehension with two for clauses": (
        "import mlflow\n\ndef grid():\n    return {(a, b): mlflow.start_run() for a in range(3) for b in ['x', 'y']}\n",
        "grid()",
        6,
    ),
    "while inside a for": (
        "import mlflow\n\ndef folds():\n    for fold in range(3):\n        step = 0\n        while step < 2:\n"
        "            mlflow.start_run(nested=True)\n            step += 1\n",
        "folds()",
        6,
    ),
}


@pytest.mark.parametrize(("source", "call", "runs"), list(LOOPS.values()), ids=list(LOOPS))
def test_every_iteration_of_every_loop_form_gets_its_own_name(tmp_path, monkeypatch, source, call, runs):
    fixed, names = fix_and_run(tmp_path, monkeypatch, source, call=call)
    assert fixed != source
    assert len(names) == runs
    assert None not in names
    assert len(set(names)) == runs, names  # unique per iteration
    for name in names:
        assert DEFAULT_SCHEMA.problem(name) is None, name


def test_two_loops_in_one_function_never_share_a_name(tmp_path, monkeypatch):
    source = (
        "import mlflow\n\ndef train():\n    for i in range(3):\n        with mlflow.start_run():\n            pass\n"
        "    runs = [mlflow.start_run() for i in range(3)]\n"
    )
    _, names = fix_and_run(tmp_path, monkeypatch, source, call="train()")
    assert len(names) == 6 and len(set(names)) == 6, names


DECLINED = {
    "while without a counter": (
        "import mlflow\n\ndef poll(queue):\n    while queue:\n        with mlflow.start_run():\n            queue.pop()\n",
        ("`while` loop has no counter", "`i += 1` as the first line of its body", 'f"job_poll_{i}"'),
    ),
    "while whose counter may be skipped by continue": (
        "import mlflow\n\ndef poll(items):\n    n = 0\n    while n < 9:\n        if items:\n            continue\n"
        "        with mlflow.start_run():\n            pass\n        n += 1\n",
        ("`while` loop has no counter",),
    ),
    "while whose counter starts below zero": (
        "import mlflow\n\ndef poll():\n    n = -1\n    while n < 9:\n        with mlflow.start_run():\n            pass\n        n += 1\n",
        ("`while` loop has no counter",),
    ),
    "async for": (
        "import mlflow\n\nasync def consume(stream):\n    async for batch in stream:\n        with mlflow.start_run():\n            pass\n",
        ("`async for`", "`i = 0` before it, `i += 1` in it", 'f"job_consume_batch_{i}"'),
    ),
    "comprehension over unknown values": (
        "import mlflow\n\ndef trials(configs):\n    return [mlflow.start_run() for config in configs]\n",
        ("for i, config in enumerate(...)", 'f"job_trials_config_{i}"'),
    ),
}


@pytest.mark.parametrize(("source", "says"), list(DECLINED.values()), ids=list(DECLINED))
def test_a_loop_without_a_usable_counter_gets_no_name_and_says_which_to_add(tmp_path, source, says):
    (tmp_path / "job.py").write_text(source)
    result = run_tool("mlflow-naming", "fix", "--unsafe-fixes", "job.py", cwd=tmp_path)
    assert result.returncode == 1
    assert (tmp_path / "job.py").read_text() == source
    check = run_tool("mlflow-naming", "check", "--select", "MLN001", "job.py", cwd=tmp_path)
    message = check.stdout.decode()
    assert "no name is invented" in message
    for text in says:
        assert text in message, message


def _static_words(value: ast.expr) -> list[str]:
    """The words of a name's literal text (an f-string's fields are code, not words)."""
    parts = value.values if isinstance(value, ast.JoinedStr) else [value]
    text = "_".join(p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str))
    return [word for word in text.split("_") if word]


@pytest.mark.parametrize(
    ("filename", "source", "template"),
    [
        ("train.py", "import mlflow\n\ndef train():\n    with mlflow.start_run():\n        pass\n", None),
        ("train.py", "import mlflow\n\ndef train():\n    for train in range(2):\n        mlflow.start_run()\n", None),
        (
            "churn.py",
            "import mlflow\n\nclass ChurnModel:\n    def churn_model(self):\n        with mlflow.start_run():\n            pass\n",
            "{class}_{module}_{function}",
        ),
    ],
)
def test_invented_names_never_repeat_a_word(tmp_path, filename, source, template):
    if template is not None:
        (tmp_path / "pyproject.toml").write_text(f'[tool.mlflow-naming]\nrun-name-template = "{template}"\n')
    (tmp_path / filename).write_text(source)
    run_tool("mlflow-naming", "fix", "--unsafe-fixes", filename, cwd=tmp_path)
    tree = ast.parse((tmp_path / filename).read_text())
    values = [k.value for k in ast.walk(tree) if isinstance(k, ast.keyword) and k.arg == "run_name"]
    assert values
    for value in values:
        words = _static_words(value)
        assert len(words) == len(set(words)), ast.unparse(value)
