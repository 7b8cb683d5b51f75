"""Hypothesis strategies that build whole programs out of MLflow calls.

``hypothesmith`` explores Python's grammar but almost never writes ``mlflow.start_run``;
these strategies do the opposite: every program is full of the calls the rules look at,
reached through every import style the resolver knows, with good, bad, missing and
misplaced run names, nesting, loops, functions, comments and odd formatting.
Every program they produce is valid Python (the generator only composes valid pieces).
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

#: How each import style spells the module-level calls.
#: (import lines, start_run spelling, create_run-capable client expression or None)
IMPORT_STYLES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("import mlflow",), "mlflow.start_run"),
    (("import mlflow as mf",), "mf.start_run"),
    (("from mlflow import start_run as sr",), "sr"),
    (("from mlflow import start_run",), "start_run"),
    (("import mlflow.tracking.fluent as fl",), "fl.start_run"),
    (("import mlflow.tracking.fluent",), "mlflow.tracking.fluent.start_run"),
    ((), "mlflow.start_run"),  # notebook style: bare mlflow, no import
    (("from team.tracking import tracked_run",), "tracked_run"),  # the configured wrapper
    (("from other_lib import start_run",), "start_run"),  # not MLflow: must be left alone
)

CLIENT_STYLES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("import mlflow",), "mlflow.MlflowClient()"),
    (("from mlflow import MlflowClient",), "MlflowClient()"),
    (("from mlflow.tracking import MlflowClient as MC",), "MC('sqlite:///x.db')"),
    (("import mlflow.client",), "mlflow.client.MlflowClient()"),
)

GOOD_NAMES = ("'train_model'", '"eval_resnet50_v1"', "'a_b'", "f'train_fold_{i}'")
BAD_NAMES = (
    "'ResNet50 v1 lr=0.01'",
    "'x'",
    '"Train-Model"',
    "''",
    "'" + "a_" * 60 + "b'",
    "'é_name'",
    "'tab\\tname'",
    "f'{i}'",
    "'''multi\nline'''",
)
IDENTIFIERS = ("x", "fold", "lr", "run", "name", "i", "_", "data")


@dataclass
class _Budget:
    """Shared counter so nested statement generation stays small."""

    left: int


def _noise(draw) -> str:
    """A trailing comment, or nothing."""
    return draw(st.sampled_from(("", "", "  # comment", "  # noqa", "  # noqa: MLN001", "  # type: ignore", "  #")))


@st.composite
def run_name_args(draw, positional_ok: bool = True) -> list[str]:
    """Arguments of a start_run call: run_name in every shape, plus other keywords."""
    args: list[str] = []
    shape = draw(st.sampled_from(("good", "bad", "none", "missing", "positional", "run_id", "variable", "empty")))
    if shape == "good":
        args.append(f"run_name={draw(st.sampled_from(GOOD_NAMES))}")
    elif shape == "bad":
        args.append(f"run_name={draw(st.sampled_from(BAD_NAMES))}")
    elif shape == "none":
        args.append("run_name=None")
    elif shape == "empty":
        args.append("run_name=''")
    elif shape == "positional" and positional_ok:
        # a name in the run_id slot, or the experiment_id slot too
        args[:0] = [draw(st.sampled_from(GOOD_NAMES + BAD_NAMES + ("None", "name")))]
        if draw(st.booleans()):
            args.insert(1, "'exp'")
    elif shape == "run_id":
        args.append("run_id=" + draw(st.sampled_from(("rid", '"abc"', "None"))))
    elif shape == "variable":
        args.append(f"run_name={draw(st.sampled_from(IDENTIFIERS))}")
    if draw(st.booleans()):
        args.append(f"nested={draw(st.sampled_from(('True', 'False', 'flag')))}")
    if draw(st.booleans()):
        args.append(draw(st.sampled_from(("tags={'team': 'ml'}", "tags={}", "tags=tags", "tags={'a': 1, **extra}"))))
    if draw(st.booleans()):
        args.append(draw(st.sampled_from(("experiment_id='1'", "description='d'", "log_system_metrics=True", "**kwargs"))))
    # positional arguments first; keywords (and ``**``) in any order after them
    positional = [a for a in args if "=" not in a and not a.startswith("**")]
    keywords = draw(st.permutations([a for a in args if a not in positional]))
    return positional + list(keywords)


@st.composite
def call_text(draw, callee: str, args: list[str], indent: str) -> str:
    """Format a call in an odd way: one line, multi-line with trailing comma, extra parens, continuation."""
    style = draw(st.sampled_from(("plain", "multiline", "parens", "continuation", "spaces")))
    if style == "plain" or not args:
        text = f"{callee}({', '.join(args)})"
    elif style == "multiline":
        inner = "".join(f"{indent}    {a},{_noise(draw) if draw(st.booleans()) else ''}\n" for a in args)
        text = f"{callee}(\n{inner}{indent})"
    elif style == "parens":
        text = f"(({callee}))({', '.join(args)})"
    elif style == "continuation":
        text = f"{callee}(\\\n{indent}    {', '.join(args)})"
    else:
        text = f"{callee} (  {' ,  '.join(args)}  )"
    return text


@st.composite
def statements(draw, ctx: dict, depth: int, indent: str, budget: _Budget) -> list[str]:
    """A block of statements at ``indent``; never empty."""
    lines: list[str] = []
    count = draw(st.integers(1, 3))
    for _ in range(count):
        budget.left -= 1
        kinds = ["with_run", "call", "log", "assign_run", "client", "pass", "comment", "artifact", "end_run"]
        if depth < 4 and budget.left > 0:
            kinds += ["for", "def", "with_run_nested", "if", "try"]
        kind = draw(st.sampled_from(kinds))
        start = draw(st.sampled_from(ctx["starters"]))
        if kind in ("with_run", "with_run_nested"):
            args = draw(run_name_args())
            target = draw(st.sampled_from(("", " as run", " as r", " as (run)")))
            call = draw(call_text(start, args, indent))
            if draw(st.integers(0, 5)) == 0:
                call = f"({call})"
            second = ""
            if draw(st.integers(0, 4)) == 0:
                second = ", open('f') as fh"
            lines.append(f"{indent}with {call}{target}{second}:{_noise(draw)}")
            if kind == "with_run_nested" or draw(st.booleans()):
                lines += draw(statements(ctx, depth + 1, indent + "    ", budget))
            else:
                lines.append(indent + "    " + draw(st.sampled_from(("pass", "...", 'mlflow.log_param("k", 1)'))))
        elif kind == "call":
            lines.append(f"{indent}{draw(call_text(start, draw(run_name_args()), indent))}{_noise(draw)}")
        elif kind == "assign_run":
            lines.append(f"{indent}run = {draw(call_text(start, draw(run_name_args()), indent))}{_noise(draw)}")
        elif kind == "client":
            client = draw(st.sampled_from(ctx["clients"]))
            lines.append(f"{indent}client = {client}")
            args = ["'0'"] + draw(st.sampled_from(([], ["run_name='train_model'"], ["run_name='Bad Name'"], ["run_name=None"], ["tags={'a': 'b'}"])))
            lines.append(f"{indent}client.create_run({', '.join(args)})")
        elif kind == "log":
            lines.append(f"{indent}mlflow.log_metric('m', 1.0){_noise(draw)}")
        elif kind == "artifact":
            uri = draw(st.sampled_from(("'s3://bucket/model'", "'model.pkl'", "'gs://b/x'", "path", "f'dbfs:/{x}'")))
            lines.append(f"{indent}mlflow.log_artifact({uri})")
        elif kind == "end_run":
            lines.append(f"{indent}mlflow.end_run()")
        elif kind == "pass":
            lines.append(f"{indent}pass")
        elif kind == "comment":
            lines.append(f"{indent}# {draw(st.sampled_from(('start_run()', 'noqa', 'run_name=x', 'é')))}")
            lines.append(f"{indent}pass")
        elif kind == "for":
            var = draw(st.sampled_from(("fold", "lr", "i", "(a, b)", "item")))
            lines.append(f"{indent}for {var} in range(3):")
            lines += draw(statements(ctx, depth + 1, indent + "    ", budget))
        elif kind == "def":
            name = draw(st.sampled_from(("train", "evaluate", "Main", "_helper", "run_all")))
            deco = draw(st.sampled_from(("", "@staticmethod\n", "@decorator(x)\n")))
            if deco:
                lines.append(f"{indent}{deco.strip()}")
            asyncness = draw(st.sampled_from(("", "", "async ")))
            lines.append(f"{indent}{asyncness}def {name}(x, *args, **kwargs):")
            lines += draw(statements(ctx, depth + 1, indent + "    ", budget))
        elif kind == "if":
            lines.append(f"{indent}if x:")
            lines += draw(statements(ctx, depth + 1, indent + "    ", budget))
            if draw(st.booleans()):
                lines.append(f"{indent}else:")
                lines += draw(statements(ctx, depth + 1, indent + "    ", budget))
        elif kind == "try":
            lines.append(f"{indent}try:")
            lines += draw(statements(ctx, depth + 1, indent + "    ", budget))
            lines.append(f"{indent}finally:")
            lines.append(f"{indent}    mlflow.end_run()")
        if draw(st.integers(0, 6)) == 0:
            lines.append("")
    return lines


@st.composite
def mlflow_programs(draw) -> str:
    """A whole valid module of MLflow calls, imported and formatted in random ways."""
    styles = draw(st.lists(st.sampled_from(IMPORT_STYLES), min_size=1, max_size=3, unique=True))
    clients = draw(st.lists(st.sampled_from(CLIENT_STYLES), min_size=1, max_size=2, unique=True))
    imports: list[str] = []
    for lines, _ in list(styles) + list(clients):
        for line in lines:
            if line not in imports:
                imports.append(line)
    if draw(st.booleans()) and "import mlflow" not in imports:
        imports.append("import mlflow")
    ctx = {"starters": [s for _, s in styles], "clients": [c for _, c in clients]}
    header = []
    if draw(st.integers(0, 5)) == 0:
        header.append(draw(st.sampled_from(("# -*- coding: utf-8 -*-", '"""Module docstring."""', "#!/usr/bin/env python", "from __future__ import annotations"))))
    body = draw(statements(ctx, 0, "", _Budget(draw(st.integers(1, 10)))))
    # an import inside a function sometimes replaces the module-level one
    if draw(st.integers(0, 5)) == 0 and imports:
        body = ["def late():", f"    {imports[0]}", f"    with {ctx['starters'][0]}():", "        pass"] + body
    text = "\n".join(header + imports + [""] + body)
    ending = draw(st.sampled_from(("\n", "\n", "", "\n\n")))
    text += ending
    if draw(st.integers(0, 7)) == 0:
        text = text.replace("\n", "\r\n")
    return text
