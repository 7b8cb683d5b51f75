"""The resolver on its own: what each call and name in a module resolves to, and the context of each call.

The rules' examples exercise the resolver through the rules; these tests pin the resolver's own
answers, so a change in it shows up here first and by name.
"""

from __future__ import annotations

import ast
import textwrap

import pytest

from flake8_mlflow_naming.lint.resolve import ModuleIndex


def index_of(code: str) -> ModuleIndex:
    return ModuleIndex(ast.parse(textwrap.dedent(code)))


def call_names(code: str) -> list[str | None]:
    """The resolved name of every call, in source order."""
    index = index_of(code)
    sites = sorted(index.calls, key=lambda s: (s.node.lineno, s.node.col_offset))
    return [index.call_name(site) for site in sites]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import mlflow\nmlflow.start_run()\n", "mlflow.start_run"),
        ("import mlflow as mf\nmf.start_run()\n", "mlflow.start_run"),
        ("from mlflow import start_run as sr\nsr()\n", "mlflow.start_run"),
        # Re-exporting modules resolve to the top-level name MLflow documents.
        ("import mlflow.tracking.fluent as fl\nfl.start_run()\n", "mlflow.start_run"),
        ("from mlflow.tracking.fluent import start_run\nstart_run()\n", "mlflow.start_run"),
        ("from mlflow import sklearn\nsklearn.log_model(m, 'model')\n", "mlflow.sklearn.log_model"),
        # A notebook's bare ``mlflow`` counts as MLflow.
        ("mlflow.start_run()\n", "mlflow.start_run"),
        ("from mlflow import *\nstart_run()\n", "mlflow.start_run"),
        # Another package's start_run, and a local function of that name, are not MLflow's.
        ("from hydraflow import start_run\nstart_run()\n", "hydraflow.start_run"),
        ("def start_run():\n    pass\nstart_run()\n", None),
    ],
)
def test_calls_resolve_to_dotted_names_whatever_the_import_style(code, expected):
    assert call_names(code)[-1] == expected


def test_imports_inside_functions_are_scoped_to_the_function():
    code = """
        def train():
            import mlflow
            mlflow.start_run()

        def other():
            mlflow.start_run()
        """
    # Outside ``train`` the name is unbound; a bare ``mlflow`` still counts as MLflow.
    assert call_names(code) == ["mlflow.start_run", "mlflow.start_run"]
    code_shadowed = """
        import mlflow

        def train(mlflow):
            mlflow.start_run()
        """
    assert call_names(code_shadowed) == [None]


@pytest.mark.parametrize(
    "code",
    [
        "import mlflow\nclient = mlflow.MlflowClient()\nclient.create_run('0')\n",
        "from mlflow.tracking import MlflowClient\nMlflowClient().create_run('0')\n",
        "from mlflow.client import MlflowClient\ndef f(c: MlflowClient):\n    c.create_run('0')\n",
        "import mlflow\nclass T:\n    def __init__(self):\n        self.client = mlflow.MlflowClient()\n    def go(self):\n        self.client.create_run('0')\n",
    ],
)
def test_client_methods_resolve_through_variables_annotations_and_attributes(code):
    assert "MlflowClient.create_run" in call_names(code)


def test_later_rebinding_wins_only_after_it():
    code = """
        from mlflow import start_run
        start_run()
        def start_run():
            pass
        start_run()
        """
    assert call_names(code) == ["mlflow.start_run", None]


def test_fallback_import_in_except_does_not_hide_mlflow():
    code = """
        try:
            import mlflow
        except ImportError:
            mlflow = None
        mlflow.start_run()
        """
    assert call_names(code) == ["mlflow.start_run"]


def test_module_constant_is_known_only_when_assigned_once():
    index = index_of("NAME = 'a_b'\nOTHER = 'x'\nOTHER = 'y'\nf(NAME, OTHER)\n")
    call = index.calls[0]
    name, other = call.node.args
    assert isinstance(index.module_constant(name, call.scope), ast.Constant)
    assert index.module_constant(other, call.scope) is None


def test_call_sites_record_enclosing_withs_loops_and_function():
    index = index_of(
        """
        import mlflow
        def train():
            for lr in (0.1, 0.2):
                with mlflow.start_run(run_name="outer_run"):
                    with mlflow.start_run(nested=True):
                        pass
        """
    )
    inner = next(s for s in index.calls if any(k.arg == "nested" for k in s.node.keywords))
    assert inner.function == "train"
    assert len(inner.loops) == 1 and len(inner.enclosing_withs) == 1
    assert inner.with_item is not None and inner.with_item[1] == 0


