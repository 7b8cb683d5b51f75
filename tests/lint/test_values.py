"""What text an expression can hold (lint/values.py), the view every name rule and MLN004 share."""

from __future__ import annotations

import ast
import textwrap

import pytest

from flake8_mlflow_naming.config import Config
from flake8_mlflow_naming.lint.context import ModuleContext
from flake8_mlflow_naming.lint.values import HOLE, remote_value, text_forms


def forms_of_last_argument(code: str):
    """The text forms of the first argument of the module's last ``use(...)`` call."""
    tree = ast.parse(textwrap.dedent(code))
    ctx = ModuleContext(tree, "example.py", Config(), ["use"])
    site = max(
        (s for s in ctx.index.calls if isinstance(s.node.func, ast.Name) and s.node.func.id == "use"),
        key=lambda s: (s.node.lineno, s.node.col_offset),
    )
    return ctx, site, text_forms(ctx, site.scope, site.node.args[0])


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('use("a_b")', [("a_b",)]),
        ('use(f"trial_{i}")', [("trial_", HOLE)]),
        ('use(f"trial_{i:04d}_x")', [("trial_", HOLE, "_x")]),
        ('use("Trial %d of %s" % (i, n))', [("Trial ", HOLE, " of ", HOLE)]),
        ('use("100%% %s" % x)', [("100% ", HOLE)]),
        ('use("run_{}_{name}".format(i, name=n))', [("run_", HOLE, "_", HOLE)]),
        ('use("run_{".format(i))', None),
        ('use("a" + x + "b")', [("a", HOLE, "b")]),
        ('use(x + y)', None),
        ('use("fast" if f else "slow")', [("fast",), ("slow",)]),
        ('use(f"flag_{a < b}")', [("flag_True",), ("flag_False",)]),
        ('use(f"flag_{not a}")', [("flag_True",), ("flag_False",)]),
        ('use(f"flag_{True}")', [("flag_True",)]),
        ('PREFIX = "s3://b"\nuse(f"{PREFIX}/model")', [("s3://b/model",)]),
        ('FLAG = False\nuse(f"autolog_{FLAG}")', [("autolog_False",)]),
        ('def f():\n    base = "exp"\n    use(base + "_" + k)', [("exp_", HOLE)]),
        ('def f(flag: bool):\n    use(f"x_{flag}")', [("x_True",), ("x_False",)]),
        ('def f(flag):\n    use(f"x_{flag}")', [("x_", HOLE)]),
        ('def _f(flag):\n    use(f"x_{flag}")\n_f(True)\n_f(flag=False)', [("x_True",), ("x_False",)]),
        ('def _f(flag):\n    use(f"x_{flag}")\n_f(True)\n_f(other)', [("x_", HOLE)]),
        ("use(name)", None),
        ("use(3)", None),
    ],
)
def test_text_forms(code, expected):
    assert forms_of_last_argument(code)[2] == expected


@pytest.mark.parametrize(
    ("code", "prefix", "complete"),
    [
        ('use("s3://b/x.csv")', "s3://b/x.csv", True),
        ('use("gs://%s/x" % b)', "gs://", False),
        ('BUCKET = "s3://b"\nuse(BUCKET + "/m")', "s3://b/m", True),
        ('import os\nuse(os.path.join("s3://b", n))', "s3://b", False),
        ('use("x.csv" if local else "s3://b/x.csv")', "s3://b/x.csv", True),
        ('def f():\n    out = f"hdfs://nn/{d}"\n    use(out)', "hdfs://nn/", False),
    ],
)
def test_remote_values(code, prefix, complete):
    ctx, site, _ = forms_of_last_argument(code)
    remote = remote_value(ctx, site, site.node.args[0])
    assert remote is not None and (remote.prefix, remote.complete) == (prefix, complete)


@pytest.mark.parametrize("code", ['use("outputs/x.csv")', 'use(f"{d}/s3://x")', "use(path)", 'use("file:///tmp/x")'])
def test_local_values_are_not_remote(code):
    ctx, site, _ = forms_of_last_argument(code)
    assert remote_value(ctx, site, site.node.args[0]) is None
