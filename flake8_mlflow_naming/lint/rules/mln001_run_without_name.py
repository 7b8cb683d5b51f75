"""MLN001: a run is started or created without a name."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..context import ModuleContext, literal_string
from ..findings import Applicability, Edit, Finding, Fix, NoFix, PositionalToKeyword, SetKeyword, Span
from ..invent_name import RunNamer
from ..mlflow_api import MISSING, PROJECTS_RUN_FUNCTIONS, RUN_NAME_TAG, UNKNOWN, Argument, BoundCall, bind, is_none_or_empty
from ..resolve import CallSite
from .base import VERSION_DEPENDENT_SLOT, WRAPPER_TAKES_NO, Invalid, Rule, Valid

_RUN_ID = re.compile(r"[0-9a-f]{32}")
NAME_NOT_INVENTED = NoFix("no name is invented: {reason}")


class RunWithoutName(Rule):
    code = "MLN001"
    name = "run-without-name"
    #: Last names of the MLflow APIs this rule matches (the prefilter and call index use them).
    apis = ("start_run", "create_run", "run")
    #: The rule also matches calls of the configured ``run-wrapper``.
    matches_wrapper = True
    summary = "A run is started or created without a name."
    what_it_does = """
        Checks `mlflow.start_run`, `MlflowClient.create_run` and the configured team wrapper for
        a missing `run_name`. `run_name=None` and `run_name=""` count as missing: MLflow treats
        both as no name. Resuming a run (`run_id=` given) does not need a name, nor does a call
        whose `tags` may set `"mlflow.runName"`: a dict that does (a literal, or a name assigned
        one once that no code changes in place), or a value whose keys cannot be known (a
        parameter, a call, a dict some code adds keys to), as MLN012 reads it; nor one that forwards `**kwargs`, nor
        a `with start_run():` whose body (same function, before any other run starts) sets the
        `mlflow.runName` tag with `mlflow.set_tag`, `mlflow.set_tags` or
        `MlflowClient.set_tag` (or may: a key or tags dict whose keys are not known): MLN003
        judges the name it sets. In a script an `MLproject` runs, the message says that under
        `mlflow run` the run keeps the launcher's name.

        A string literal passed as start_run's first positional argument, or as create_run's
        second, is also reported: those slots are `run_id` and `start_time`, so
        `mlflow.start_run("baseline_run")` tries to resume a run called "baseline_run" instead
        of naming a new one.

        `mlflow.run(...)` / `mlflow.projects.run(...)` (MLflow Projects) create a run too, which
        the project's entry point resumes and may name (`start_run(run_name=...)` renames it).
        So they are reported without `run_name` only when nothing else can name the run: not
        given `run_id`, the project is remote (a literal URL or git URI; a local project's
        entry point is checked here where it starts its run), and its `parameters` are absent
        or a known dict without a run-name key (`run_name`, `name`).
    """
    why_bad = """
        MLflow names an unnamed run with a random adjective-animal-number such as
        `clumsy-fish-158`. Months later nobody can tell which of 2,000 such runs produced the
        production model.
    """
    example = """
        import mlflow

        with mlflow.start_run():
            mlflow.log_param("lr", 0.01)
    """
    use_instead = """
        import mlflow

        with mlflow.start_run(run_name="resnet50_baseline"):
            mlflow.log_param("lr", 0.01)
    """
    fix_safety = """
        A name passed positionally in the wrong slot is moved to `run_name=`: **safe** (the call
        could only fail before).

        A missing name is filled from `run-name-template` (default `{module}_{function}`; also
        `{class}`, `{package}`, `{path}`, and fallback chains such as `{class|module}`, the same
        template grammar as `rename-template` and the runtime gate), normalised to the schema with
        the words of every name fix (`DataPipeline` → `data_pipeline`, `XGBoostModel` →
        `xgboost_model`), without a word twice (function `train` in `train.py` gives `train_…`,
        not `train_train`), shortened to `run-name-max-length` (a cut and a 6-digit SHA-1
        suffix) and unique within the file: **unsafe**, because it changes what is stored in
        MLflow.

        Inside a loop each loop adds a field whose every value fits the schema, so every
        iteration gets its own name: a non-negative `range` variable or a literal list of
        words (in `for` loops and comprehensions), an `enumerate` counter, a `while` loop's own
        counter (`epoch = 0` before it, `epoch += 1` in its body), else a counter the fix adds
        to a `for` loop (`for i, lr in enumerate(rates):` and `f"train_main_lr_{i}"`). Where
        no counter can be found or added (a `while` without one, an `async for`, a
        comprehension over unknown values, a starred target) the finding stays and says which
        counter to add and how to name the run with it.
    """
    options = """
        - `mlflow-version` (default `"3"`): positional arguments are bound with that release's
          signatures; a slot the covered releases disagree on is not judged.
        - `run-wrapper`, `run-wrapper-signature`, `wrapper-source`: the team wrapper is checked
          like `start_run`, its arguments bound with its learnt or declared signature.
        - `run-name-template`, `run-name-regex`, `run-name-max-length`: shape the fixed name.
    """
    no_fix = (NAME_NOT_INVENTED, WRAPPER_TAKES_NO, VERSION_DEPENDENT_SLOT)
    VALID = [
        Valid('import mlflow\nwith mlflow.start_run(run_name="resnet50_baseline"):\n    pass\n'),
        Valid("import mlflow\nwith mlflow.start_run(None, None, name_variable):\n    pass\n"),
        Valid("import mlflow\nwith mlflow.start_run(run_id=previous_run_id):\n    pass\n"),
        Valid('import mlflow\nwith mlflow.start_run("0123456789abcdef0123456789abcdef"):\n    pass\n'),
        Valid('import mlflow\nwith mlflow.start_run(tags={"mlflow.runName": "a_b"}):\n    pass\n'),
        Valid('import mlflow\ndef go(name):\n    tags = {"mlflow.runName": name, "team": "rec"}\n    with mlflow.start_run(tags=tags):\n        pass\n'),
        Valid(
            "import mlflow\nfrom mlflow.utils.mlflow_tags import MLFLOW_RUN_NAME\nTAGS = {MLFLOW_RUN_NAME: 'nightly_etl'}\n"
            "mlflow.start_run(tags=TAGS)\n"
        ),
        Valid('import mlflow\ndef go(name):\n    tags = {}\n    tags["mlflow.runName"] = name\n    mlflow.start_run(tags=tags)\n'),
        Valid("import mlflow\ndef go(run_tags):\n    mlflow.start_run(tags=run_tags)\n"),
        Valid("import mlflow\ndef go(**kwargs):\n    with mlflow.start_run(**kwargs):\n        pass\n"),
        Valid('from mlflow import MlflowClient\nMlflowClient().create_run("0", run_name="etl_daily")\n'),
        Valid("from hydraflow import start_run\nwith start_run():\n    pass\n"),
        Valid('import mlflow\nwith mlflow.start_run():\n    mlflow.set_tag("mlflow.runName", "resnet50_baseline")\n'),
        # Tags read from a configuration may hold the name, as start_run(tags=...) may.
        Valid('import mlflow\ndef go(config):\n    with mlflow.start_run():\n        mlflow.set_tags(config["tags"])\n'),
        Valid(
            "import mlflow\nfrom mlflow.utils.mlflow_tags import MLFLOW_RUN_NAME\n"
            'with mlflow.start_run() as run:\n    mlflow.set_tags({MLFLOW_RUN_NAME: "resnet50_baseline"})\n'
        ),
        Valid(
            "import mlflow\nclient = mlflow.MlflowClient()\nwith mlflow.start_run() as run:\n"
            '    client.set_tag(run.info.run_id, "mlflow.runName", name)\n'
        ),
        Valid('import importlib\nmlflow = importlib.import_module("mlflow")\nwith mlflow.start_run(run_name="a_b"):\n    pass\n'),
        Valid('import mlflow\nmlflow.run(".", "train", run_name="ctr_ranker_weekly")\n'),
        Valid('import mlflow\nmlflow.projects.run(".", run_id=existing_run_id)\n'),
        # A local project's entry point is checked where it starts the run; it may name it.
        Valid('import mlflow\nmlflow.run(".", "train", parameters={"alpha": 0.5})\n'),
        # The entry point is handed its name, or may be (parameters not known).
        Valid('import mlflow\nmlflow.run("https://github.com/org/p", parameters={"run_name": "ctr_weekly"})\n'),
        Valid('import mlflow\ndef again(uri, params):\n    mlflow.run(uri, parameters=params)\n'),
        Valid("import subprocess\nsubprocess.run(['ls'])\n"),
    ]
    INVALID = [
        Invalid(
            "import mlflow\ndef train():\n    with mlflow.start_run():\n        pass\n",
            fixed='import mlflow\ndef train():\n    with mlflow.start_run(run_name="example_train"):\n        pass\n',
            config={"run-name-template": "{class|module}_{function}"},
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nwith mlflow.start_run():\n    with mlflow.start_run(nested=True, run_name="c_d"):\n'
            '        mlflow.set_tag("mlflow.runName", "a_b")\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="example_main"):\n    with mlflow.start_run(nested=True, run_name="c_d"):\n'
            '        mlflow.set_tag("mlflow.runName", "a_b")\n',
            unsafe=True,
        ),
        Invalid(
            'import importlib\nmf = importlib.import_module("mlflow")\nwith mf.start_run():\n    pass\n',
            fixed='import importlib\nmf = importlib.import_module("mlflow")\nwith mf.start_run(run_name="example_main"):\n    pass\n',
            unsafe=True,
        ),
        Invalid(
            'import pytest\nmlflow = pytest.importorskip("mlflow")\nwith mlflow.start_run():\n    pass\n',
            fixed='import pytest\nmlflow = pytest.importorskip("mlflow")\nwith mlflow.start_run(run_name="example_main"):\n    pass\n',
            unsafe=True,
        ),
        Invalid(
            'from mlflow.utils.lazy_load import LazyLoader\nmlflow = LazyLoader("mlflow", globals(), "mlflow")\nmlflow.start_run()\n',
            fixed='from mlflow.utils.lazy_load import LazyLoader\nmlflow = LazyLoader("mlflow", globals(), "mlflow")\nmlflow.start_run(run_name="example_main")\n',
            unsafe=True,
        ),
        Invalid(
            "from mlflow_extend import mlflow\nwith mlflow.start_run():\n    pass\n",
            fixed='from mlflow_extend import mlflow\nwith mlflow.start_run(run_name="example_main"):\n    pass\n',
            config={"mlflow-aliases": ["mlflow_extend"]},
            unsafe=True,
        ),
        Invalid(
            "import mlflow\nclass Job:\n    @property\n    def client(self):\n        return mlflow.MlflowClient()\n"
            "    def go(self):\n        self.client.create_run('0')\n",
            fixed="import mlflow\nclass Job:\n    @property\n    def client(self):\n        return mlflow.MlflowClient()\n"
            "    def go(self):\n        self.client.create_run('0', run_name=\"example_go\")\n",
            unsafe=True,
        ),
        Invalid(
            "import mlflow\nwith mlflow.start_run():\n    pass\n",
            fixed='import mlflow\nwith mlflow.start_run(run_name="example_main"):\n    pass\n',
            unsafe=True,
        ),
        Invalid(
            "import mlflow\ndef train():\n    for fold in range(5):\n        with mlflow.start_run(run_name=None):\n            pass\n",
            fixed='import mlflow\ndef train():\n    for fold in range(5):\n        with mlflow.start_run(run_name=f"example_train_fold_{fold}"):\n            pass\n',
            unsafe=True,
        ),
        Invalid(
            "import mlflow\ndef train():\n    for fold in range(5):\n        with mlflow.start_run():\n            pass\n",
            fixed='import mlflow\ndef train():\n    for fold in range(5):\n        with mlflow.start_run(run_name=f"train_fold_{fold}"):\n            pass\n',
            path="train.py",  # function train in train.py: no word twice
            unsafe=True,
        ),
        Invalid(
            "import mlflow\nclass DataPipeline:\n    def train(self):\n        with mlflow.start_run():\n            pass\n",
            fixed='import mlflow\nclass DataPipeline:\n    def train(self):\n        with mlflow.start_run(run_name="data_pipeline_train"):\n            pass\n',
            config={"run-name-template": "{class|module}_{function}"},
            unsafe=True,
        ),
        Invalid(
            "import mlflow\ndef sweep():\n    epoch = 0\n    while epoch < 3:\n        with mlflow.start_run():\n            pass\n"
            "        epoch += 1\n",
            fixed="import mlflow\ndef sweep():\n    epoch = 0\n    while epoch < 3:\n"
            '        with mlflow.start_run(run_name=f"example_sweep_epoch_{epoch}"):\n            pass\n        epoch += 1\n',
            unsafe=True,
        ),
        Invalid(
            "import mlflow\ndef poll(queue):\n    while queue:\n        with mlflow.start_run():\n            queue.pop()\n",
            message='`i += 1` as the first line of its body) and name the run f"example_poll_{i}"',
        ),
        Invalid(
            "from mlflow import MlflowClient\nclient = MlflowClient()\nruns = [client.create_run('0') for trial in range(3)]\n",
            fixed="from mlflow import MlflowClient\nclient = MlflowClient()\n"
            "runs = [client.create_run('0', run_name=f\"example_main_trial_{trial}\") for trial in range(3)]\n",
            unsafe=True,
        ),
        Invalid(
            "from mlflow import MlflowClient\nruns = [MlflowClient().create_run('0') for lr in rates]\n",
            message="write `for i, lr in enumerate(...)`",
        ),
        Invalid(
            "import mlflow\nasync def consume(stream):\n    async for batch in stream:\n        with mlflow.start_run():\n            pass\n",
            message='(`i = 0` before it, `i += 1` in it) and name the run f"example_consume_batch_{i}"',
        ),
        Invalid(
            'import mlflow\nwith mlflow.start_run("baseline_run"):\n    pass\n',
            fixed='import mlflow\nwith mlflow.start_run(run_name="baseline_run"):\n    pass\n',
        ),
        Invalid(
            "import mlflow\ntags = {'team': 'vision'}\nwith mlflow.start_run(tags=tags):\n    pass\n",
            fixed="import mlflow\ntags = {'team': 'vision'}\nwith mlflow.start_run(tags=tags, run_name=\"example_main\"):\n    pass\n",
            unsafe=True,
        ),
        Invalid(
            "from mlflow.tracking import MlflowClient\nclient = MlflowClient()\nrun = client.create_run(experiment_id)\n",
            fixed='from mlflow.tracking import MlflowClient\nclient = MlflowClient()\nrun = client.create_run(experiment_id, run_name="example_main")\n',
            unsafe=True,
        ),
        Invalid(
            "from ml_platform.tracking import production_run\nwith production_run(experiment_id='1'):\n    pass\n",
            fixed="from ml_platform.tracking import production_run\nwith production_run(experiment_id='1', run_name=\"example_main\"):\n    pass\n",
            config={"run-wrapper": "ml_platform.tracking.production_run"},
            unsafe=True,
        ),
        Invalid(
            'import mlflow\nURI = "https://github.com/mlflow/mlflow-example"\nmlflow.run(URI, "train", parameters={"alpha": 0.5})\n',
            fixed='import mlflow\nURI = "https://github.com/mlflow/mlflow-example"\nmlflow.run(URI, "train", parameters={"alpha": 0.5}, run_name="example_main")\n',
            unsafe=True,
            message="mlflow.run",
        ),
        Invalid(
            "import mlflow.projects\ndef weekly():\n    mlflow.projects.run('git@github.com:team/ranker.git', backend='databricks')\n",
            fixed="import mlflow.projects\ndef weekly():\n    mlflow.projects.run('git@github.com:team/ranker.git', backend='databricks', run_name=\"example_weekly\")\n",
            unsafe=True,
        ),
    ]

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        namer = RunNamer(ctx)
        for site in ctx.run_starts():
            if ctx.is_wrapper(site):
                finding = self._check_start(ctx, site, bind(site.node, ctx.wrapper_parameters), namer, wrapper=True)
            else:
                finding = self._check_start(ctx, site, ctx.bind(site, "mlflow.start_run"), namer, wrapper=False)
            if finding is not None:
                yield finding
        for site in ctx.client_calls("create_run"):
            finding = self._check_create_run(ctx, site, namer)
            if finding is not None:
                yield finding
        for site in ctx.calls(*PROJECTS_RUN_FUNCTIONS):
            finding = self._check_project_run(ctx, site, namer)
            if finding is not None:
                yield finding

    def _check_project_run(self, ctx: ModuleContext, site: CallSite, namer: RunNamer) -> Finding | None:
        bound = ctx.bind(site, "mlflow.projects.run")
        run_id, run_name = bound.get("run_id"), bound.get("run_name")
        if run_id is UNKNOWN or (run_id is not MISSING and not is_none_or_empty(run_id)):
            return None  # the project runs inside an existing run, which has its name
        if run_name is UNKNOWN or (run_name is not MISSING and not is_none_or_empty(run_name)):
            return None
        if not _only_run_name_can_name(ctx, site, bound):
            return None
        function = ctx.index.call_name(site)
        message = (
            f"{function} creates a run without a name for a project whose code is not in this repository; "
            "MLflow will call it something like 'clumsy-fish-158' unless its entry point names the run. "
            "Pass run_name= following the naming schema"
        )
        return ctx.report(self.code, site.node, message, self._name_fix(ctx, site, bound, namer))

    def _check_start(
        self, ctx: ModuleContext, site: CallSite, bound: BoundCall, namer: RunNamer, wrapper: bool
    ) -> Finding | None:
        run_id = bound.get("run_id")
        if not wrapper and bound.position_of("run_id") == 0:
            value = literal_string(run_id)  # type: ignore[arg-type]
            if value is not None and not _RUN_ID.fullmatch(value):
                return self._misplaced_name(ctx, site, bound, value, "run_id", "start_run's first")
        if run_id is UNKNOWN or (run_id is not MISSING and not is_none_or_empty(run_id)):
            return None  # resuming an existing run, which already has its name
        return self._missing_name(ctx, site, bound, "started", namer)

    def _check_create_run(self, ctx: ModuleContext, site: CallSite, namer: RunNamer) -> Finding | None:
        bound = ctx.bind(site, "MlflowClient.create_run")
        if bound.position_of("start_time") == 1:
            value = literal_string(bound.get("start_time"))  # type: ignore[arg-type]
            if value is not None:
                return self._misplaced_name(ctx, site, bound, value, "start_time", "create_run's second")
        return self._missing_name(ctx, site, bound, "created", namer)

    def _misplaced_name(
        self, ctx: ModuleContext, site: CallSite, bound: BoundCall, value: str, slot: str, where: str
    ) -> Finding:
        message = (
            f"{value!r} is passed as {slot} ({where} positional parameter), not as the run's name; "
            f"pass it as run_name="
        )
        fix = None
        index = bound.parameters.index(slot)
        if len(site.node.args) == index + 1 and bound.get("run_name") is MISSING:
            renamed = (*bound.parameters[:index], "run_name")
            fix = Fix(
                "Pass the name as run_name=",
                Applicability.SAFE,
                (PositionalToKeyword(_span(site), renamed, index),),
            )
        return ctx.report(self.code, site.node, message, fix)

    def _missing_name(
        self, ctx: ModuleContext, site: CallSite, bound: BoundCall, what: str, namer: RunNamer
    ) -> Finding | None:
        run_name = bound.get("run_name")
        if run_name is UNKNOWN or (run_name is not MISSING and not is_none_or_empty(run_name)):
            return None
        tags = bound.get("tags")
        if tags is UNKNOWN or _tags_name_the_run(ctx, site, tags) or _named_in_body(ctx, site):
            return None
        if run_name is MISSING:
            problem = f"run {what} without a name"
        else:
            problem = f"run_name={ast.literal_eval(run_name)!r} counts as no name: run {what} without one"  # type: ignore[arg-type]
        if ctx.is_project_entry_point:
            # ``mlflow run`` starts the run and this call resumes it (MLFLOW_RUN_ID): its name
            # is whatever the launcher gave, and a run_name= here renames it.
            fallback = "under `mlflow run` it keeps the name the launcher gave (--run-name), otherwise MLflow calls it"
        else:
            fallback = "MLflow will call it"
        message = f"{problem}; {fallback} something like 'clumsy-fish-158'. Pass run_name= following the naming schema"
        return ctx.report(self.code, site.node, message, self._name_fix(ctx, site, bound, namer))

    def _name_fix(self, ctx: ModuleContext, site: CallSite, bound: BoundCall, namer: RunNamer) -> Fix | NoFix:
        """The fix that names the run, or why none can be made."""
        if ctx.is_wrapper(site):
            signature = ctx.config.wrapper_signature
            if not signature.accepts_keyword("run_name"):
                return WRAPPER_TAKES_NO.because(signature=signature.describe(), parameter="run_name")
        invented = namer.name_for(site)
        if isinstance(invented, str):
            return NAME_NOT_INVENTED.because(reason=invented)
        value, loop_edits = invented
        edits: list[Edit] = [*loop_edits]
        position = bound.position_of("run_name")
        if position is not None:
            names = bound.keywords_from(position)
            if names is None:
                return VERSION_DEPENDENT_SLOT
            edits.append(PositionalToKeyword(_span(site), names, position))
        edits.append(SetKeyword(_span(site), "run_name", value))
        return Fix(f"Name the run {value}", Applicability.UNSAFE, tuple(edits))


#: ``parameters`` keys that hand the entry point a run name (compared lowercased, without ``_``/``-``).
_RUN_NAME_PARAMETERS = frozenset({"runname", "name", "mlflowrunname"})
#: A project URI with a scheme (``https://``, ``git+ssh://``) or git's ``user@host:`` form.
_REMOTE_PROJECT = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|[\w.-]+@[\w.-]+:)")


def _only_run_name_can_name(ctx: ModuleContext, site: CallSite, bound: BoundCall) -> bool:
    """True when nothing but ``run_name=`` of this ``mlflow.run`` call can name the run it creates.

    The project's entry point resumes that run (``MLFLOW_RUN_ID``) and names it when it calls
    ``start_run(run_name=...)``, which this linter cannot see across files. So the call is
    judged only when the project is remote (a literal URL or git URI: its code is not in this
    repository, and MLN001 reports an unnamed start in a local entry point where it is) and
    the ``parameters`` it passes are a known dict with no run-name key (``run_name``,
    ``name``): a dict whose keys are unknown may hand the entry point its name.
    """
    value = bound.get("uri")
    if isinstance(value, ast.Name):
        resolved = ctx.index.constant_value(value, site.scope)
        value = resolved[0] if resolved is not None else value
    uri = literal_string(value)  # type: ignore[arg-type]
    if uri is None or not _REMOTE_PROJECT.match(uri) or uri.startswith("file:"):
        return False
    parameters = bound.get("parameters")
    if parameters is MISSING or (isinstance(parameters, ast.Constant) and parameters.value is None):
        return True
    known = ctx.known_dict(parameters, site.scope) if isinstance(parameters, ast.expr) else None
    if known is None:
        return False
    keys = [literal_string(key) if key is not None else None for key in known.keys]
    return all(key is not None and re.sub(r"[_\-\s]", "", key.lower()) not in _RUN_NAME_PARAMETERS for key in keys)


def _span(site: CallSite) -> Span:
    return Span.of(site.node)


def _tags_name_the_run(ctx: ModuleContext, site: CallSite, tags: Argument) -> bool:
    """True when ``tags`` may set ``mlflow.runName``: a dict that does (or may, via ``**``),
    or a value whose keys cannot be known. A literal, or a local or module dict assigned once
    and never changed, is known (``ctx.known_dict``, the judgement MLN012 makes of the same
    variable); ``None`` holds no tags."""
    if not isinstance(tags, ast.expr) or (isinstance(tags, ast.Constant) and tags.value is None):
        return False
    known = ctx.known_dict(tags, site.scope)
    return known is None or ctx.dict_sets_run_name(known, site.scope)


def _named_in_body(ctx: ModuleContext, site: CallSite) -> bool:
    """True when the ``with`` that ``site`` starts sets ``mlflow.runName`` in its body (same
    function) before any other run starts, or sets a tag whose key is not known
    (``ctx.tags_set_in_body``, as MLN012 reads the body for its required tags)."""
    keys = ctx.tags_set_in_body(site)
    return keys is None or RUN_NAME_TAG in keys