def test_consumer_looks_past_conditional_expressions():
    index = index_of("import mlflow, contextlib\nctx = contextlib.nullcontext() if quiet else mlflow.start_run()\n")
    site = next(s for s in index.calls if index.call_name(s) == "mlflow.start_run")
    assert isinstance(site.consumer, ast.Assign)


def test_run_name_tag_is_recognised_by_literal_and_by_mlflow_constant():
    index = index_of(
        "from mlflow.utils.mlflow_tags import MLFLOW_RUN_NAME\nf('mlflow.runName', MLFLOW_RUN_NAME, 'other')\n"
    )
    call = index.calls[0]
    literal, constant, other = call.node.args
    assert index.is_run_name_tag(literal, call.scope)
    assert index.is_run_name_tag(constant, call.scope)
    assert not index.is_run_name_tag(other, call.scope)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('import importlib\nmf = importlib.import_module("mlflow")\nmf.start_run()\n', "mlflow.start_run"),
        ('from importlib import import_module\nsk = import_module("mlflow.sklearn")\nsk.log_model(m)\n', "mlflow.sklearn.log_model"),
        ('import pytest\nmlflow = pytest.importorskip("mlflow")\nmlflow.start_run()\n', "mlflow.start_run"),
        ('from x import LazyLoader\nmlflow = LazyLoader("mlflow", globals(), "mlflow")\nmlflow.start_run()\n', "mlflow.start_run"),
        ('from y import lazy_import\nfl = lazy_import("mlflow.tracking.fluent")\nfl.start_run()\n', "mlflow.start_run"),
        ('mf = __import__("mlflow.sklearn")\nmf.start_run()\n', "mlflow.start_run"),
        # Only importers and lazy loaders bind modules: another call given "mlflow" does not.
        ('from z import load\nmf = load("mlflow")\nmf.start_run()\n', None),
        ('import importlib\nhf = importlib.import_module("hydraflow")\nhf.start_run()\n', None),
        ('import importlib\nmf = importlib.import_module(name)\nmf.start_run()\n', None),
    ],
)
def test_modules_bound_at_run_time_resolve_like_imports(code, expected):
    assert call_names(code)[-1] == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("from mlflow_extend import mlflow\nmlflow.start_run()\n", "mlflow.start_run"),
        ("import mlflow_extend as mx\nmx.start_run()\n", "mlflow.start_run"),
        ("from mlflow_extend.mlflow import start_run\nstart_run()\n", "mlflow.start_run"),
        ("from mlflow_extended import mlflow\nmlflow.start_run()\n", "mlflow_extended.mlflow.start_run"),
    ],
)
def test_mlflow_aliases_read_as_mlflow(code, expected):
    index = ModuleIndex(ast.parse(code), mlflow_aliases=("mlflow_extend",))
    site = max(index.calls, key=lambda s: (s.node.lineno, s.node.col_offset))
    assert index.call_name(site) == expected


def test_clients_returned_by_properties_are_clients():
    code = """
        import functools
        from mlflow import MlflowClient
        class Job:
            @property
            def client(self):
                return MlflowClient()
            @functools.cached_property
            def cached(self):
                client = MlflowClient("sqlite:///x.db")
                return client
            @property
            def other(self):
                return object()
            def plain(self):
                return MlflowClient()
            def go(self):
                self.client.create_run("0")
                self.cached.create_run("0")
                self.other.create_run("0")
                self.plain.create_run("0")
    """
    assert call_names(code)[-4:] == ["MlflowClient.create_run", "MlflowClient.create_run", None, None]


def test_local_constants_are_names_assigned_once_before_their_use():
    code = textwrap.dedent(
        """
        def f(flag, param):
            once = "a_b"
            twice = "x"
            twice = "y"
            use(once, twice, param, later)
            later = "z"
            def inner():
                nonlocal_name = 1
            use(once)
        """
    )
    index = ModuleIndex(ast.parse(code))
    call = next(s for s in index.calls if isinstance(s.node.func, ast.Name) and s.node.func.id == "use")
    once, twice, param, later = call.node.args
    assert index.local_constant(once, call.scope)[0].value == "a_b"  # type: ignore[index, union-attr]
    assert [index.local_constant(n, call.scope) for n in (twice, param, later)] == [None, None, None]
