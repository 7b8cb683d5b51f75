"""MLN005: a run is started outside a ``with`` block."""

from __future__ import annotations

from typing import Iterator

from ..mlflow_api import START_RUN
from ..context import ModuleContext, is_managed_run
from ..findings import Finding
from .base import Invalid, Rule, Valid


class RunOutsideWith(Rule):
    code = "MLN005"
    name = "run-outside-with"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("start_run",)
    summary = "A run is started outside a `with` block."
    what_it_does = """
        Reports `mlflow.start_run(...)` whose result is not managed by a `with` statement: not
        a `with` item (multi-item `with` blocks count), not returned or yielded (directly or
        through a local name), not passed straight into another call
        (`stack.enter_context(mlflow.start_run())`), and not assigned to a local name that a
        later `with` in the same scope uses. A branch of `x if c else y` or `a or b` counts as
        whatever uses the whole expression. `self.run = mlflow.start_run()` is reported, unless
        the same method returns `self.run` (the caller gets the run, as with a returned local)
        or the class manages it itself: started in its own `__enter__`
        (`self.run = mlflow.start_run().__enter__()`) and exited in its `__exit__`.
    """
    why_bad = """
        A run started without `with` is ended only by an explicit `end_run()`. When the process
        is killed the run stays RUNNING forever, and when the code raises, MLflow's exit hook
        marks the run FINISHED, so failed runs look successful.
    """
    example = """
        run = mlflow.start_run(run_name="resnet50_baseline")
        train()
        mlflow.end_run()
    """
    use_instead = """
        with mlflow.start_run(run_name="resnet50_baseline"):
            train()
    """
    fix_safety = "No automatic fix: moving the body into a `with` block is a change a person should make."
    VALID = [
        Valid('import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n'),
        Valid('import mlflow\nwith open("f") as f, mlflow.start_run(run_name="a_b"):\n    pass\n'),
        Valid('import mlflow\ndef start():\n    return mlflow.start_run(run_name="a_b")\n'),
        Valid('import mlflow\ndef runs():\n    run = mlflow.start_run(run_name="a_b")\n    yield run\n'),
        Valid('import contextlib, mlflow\nwith contextlib.ExitStack() as stack:\n    stack.enter_context(mlflow.start_run(run_name="a_b"))\n'),
        Valid('import mlflow\nrun = mlflow.start_run(run_name="a_b")\nwith run:\n    pass\n'),
        Valid(
            "import contextlib, mlflow\n"
            'run_context = contextlib.nullcontext() if mlflow.active_run() else mlflow.start_run(run_name="a_b")\n'
            "with run_context:\n    pass\n"
        ),
        Valid('import contextlib, mlflow\nwith (track and mlflow.start_run(run_name="a_b")) or contextlib.nullcontext():\n    pass\n'),
    ]
    VALID += [
        Valid(
            "import mlflow\nclass Tracked:\n    def __enter__(self):\n"
            '        self.run = mlflow.start_run(run_name="a_b").__enter__()\n        return self\n'
            "    def __exit__(self, *exc):\n        return self.run.__exit__(*exc)\n"
        ),
        Valid(
            "import mlflow\nclass Job:\n    def begin(self):\n"
            '        self._run = mlflow.start_run(run_name="a_b")\n        return self._run\n'
        ),
    ]
    INVALID = [
        Invalid(
            "import mlflow\nclass Tracked:\n    def __enter__(self):\n"
            '        self.run = mlflow.start_run(run_name="a_b").__enter__()\n        return self\n'
        ),
        Invalid('import mlflow\nmlflow.start_run(run_name="a_b")\nmlflow.end_run()\n'),
        Invalid('import mlflow\nclass Job:\n    def begin(self):\n        self.run = mlflow.start_run(run_name="a_b")\n'),
        Invalid('import mlflow\nrun = mlflow.start_run(run_name="a_b")\nprint(run.info.run_id)\n'),
        Invalid('import mlflow\nrun = mlflow.start_run(run_name="a_b") if tracking else None\nprint(run)\n'),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for site in ctx.calls(START_RUN):
            if not is_managed_run(site):
                yield ctx.report(
                    self.code,
                    site.node,
                    "run started outside a with block: it stays RUNNING if the process dies and is marked "
                    "FINISHED after an exception; use `with mlflow.start_run(...):`",
                )
