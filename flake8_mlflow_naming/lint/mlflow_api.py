"""Every fact about MLflow's API the rules rely on: dotted names, re-exports, signatures.

The linter never imports mlflow, so what MLflow's functions are called and which parameter
sits at which position is written down here, once. Rules ask "what was passed as ``run_name``?" and get the expression, :data:`MISSING`, or
:data:`UNKNOWN` when ``*args`` / ``**kwargs`` hide it (a rule never reports on an unknown).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache

# --- names ---------------------------------------------------------------------------------

#: Modules whose public names MLflow re-exports at top level (``mlflow.tracking.fluent.start_run``
#: is ``mlflow.start_run``), longest first so the most specific prefix wins.
REEXPORTING_MODULES = (
    "mlflow.tracking.fluent",
    "mlflow.tracking.client",
    "mlflow.tracking",
    "mlflow.client",
)

#: The dotted name of the function that starts a run.
START_RUN = "mlflow.start_run"
#: The dotted name of the function that ends the active run.
END_RUN = "mlflow.end_run"
CLIENT_CLASS = "mlflow.MlflowClient"
#: Client methods resolve to ``MlflowClient.<method>`` whatever expression holds the client.
CLIENT_PREFIX = "MlflowClient."
RUN_NAME_TAG = "mlflow.runName"
RUN_NAME_TAG_CONSTANT = "mlflow.utils.mlflow_tags.MLFLOW_RUN_NAME"
#: The experiment every tracking store creates (``Experiment.DEFAULT_EXPERIMENT_NAME``, id 0):
#: MLflow named it, not the team, so no schema judges it (MLN007, ``audit``).
DEFAULT_EXPERIMENT_ID = "0"
DEFAULT_EXPERIMENT_NAME = "Default"
#: The tag entity ``MlflowClient.log_batch(tags=[...])`` takes, and its constructor's parameters.
RUN_TAG_CLASSES = frozenset({"mlflow.entities.RunTag", "mlflow.entities.run_tag.RunTag"})
RUN_TAG_PARAMETERS = ("key", "value")


def canonical(dotted: str) -> str:
    """``mlflow.tracking.fluent.start_run`` → ``mlflow.start_run``; other names unchanged."""
    for module in REEXPORTING_MODULES:
        if dotted.startswith(module + "."):
            rest = dotted[len(module) + 1 :]
            if "." not in rest:
                return "mlflow." + rest
    return dotted


# --- signatures ----------------------------------------------------------------------------


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: The argument was not passed.
MISSING = _Sentinel("MISSING")
#: ``*args`` or ``**kwargs`` may carry the argument; nothing can be said about it.
UNKNOWN = _Sentinel("UNKNOWN")

Argument = ast.expr | _Sentinel

#: A release as (major, minor). Signatures change at minor releases (see ``SIGNATURES``).
Version = tuple[int, int]
#: The oldest release the tables describe; older configured versions use its signatures.
OLDEST_VERSION: Version = (2, 8)


@dataclass(frozen=True)
class VersionWindow:
    """The releases the checked code may run against: [low, high) in (major, minor) terms."""

    low: Version
    high: Version

    @classmethod
    def parse(cls, text: str) -> VersionWindow:
        """``"3"`` → every 3.x; ``"2.14"`` (or ``"2.14.3"``) → 2.14 only. Raises ValueError."""
        parts = text.strip().split(".")
        if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
            raise ValueError(f"must be a release such as \"3\", \"2.14\" or \"3.1.2\", not {text!r}")
        major = int(parts[0])
        if len(parts) == 1:
            low, high = (major, 0), (major + 1, 0)
        else:
            low = (major, int(parts[1]))
            high = (major, int(parts[1]) + 1)
        if high <= OLDEST_VERSION:
            low, high = OLDEST_VERSION, (2, 9)  # older than the tables: the oldest signatures apply
        return cls(low, high)

    def overlaps(self, first: Version, end: Version | None) -> bool:
        """True when releases [first, end) share one with this window."""
        return first < self.high and (end is None or end > self.low)

    @property
    def major(self) -> int:
        """The one major release the window lies in (a window never spans two)."""
        return self.low[0]


def signature_shapes(api: str, window: VersionWindow) -> tuple[tuple[str, ...], ...]:
    """The distinct positional parameter lists ``api`` has in ``window`` (empty when it has none)."""
    return _shapes(api, window)[0]


def keyword_parameters(api: str, window: VersionWindow) -> frozenset[str]:
    """Every parameter name (positional or keyword-only) ``api`` accepts somewhere in ``window``."""
    return _shapes(api, window)[1]


@cache
def _shapes(api: str, window: VersionWindow) -> tuple[tuple[tuple[str, ...], ...], frozenset[str]]:
    shapes: list[tuple[str, ...]] = []
    names: set[str] = set()
    keyword_only_call = any(window.overlaps(first, end) for first, end in KEYWORD_ONLY_CALL.get(api, ()))
    for first, end, positional, keyword_only in SIGNATURES.get(api, ()):
        if not window.overlaps(first, end):
            continue
        names.update(positional, keyword_only)
        shape = () if keyword_only_call else positional
        if shape not in shapes:
            shapes.append(shape)
    return tuple(shapes), frozenset(names)


def newest_parameters(api: str) -> tuple[str, ...]:
    """``api``'s positional parameters in the newest release the tables describe."""
    return SIGNATURES[api][-1][2]


#: Positional parameters in the newest release, for callers that do not bind by version.
START_RUN_PARAMETERS = ("run_id", "experiment_id", "run_name", "nested", "parent_run_id", "tags", "description", "log_system_metrics")
CREATE_RUN_PARAMETERS = ("experiment_id", "start_time", "tags", "run_name")
FLUENT_SET_TAG_PARAMETERS = ("key", "value", "synchronous")
FLUENT_SET_TAGS_PARAMETERS = ("tags", "synchronous")
CLIENT_SET_TAG_PARAMETERS = ("run_id", "key", "value", "synchronous")
CLIENT_UPDATE_RUN_PARAMETERS = ("run_id", "status", "name")
FLUENT_LOG_ARTIFACT_PARAMETERS = ("local_path", "artifact_path", "run_id")
FLUENT_LOG_ARTIFACTS_PARAMETERS = ("local_dir", "artifact_path", "run_id")
CLIENT_LOG_ARTIFACT_PARAMETERS = ("run_id", "local_path", "artifact_path")
CLIENT_LOG_ARTIFACTS_PARAMETERS = ("run_id", "local_dir", "artifact_path")
CREATE_EXPERIMENT_PARAMETERS = ("name", "artifact_location", "tags")


@dataclass(frozen=True)
class BoundCall:
    """The arguments of one call, keyed by parameter name, for every signature the call may meet.

    ``shapes`` holds the positional parameter lists the function has across the configured
    MLflow versions. A positional argument counts as ``name`` only when every shape puts
    ``name`` at its index; where the shapes disagree the argument is :data:`UNKNOWN`.
    """

    call: ast.Call
    shapes: tuple[tuple[str, ...], ...]

    @property
    def parameters(self) -> tuple[str, ...]:
        """The positional parameter names every shape agrees on (their common prefix)."""
        if not self.shapes:
            return ()
        agreed: list[str] = []
        for names in zip(*self.shapes):
            if len(set(names)) != 1:
                break
            agreed.append(names[0])
        return tuple(agreed)

    def _slot(self, name: str) -> int | _Sentinel | None:
        """The positional index ``name`` was passed at, None if not positionally, UNKNOWN if unsure."""
        args = self.call.args
        starred = next((i for i, a in enumerate(args) if isinstance(a, ast.Starred)), len(args))
        outcomes: set[int | None] = set()
        for shape in self.shapes:
            index = shape.index(name) if name in shape else None
            if index is not None and index >= starred and starred < len(args):
                return UNKNOWN  # ``*args`` may reach the slot
            outcomes.add(index if index is not None and index < len(args) else None)
        if not self.shapes and args:
            return UNKNOWN  # no signature known for this version: positional arguments say nothing
        if len(outcomes) > 1:
            return UNKNOWN  # the version decides which parameter this argument is
        return outcomes.pop() if outcomes else None

    def get(self, name: str) -> Argument:
        """The expression passed for ``name``, or MISSING / UNKNOWN."""
        for keyword in self.call.keywords:
            if keyword.arg == name:
                return keyword.value
        slot = self._slot(name)
        if slot is UNKNOWN:
            return UNKNOWN
        if isinstance(slot, int):
            return self.call.args[slot]
        if self.forwards_kwargs:
            return UNKNOWN
        return MISSING

    def position_of(self, name: str) -> int | None:
        """The positional index ``name`` was passed at in every shape, or None (keyword, absent, unsure)."""
        if any(k.arg == name for k in self.call.keywords):
            return None
        slot = self._slot(name)
        return slot if isinstance(slot, int) else None

    def keywords_from(self, start: int) -> tuple[str, ...] | None:
        """Parameter names for turning positional arguments ``start…`` into keywords, when every
        shape agrees on all of them (None otherwise: a fix must not guess which parameter it is)."""
        args = self.call.args
        agreed = self.parameters
        if any(isinstance(a, ast.Starred) for a in args) or len(args) > len(agreed):
            return None
        return agreed

    @property
    def forwards_kwargs(self) -> bool:
        """True when the call spreads ``**kwargs``."""
        return any(k.arg is None for k in self.call.keywords)


def bind(call: ast.Call, parameters: tuple[str, ...] | tuple[tuple[str, ...], ...]) -> BoundCall:
    """Bind ``call``'s arguments to one positional parameter list, or to several alternatives
    (:func:`signature_shapes`): positional order, then keywords."""
    if parameters and isinstance(parameters[0], tuple):
        return BoundCall(call, parameters)
    return BoundCall(call, (parameters,))  # type: ignore[arg-type]


def bind_api(call: ast.Call, api: str, window: VersionWindow) -> BoundCall:
    """Bind ``call`` to the signatures of ``api`` (``mlflow.start_run``, ``MlflowClient.update_run``…) in ``window``."""
    return BoundCall(call, signature_shapes(api, window))


def is_none_or_empty(arg: Argument) -> bool:
    """True for a literal ``None`` or ``""``: MLflow treats both as no value."""
    return isinstance(arg, ast.Constant) and (arg.value is None or arg.value == "")


def literal_true(arg: Argument) -> bool | None:
    """True/False for a literal boolean, None when not a literal (unknown)."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, bool):
        return arg.value
    return None


# --- signature tables ----------------------------------------------------------------------
#
# Extracted with ``ast`` from the mlflow-skinny wheel of the newest patch of every minor
# release 2.8–3.17 (57 releases; /work/research/signatures, SUMMARY.md). Each entry is
# (first release, first release without it or None, positional parameters, keyword-only
# parameters); the comment names the releases whose wheels show it. Methods omit ``self``.
# (2, 8) as first release means "2.8 or older". Patch-level exceptions (only 2.12.0/2.12.1,
# which match 2.11 for log_params, log_image, pyfunc and langchain) are ignored: those two
# patches were yanked or short-lived. tests/lint/test_mlflow_signatures.py compares the
# newest entries with ``inspect.signature`` of the installed mlflow.

#: One line per signature range: API, first release, first release without it ("-": still
#: current), positional parameters, keyword-only parameters ("-": none), and after "#" the
#: releases whose wheels show it. Parsed once at import (a text table compiles in a fraction
#: of the time a literal of ~600 nested tuples takes, which matters where no .pyc is cached).
_SIGNATURE_TABLE = """
mlflow.start_run                          2.8  2.15  run_id,experiment_id,run_name,nested,tags,description,log_system_metrics  -  # 2.8.1..2.14.3
mlflow.start_run                         2.15     -  run_id,experiment_id,run_name,nested,parent_run_id,tags,description,log_system_metrics  -  # 2.15.1..3.17.2
mlflow.end_run                            2.8     -  status  -  # 2.8.1..3.17.2
mlflow.set_tag                            2.8     -  key,value,synchronous  -  # 2.8.1..3.17.2
mlflow.set_tags                           2.8     -  tags,synchronous  -  # 2.8.1..3.17.2
mlflow.log_param                          2.8     -  key,value,synchronous  -  # 2.8.1..3.17.2
mlflow.log_params                         2.8  2.12  params,synchronous  -  # 2.8.1..2.11.4
mlflow.log_params                        2.12     -  params,synchronous,run_id  -  # 2.12.2..3.17.2
mlflow.log_metric                         2.8   2.9  key,value,step,synchronous  -  # 2.8.1..2.8.1
mlflow.log_metric                         2.9  2.10  key,value,step,synchronous,timestamp  -  # 2.9.2..2.9.2
mlflow.log_metric                        2.10   3.0  key,value,step,synchronous,timestamp,run_id  -  # 2.10.2..2.22.5
mlflow.log_metric                         3.0     -  key,value,step,synchronous,timestamp,run_id,model_id,dataset  -  # 3.0.1..3.17.2
mlflow.log_metrics                        2.8  2.10  metrics,step,synchronous  -  # 2.8.1..2.9.2
mlflow.log_metrics                       2.10  2.15  metrics,step,synchronous,run_id  -  # 2.10.2..2.14.3
mlflow.log_metrics                       2.15   3.0  metrics,step,synchronous,run_id,timestamp  -  # 2.15.1..2.22.5
mlflow.log_metrics                        3.0     -  metrics,step,synchronous,run_id,timestamp,model_id,dataset  -  # 3.0.1..3.17.2
mlflow.log_artifact                       2.8  2.10  local_path,artifact_path  -  # 2.8.1..2.9.2
mlflow.log_artifact                      2.10     -  local_path,artifact_path,run_id  -  # 2.10.2..3.17.2
mlflow.log_artifacts                      2.8  2.10  local_dir,artifact_path  -  # 2.8.1..2.9.2
mlflow.log_artifacts                     2.10     -  local_dir,artifact_path,run_id  -  # 2.10.2..3.17.2
mlflow.log_text                           2.8  2.10  text,artifact_file  -  # 2.8.1..2.9.2
mlflow.log_text                          2.10     -  text,artifact_file,run_id  -  # 2.10.2..3.17.2
mlflow.log_dict                           2.8  2.10  dictionary,artifact_file  -  # 2.8.1..2.9.2
mlflow.log_dict                          2.10     -  dictionary,artifact_file,run_id  -  # 2.10.2..3.17.2
mlflow.log_figure                         2.8     -  figure,artifact_file  save_kwargs  # 2.8.1..3.17.2
mlflow.log_image                          2.8  2.12  image,artifact_file  -  # 2.8.1..2.11.4
mlflow.log_image                         2.12     -  image,artifact_file,key,step,timestamp,synchronous  -  # 2.12.2..3.17.2
mlflow.log_table                          2.8  2.10  data,artifact_file  -  # 2.8.1..2.9.2
mlflow.log_table                         2.10     -  data,artifact_file,run_id  -  # 2.10.2..3.17.2
mlflow.log_input                          2.8   3.0  dataset,context,tags  -  # 2.8.1..2.22.5
mlflow.log_input                          3.0     -  dataset,context,tags,model  -  # 3.0.1..3.17.2
mlflow.log_inputs                         3.0     -  datasets,contexts,tags_list,models  -  # 3.0.1..3.17.2
mlflow.log_outputs                        3.0     -  models  -  # 3.0.1..3.17.2
mlflow.set_experiment                     2.8  3.11  experiment_name,experiment_id  -  # 2.8.1..3.10.1
mlflow.set_experiment                    3.11     -  experiment_name,experiment_id,trace_location  -  # 3.11.1..3.17.2
mlflow.create_experiment                  2.8  3.11  name,artifact_location,tags  -  # 2.8.1..3.10.1
mlflow.create_experiment                 3.11     -  name,artifact_location,tags,trace_location  -  # 3.11.1..3.17.2
mlflow.autolog                            2.8  2.19  log_input_examples,log_model_signatures,log_models,log_datasets,disable,exclusive,disable_for_unsupported_versions,silent,extra_tags  -  # 2.8.1..2.18.0
mlflow.autolog                           2.19     -  log_input_examples,log_model_signatures,log_models,log_datasets,log_traces,disable,exclusive,disable_for_unsupported_versions,silent,extra_tags,exclude_flavors  -  # 2.19.0..3.17.2
mlflow.initialize_logged_model            3.0     -  name,source_run_id,tags,params,model_type,experiment_id  -  # 3.0.1..3.17.2
mlflow.create_external_model              3.0     -  name,source_run_id,tags,params,model_type,experiment_id  -  # 3.0.1..3.17.2
mlflow.set_active_model                   3.0     -  -  name,model_id  # 3.0.1..3.17.2
mlflow.finalize_logged_model              3.0     -  model_id,status  -  # 3.0.1..3.17.2
mlflow.log_model_params                   3.0     -  params,model_id  -  # 3.0.1..3.17.2
mlflow.evaluate                           2.8  2.11  model,data  model_type,targets,predictions,dataset_path,feature_names,evaluators,evaluator_config,custom_metrics,extra_metrics,custom_artifacts,validation_thresholds,baseline_model,env_manager,model_config,baseline_config  # 2.8.1..2.10.2
mlflow.evaluate                          2.11   3.0  model,data  model_type,targets,predictions,dataset_path,feature_names,evaluators,evaluator_config,custom_metrics,extra_metrics,custom_artifacts,validation_thresholds,baseline_model,env_manager,model_config,baseline_config,inference_params  # 2.11.4..2.22.5
mlflow.evaluate                           3.0     -  model,data  model_type,targets,predictions,dataset_path,feature_names,evaluators,evaluator_config,extra_metrics,custom_artifacts,env_manager,model_config,inference_params,model_id,_called_from_genai_evaluate  # 3.0.1..3.17.2; 3.x mlflow.evaluate is a deprecated (*args, **kwargs) wrapper, functools.wraps(mlflow.models.evaluate)
mlflow.register_model                     2.8   3.1  model_uri,name,await_registration_for  tags  # 2.8.1..3.0.1
mlflow.register_model                     3.1     -  model_uri,name,await_registration_for  tags,env_pack  # 3.1.4..3.17.2
mlflow.run                                2.8     -  uri,entry_point,version,parameters,docker_args,experiment_name,experiment_id,backend,backend_config,storage_dir,synchronous,run_id,run_name,env_manager,build_image,docker_auth  -  # 2.8.1..3.17.2
mlflow.models.evaluate                    2.8  2.11  model,data  model_type,targets,predictions,dataset_path,feature_names,evaluators,evaluator_config,custom_metrics,extra_metrics,custom_artifacts,validation_thresholds,baseline_model,env_manager,model_config,baseline_config  # 2.8.1..2.10.2
mlflow.models.evaluate                   2.11   3.0  model,data  model_type,targets,predictions,dataset_path,feature_names,evaluators,evaluator_config,custom_metrics,extra_metrics,custom_artifacts,validation_thresholds,baseline_model,env_manager,model_config,baseline_config,inference_params  # 2.11.4..2.22.5
mlflow.models.evaluate                    3.0     -  model,data  model_type,targets,predictions,dataset_path,feature_names,evaluators,evaluator_config,extra_metrics,custom_artifacts,env_manager,model_config,inference_params,model_id,_called_from_genai_evaluate  # 3.0.1..3.17.2
mlflow.genai.evaluate                     3.1     -  data,scorers,predict_fn,model_id  -  # 3.1.4..3.17.2
mlflow.models.get_model_info              2.8     -  model_uri  -  # 2.8.1..3.17.2
mlflow.projects.run                       2.8     -  uri,entry_point,version,parameters,docker_args,experiment_name,experiment_id,backend,backend_config,storage_dir,synchronous,run_id,run_name,env_manager,build_image,docker_auth  -  # 2.8.1..3.17.2
mlflow.pyfunc.spark_udf                   2.8   2.9  spark,model_uri,result_type,env_manager,params  -  # 2.8.1..2.8.1
mlflow.pyfunc.spark_udf                   2.9  2.18  spark,model_uri,result_type,env_manager,params,extra_env  -  # 2.9.2..2.17.2
mlflow.pyfunc.spark_udf                  2.18     -  spark,model_uri,result_type,env_manager,params,extra_env,prebuilt_env_uri,model_config  -  # 2.18.0..3.17.2
MlflowClient.create_run                   2.8     -  experiment_id,start_time,tags,run_name  -  # 2.8.1..3.17.2
MlflowClient.update_run                   2.8     -  run_id,status,name  -  # 2.8.1..3.17.2
MlflowClient.set_terminated               2.8     -  run_id,status,end_time  -  # 2.8.1..3.17.2
MlflowClient.set_tag                      2.8     -  run_id,key,value,synchronous  -  # 2.8.1..3.17.2
MlflowClient.log_param                    2.8     -  run_id,key,value,synchronous  -  # 2.8.1..3.17.2
MlflowClient.log_metric                   2.8   3.0  run_id,key,value,timestamp,step,synchronous  -  # 2.8.1..2.22.5
MlflowClient.log_metric                   3.0     -  run_id,key,value,timestamp,step,synchronous,dataset_name,dataset_digest,model_id  -  # 3.0.1..3.17.2
MlflowClient.log_batch                    2.8     -  run_id,metrics,params,tags,synchronous  -  # 2.8.1..3.17.2
MlflowClient.log_inputs                   2.8   3.0  run_id,datasets  -  # 2.8.1..2.22.5
MlflowClient.log_inputs                   3.0     -  run_id,datasets,models  -  # 3.0.1..3.17.2
MlflowClient.log_outputs                  3.0     -  run_id,models  -  # 3.0.1..3.17.2
MlflowClient.log_artifact                 2.8     -  run_id,local_path,artifact_path  -  # 2.8.1..3.17.2
MlflowClient.log_artifacts                2.8     -  run_id,local_dir,artifact_path  -  # 2.8.1..3.17.2
MlflowClient.log_text                     2.8     -  run_id,text,artifact_file  -  # 2.8.1..3.17.2
MlflowClient.log_dict                     2.8     -  run_id,dictionary,artifact_file  -  # 2.8.1..3.17.2
MlflowClient.log_figure                   2.8     -  run_id,figure,artifact_file  save_kwargs  # 2.8.1..3.17.2
MlflowClient.log_image                    2.8  2.12  run_id,image,artifact_file  -  # 2.8.1..2.11.4
MlflowClient.log_image                   2.12     -  run_id,image,artifact_file,key,step,timestamp,synchronous  -  # 2.12.2..3.17.2
MlflowClient.log_table                    2.8     -  run_id,data,artifact_file  -  # 2.8.1..3.17.2
MlflowClient.create_experiment            2.8     -  name,artifact_location,tags  -  # 2.8.1..3.17.2
MlflowClient.rename_experiment            2.8     -  experiment_id,new_name  -  # 2.8.1..3.17.2
MlflowClient.create_registered_model      2.8   3.0  name,tags,description  -  # 2.8.1..2.22.5
MlflowClient.create_registered_model      3.0     -  name,tags,description,deployment_job_id  -  # 3.0.1..3.17.2
MlflowClient.rename_registered_model      2.8     -  name,new_name  -  # 2.8.1..3.17.2
MlflowClient.create_model_version         2.8   3.0  name,source,run_id,tags,run_link,description,await_creation_for  -  # 2.8.1..2.22.5
MlflowClient.create_model_version         3.0     -  name,source,run_id,tags,run_link,description,await_creation_for,model_id  -  # 3.0.1..3.17.2
MlflowClient.create_logged_model          3.0     -  experiment_id,name,source_run_id,tags,params,model_type  -  # 3.0.1..3.17.2
MlflowClient.finalize_logged_model        3.0     -  model_id,status  -  # 3.0.1..3.17.2
MlflowClient.set_logged_model_tags        3.0     -  model_id,tags  -  # 3.0.1..3.17.2
MlflowClient.log_model_params             3.0     -  model_id,params  -  # 3.0.1..3.17.2
mlflow.catboost.save_model                2.8  3.10  cb_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..3.9.0
mlflow.catboost.save_model               3.10     -  cb_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,extra_files  -  # 3.10.1..3.17.2
mlflow.catboost.log_model                 2.8   3.0  cb_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.catboost.log_model                 3.0  3.10  cb_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.9.0
mlflow.catboost.log_model                3.10     -  cb_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,extra_files,name,params,tags,model_type,step,model_id  -  # 3.10.1..3.17.2
mlflow.catboost.load_model                2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
mlflow.diffusers.save_model              3.12     -  adapter_path,path,base_model,adapter_type,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 3.12.0..3.17.2
mlflow.diffusers.log_model               3.12     -  adapter_path,base_model,adapter_type,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,params,tags,model_type,step,model_id,name  -  # 3.12.0..3.17.2
mlflow.diffusers.load_model              3.12     -  model_uri,dst_path  -  # 3.12.0..3.17.2
mlflow.diviner.save_model                 2.8   3.7  diviner_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..3.6.0
mlflow.diviner.log_model                  2.8   3.0  diviner_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.diviner.log_model                  3.0   3.7  diviner_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.6.0
mlflow.diviner.load_model                 2.8   3.7  model_uri,dst_path  -  # 2.8.1..3.6.0
mlflow.dspy.save_model                   2.18   3.9  model,path,task,model_config,code_paths,mlflow_model,conda_env,signature,input_example,pip_requirements,extra_pip_requirements,metadata,resources  -  # 2.18.0..3.8.1
mlflow.dspy.save_model                    3.9     -  model,path,task,model_config,code_paths,mlflow_model,conda_env,signature,input_example,pip_requirements,extra_pip_requirements,metadata,resources,use_dspy_model_save  -  # 3.9.0..3.17.2
mlflow.dspy.log_model                    2.18  2.21  dspy_model,artifact_path,task,model_config,code_paths,conda_env,signature,input_example,registered_model_name,await_registration_for,pip_requirements,extra_pip_requirements,metadata,resources  -  # 2.18.0..2.20.4
mlflow.dspy.log_model                    2.21   3.0  dspy_model,artifact_path,task,model_config,code_paths,conda_env,signature,input_example,registered_model_name,await_registration_for,pip_requirements,extra_pip_requirements,metadata,resources,prompts  -  # 2.21.3..2.22.5
mlflow.dspy.log_model                     3.0   3.9  dspy_model,artifact_path,task,model_config,code_paths,conda_env,signature,input_example,registered_model_name,await_registration_for,pip_requirements,extra_pip_requirements,metadata,resources,prompts,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.8.1
mlflow.dspy.log_model                     3.9     -  dspy_model,artifact_path,task,model_config,code_paths,conda_env,signature,input_example,registered_model_name,await_registration_for,pip_requirements,extra_pip_requirements,metadata,resources,prompts,name,params,tags,model_type,step,model_id,use_dspy_model_save  -  # 3.9.0..3.17.2
mlflow.dspy.load_model                   2.18     -  model_uri,dst_path  -  # 2.18.0..3.17.2
mlflow.fastai.save_model                  2.8   3.0  fastai_learner,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.fastai.log_model                   2.8   3.0  fastai_learner,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.fastai.load_model                  2.8   3.0  model_uri,dst_path  -  # 2.8.1..2.22.5
mlflow.gluon.save_model                   2.8  2.20  gluon_model,path,mlflow_model,conda_env,code_paths,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.19.0
mlflow.gluon.log_model                    2.8  2.20  gluon_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.19.0
mlflow.gluon.load_model                   2.8  2.20  model_uri,ctx,dst_path  -  # 2.8.1..2.19.0
mlflow.h2o.save_model                     2.8  3.10  h2o_model,path,conda_env,code_paths,mlflow_model,settings,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..3.9.0
mlflow.h2o.save_model                    3.10     -  h2o_model,path,conda_env,code_paths,mlflow_model,settings,signature,input_example,pip_requirements,extra_pip_requirements,metadata,extra_files  -  # 3.10.1..3.17.2
mlflow.h2o.log_model                      2.8   3.0  h2o_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.h2o.log_model                      3.0  3.10  h2o_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,pip_requirements,extra_pip_requirements,metadata,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.9.0
mlflow.h2o.log_model                     3.10     -  h2o_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,pip_requirements,extra_pip_requirements,metadata,extra_files,name,params,tags,model_type,step,model_id  -  # 3.10.1..3.17.2
mlflow.h2o.load_model                     2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
mlflow.johnsnowlabs.save_model            2.8   3.0  spark_model,path,mlflow_model,conda_env,code_paths,dfs_tmpdir,sample_input,signature,input_example,pip_requirements,extra_pip_requirements,metadata,store_license  -  # 2.8.1..2.22.5
mlflow.johnsnowlabs.save_model            3.0     -  spark_model,path,mlflow_model,conda_env,code_paths,dfs_tmpdir,signature,input_example,pip_requirements,extra_pip_requirements,metadata,store_license  -  # 3.0.1..3.17.2
mlflow.johnsnowlabs.log_model             2.8   3.0  spark_model,artifact_path,conda_env,code_paths,dfs_tmpdir,sample_input,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,store_license  -  # 2.8.1..2.22.5
mlflow.johnsnowlabs.log_model             3.0     -  spark_model,artifact_path,conda_env,code_paths,dfs_tmpdir,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,store_license,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.17.2
mlflow.johnsnowlabs.load_model            2.8     -  model_uri,dfs_tmpdir,dst_path  -  # 2.8.1..3.17.2
mlflow.keras.save_model                   2.8  2.11  model,path,conda_env,code_paths,mlflow_model,custom_objects,signature,input_example,pip_requirements,extra_pip_requirements,saved_model_kwargs,keras_model_kwargs,metadata  -  # 2.8.1..2.10.2
mlflow.keras.save_model                  2.11     -  model,path,save_exported_model,conda_env,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,save_model_kwargs,metadata  -  # 2.11.4..3.17.2
mlflow.keras.log_model                    2.8  2.11  model,artifact_path,custom_objects,conda_env,code_paths,signature,input_example,registered_model_name,await_registration_for,pip_requirements,extra_pip_requirements,saved_model_kwargs,keras_model_kwargs,metadata  -  # 2.8.1..2.10.2
mlflow.keras.log_model                   2.11   3.0  model,artifact_path,save_exported_model,conda_env,signature,input_example,registered_model_name,await_registration_for,pip_requirements,extra_pip_requirements,save_model_kwargs,metadata  -  # 2.11.4..2.22.5
mlflow.keras.log_model                    3.0     -  model,artifact_path,save_exported_model,conda_env,signature,input_example,registered_model_name,await_registration_for,pip_requirements,extra_pip_requirements,save_model_kwargs,metadata,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.17.2
mlflow.keras.load_model                   2.8  2.11  model_uri,dst_path,saved_model_kwargs,keras_model_kwargs  -  # 2.8.1..2.10.2
mlflow.keras.load_model                  2.11     -  model_uri,dst_path,custom_objects,load_model_kwargs  -  # 2.11.4..3.17.2
mlflow.langchain.save_model               2.8  2.10  lc_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,loader_fn,persist_dir  -  # 2.8.1..2.9.2
mlflow.langchain.save_model              2.10  2.12  lc_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,loader_fn,persist_dir,example_no_conversion  -  # 2.10.2..2.11.4
mlflow.langchain.save_model              2.12  2.13  lc_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,loader_fn,persist_dir,example_no_conversion,model_config  -  # 2.12.2..2.12.2
mlflow.langchain.save_model              2.13   3.0  lc_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,loader_fn,persist_dir,example_no_conversion,model_config,streamable  -  # 2.13.2..2.22.5
mlflow.langchain.save_model               3.0     -  lc_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,loader_fn,persist_dir,model_config,streamable  -  # 3.0.1..3.17.2
mlflow.langchain.log_model                2.8  2.10  lc_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,loader_fn,persist_dir  -  # 2.8.1..2.9.2
mlflow.langchain.log_model               2.10  2.12  lc_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,loader_fn,persist_dir,example_no_conversion,run_id  -  # 2.10.2..2.11.4
mlflow.langchain.log_model               2.12  2.13  lc_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,loader_fn,persist_dir,example_no_conversion,run_id,model_config  -  # 2.12.2..2.12.2
mlflow.langchain.log_model               2.13  2.17  lc_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,loader_fn,persist_dir,example_no_conversion,run_id,model_config,streamable  -  # 2.13.2..2.16.2
mlflow.langchain.log_model               2.17  2.21  lc_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,loader_fn,persist_dir,example_no_conversion,run_id,model_config,streamable,resources  -  # 2.17.2..2.20.4
mlflow.langchain.log_model               2.21   3.0  lc_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,loader_fn,persist_dir,example_no_conversion,run_id,model_config,streamable,resources,prompts  -  # 2.21.3..2.22.5
mlflow.langchain.log_model                3.0     -  lc_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,loader_fn,persist_dir,run_id,model_config,streamable,resources,prompts,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.17.2
mlflow.langchain.load_model               2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
mlflow.lightgbm.save_model                2.8   3.9  lgb_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..3.8.1
mlflow.lightgbm.save_model                3.9  3.10  lgb_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,serialization_format,skops_trusted_types  -  # 3.9.0..3.9.0
mlflow.lightgbm.save_model               3.10     -  lgb_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,serialization_format,skops_trusted_types,extra_files  -  # 3.10.1..3.17.2
mlflow.lightgbm.log_model                 2.8   3.0  lgb_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.lightgbm.log_model                 3.0   3.9  lgb_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.8.1
mlflow.lightgbm.log_model                 3.9  3.10  lgb_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,name,params,tags,model_type,step,model_id,serialization_format,skops_trusted_types  -  # 3.9.0..3.9.0
mlflow.lightgbm.log_model                3.10     -  lgb_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,extra_files,name,params,tags,model_type,step,model_id,serialization_format,skops_trusted_types  -  # 3.10.1..3.17.2
mlflow.lightgbm.load_model                2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
mlflow.llama_index.save_model            2.15  2.16  index,path,engine_type,model_config,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,conda_env,metadata  -  # 2.15.1..2.15.1
mlflow.llama_index.save_model            2.16     -  llama_index_model,path,engine_type,model_config,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,conda_env,metadata  -  # 2.16.2..3.17.2
mlflow.llama_index.log_model             2.15  2.16  index,artifact_path,engine_type,model_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata  -  # 2.15.1..2.15.1
mlflow.llama_index.log_model             2.16  2.21  llama_index_model,artifact_path,engine_type,model_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata  -  # 2.16.2..2.20.4
mlflow.llama_index.log_model             2.21   3.0  llama_index_model,artifact_path,engine_type,model_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata,prompts  -  # 2.21.3..2.22.5
mlflow.llama_index.log_model              3.0     -  llama_index_model,artifact_path,engine_type,model_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata,prompts,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.17.2
mlflow.llama_index.load_model            2.15     -  model_uri,dst_path  -  # 2.15.1..3.17.2
mlflow.mleap.save_model                   2.8   3.0  spark_model,sample_input,path,mlflow_model,signature,input_example,metadata  -  # 2.8.1..2.22.5
mlflow.mleap.log_model                    2.8   3.0  spark_model,sample_input,artifact_path,registered_model_name,signature,input_example,metadata  -  # 2.8.1..2.22.5
mlflow.onnx.save_model                    2.8  3.10  onnx_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,onnx_execution_providers,onnx_session_options,metadata,save_as_external_data  -  # 2.8.1..3.9.0
mlflow.onnx.save_model                   3.10     -  onnx_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,onnx_execution_providers,onnx_session_options,metadata,save_as_external_data,extra_files  -  # 3.10.1..3.17.2
mlflow.onnx.log_model                     2.8   3.0  onnx_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,onnx_execution_providers,onnx_session_options,metadata,save_as_external_data  -  # 2.8.1..2.22.5
mlflow.onnx.log_model                     3.0  3.10  onnx_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,onnx_execution_providers,onnx_session_options,metadata,save_as_external_data,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.9.0
mlflow.onnx.log_model                    3.10     -  onnx_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,onnx_execution_providers,onnx_session_options,metadata,save_as_external_data,extra_files,name,params,tags,model_type,step,model_id  -  # 3.10.1..3.17.2
mlflow.onnx.load_model                    2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
mlflow.openai.save_model                  2.8  2.10  model,task,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.9.2
mlflow.openai.save_model                 2.10   3.0  model,task,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,example_no_conversion  -  # 2.10.2..2.22.5
mlflow.openai.save_model                  3.0     -  model,task,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 3.0.1..3.17.2
mlflow.openai.log_model                   2.8  2.10  model,task,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.9.2
mlflow.openai.log_model                  2.10  2.21  model,task,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,example_no_conversion  -  # 2.10.2..2.20.4
mlflow.openai.log_model                  2.21   3.0  model,task,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,example_no_conversion,prompts  -  # 2.21.3..2.22.5
mlflow.openai.log_model                   3.0     -  model,task,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,prompts,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.17.2
mlflow.openai.load_model                  2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
mlflow.paddle.save_model                  2.8  3.10  pd_model,path,training,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..3.9.0
mlflow.paddle.save_model                 3.10     -  pd_model,path,training,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,extra_files  -  # 3.10.1..3.17.2
mlflow.paddle.log_model                   2.8   3.0  pd_model,artifact_path,training,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.paddle.log_model                   3.0  3.10  pd_model,artifact_path,training,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.9.0
mlflow.paddle.log_model                  3.10     -  pd_model,artifact_path,training,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,extra_files,name,params,tags,model_type,step,model_id  -  # 3.10.1..3.17.2
mlflow.paddle.load_model                  2.8     -  model_uri,model,dst_path  -  # 2.8.1..3.17.2
mlflow.pmdarima.save_model                2.8  3.10  pmdarima_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..3.9.0
mlflow.pmdarima.save_model               3.10     -  pmdarima_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,extra_files  -  # 3.10.1..3.17.2
mlflow.pmdarima.log_model                 2.8   3.0  pmdarima_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.pmdarima.log_model                 3.0  3.10  pmdarima_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.9.0
mlflow.pmdarima.log_model                3.10     -  pmdarima_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,extra_files,name,params,tags,model_type,step,model_id  -  # 3.10.1..3.17.2
mlflow.pmdarima.load_model                2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
mlflow.promptflow.save_model             2.12  2.15  model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,model_config  -  # 2.12.2..2.14.3
mlflow.promptflow.save_model             2.15   3.0  model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,model_config,example_no_conversion  -  # 2.15.1..2.22.5
mlflow.promptflow.save_model              3.0   3.7  model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,model_config  -  # 3.0.1..3.6.0
mlflow.promptflow.log_model              2.12  2.15  model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,model_config  -  # 2.12.2..2.14.3
mlflow.promptflow.log_model              2.15  2.21  model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,model_config,example_no_conversion  -  # 2.15.1..2.20.4
mlflow.promptflow.log_model              2.21   3.0  model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,model_config,example_no_conversion,prompts  -  # 2.21.3..2.22.5
mlflow.promptflow.log_model               3.0   3.7  model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,model_config,prompts,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.6.0
mlflow.promptflow.load_model             2.12   3.7  model_uri,dst_path  -  # 2.12.2..3.6.0
mlflow.promptlab.save_model              2.10  2.21  path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,prompt_template,prompt_parameters,model_parameters,model_route  -  # 2.10.2..2.20.4
mlflow.prophet.save_model                 2.8  3.10  pr_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..3.9.0
mlflow.prophet.save_model                3.10     -  pr_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,extra_files  -  # 3.10.1..3.17.2
mlflow.prophet.log_model                  2.8   3.0  pr_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.prophet.log_model                  3.0  3.10  pr_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.9.0
mlflow.prophet.log_model                 3.10     -  pr_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,extra_files,name,params,tags,model_type,step,model_id  -  # 3.10.1..3.17.2
mlflow.prophet.load_model                 2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
mlflow.pyfunc.save_model                  2.8  2.10  path,loader_module,data_path,code_path,conda_env,mlflow_model,python_model,artifacts,signature,input_example,pip_requirements,extra_pip_requirements,metadata,model_config  -  # 2.8.1..2.9.2
mlflow.pyfunc.save_model                 2.10  2.12  path,loader_module,data_path,code_path,conda_env,mlflow_model,python_model,artifacts,signature,input_example,pip_requirements,extra_pip_requirements,metadata,model_config,example_no_conversion  -  # 2.10.2..2.11.4
mlflow.pyfunc.save_model                 2.12  2.13  path,loader_module,data_path,code_path,code_paths,conda_env,mlflow_model,python_model,artifacts,signature,input_example,pip_requirements,extra_pip_requirements,metadata,model_config,example_no_conversion,streamable,resources  -  # 2.12.2..2.12.2
mlflow.pyfunc.save_model                 2.13  2.21  path,loader_module,data_path,code_path,code_paths,infer_code_paths,conda_env,mlflow_model,python_model,artifacts,signature,input_example,pip_requirements,extra_pip_requirements,metadata,model_config,example_no_conversion,streamable,resources  -  # 2.13.2..2.20.4
mlflow.pyfunc.save_model                 2.21   3.0  path,loader_module,data_path,code_path,code_paths,infer_code_paths,conda_env,mlflow_model,python_model,artifacts,signature,input_example,pip_requirements,extra_pip_requirements,metadata,model_config,example_no_conversion,streamable,resources,auth_policy  -  # 2.21.3..2.22.5
mlflow.pyfunc.save_model                  3.0  3.11  path,loader_module,data_path,code_paths,infer_code_paths,conda_env,mlflow_model,python_model,artifacts,signature,input_example,pip_requirements,extra_pip_requirements,metadata,model_config,streamable,resources,auth_policy  -  # 3.0.1..3.10.1
mlflow.pyfunc.save_model                 3.11     -  path,loader_module,data_path,code_paths,infer_code_paths,conda_env,mlflow_model,python_model,artifacts,signature,input_example,pip_requirements,extra_pip_requirements,metadata,model_config,streamable,resources,auth_policy,uv_project_path,uv_groups,uv_extras  -  # 3.11.1..3.17.2
mlflow.pyfunc.log_model                   2.8  2.10  artifact_path,loader_module,data_path,code_path,conda_env,python_model,artifacts,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,model_config  -  # 2.8.1..2.9.2
mlflow.pyfunc.log_model                  2.10  2.12  artifact_path,loader_module,data_path,code_path,conda_env,python_model,artifacts,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,model_config,example_no_conversion  -  # 2.10.2..2.11.4
mlflow.pyfunc.log_model                  2.12  2.13  artifact_path,loader_module,data_path,code_path,code_paths,conda_env,python_model,artifacts,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,model_config,example_no_conversion,streamable,resources  -  # 2.12.2..2.12.2
mlflow.pyfunc.log_model                  2.13  2.21  artifact_path,loader_module,data_path,code_path,code_paths,infer_code_paths,conda_env,python_model,artifacts,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,model_config,example_no_conversion,streamable,resources  -  # 2.13.2..2.20.4
mlflow.pyfunc.log_model                  2.21   3.0  artifact_path,loader_module,data_path,code_path,code_paths,infer_code_paths,conda_env,python_model,artifacts,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,model_config,example_no_conversion,streamable,resources,auth_policy,prompts  -  # 2.21.3..2.22.5
mlflow.pyfunc.log_model                   3.0  3.11  artifact_path,loader_module,data_path,code_paths,infer_code_paths,conda_env,python_model,artifacts,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,model_config,streamable,resources,auth_policy,prompts,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.10.1
mlflow.pyfunc.log_model                  3.11     -  artifact_path,loader_module,data_path,code_paths,infer_code_paths,conda_env,python_model,artifacts,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,model_config,streamable,resources,auth_policy,uv_project_path,uv_groups,uv_extras,prompts,name,params,tags,model_type,step,model_id  -  # 3.11.1..3.17.2
mlflow.pyfunc.load_model                  2.8     -  model_uri,suppress_warnings,dst_path,model_config  -  # 2.8.1..3.17.2
mlflow.pytorch.save_model                 2.8   3.0  pytorch_model,path,conda_env,mlflow_model,code_paths,pickle_module,signature,input_example,requirements_file,extra_files,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.pytorch.save_model                 3.0   3.9  pytorch_model,path,conda_env,mlflow_model,code_paths,pickle_module,signature,input_example,extra_files,pip_requirements,extra_pip_requirements,metadata  -  # 3.0.1..3.8.1
mlflow.pytorch.save_model                 3.9  3.11  pytorch_model,path,conda_env,mlflow_model,code_paths,pickle_module,signature,input_example,extra_files,pip_requirements,extra_pip_requirements,metadata,export_model  -  # 3.9.0..3.10.1
mlflow.pytorch.save_model                3.11     -  pytorch_model,path,conda_env,mlflow_model,code_paths,pickle_module,signature,input_example,extra_files,pip_requirements,extra_pip_requirements,metadata,export_model,serialization_format  -  # 3.11.1..3.17.2
mlflow.pytorch.log_model                  2.8   3.0  pytorch_model,artifact_path,conda_env,code_paths,pickle_module,registered_model_name,signature,input_example,await_registration_for,requirements_file,extra_files,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.pytorch.log_model                  3.0   3.9  pytorch_model,artifact_path,conda_env,code_paths,pickle_module,registered_model_name,signature,input_example,await_registration_for,extra_files,pip_requirements,extra_pip_requirements,metadata,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.8.1
mlflow.pytorch.log_model                  3.9  3.11  pytorch_model,artifact_path,conda_env,code_paths,pickle_module,registered_model_name,signature,input_example,await_registration_for,extra_files,pip_requirements,extra_pip_requirements,metadata,name,params,tags,model_type,step,model_id,export_model  -  # 3.9.0..3.10.1
mlflow.pytorch.log_model                 3.11     -  pytorch_model,artifact_path,conda_env,code_paths,pickle_module,registered_model_name,signature,input_example,await_registration_for,extra_files,pip_requirements,extra_pip_requirements,metadata,name,params,tags,model_type,step,model_id,export_model,serialization_format  -  # 3.11.1..3.17.2
mlflow.pytorch.load_model                 2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
mlflow.sentence_transformers.save_model   2.8  2.11  model,path,inference_config,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,conda_env,metadata  -  # 2.8.1..2.10.2
mlflow.sentence_transformers.save_model  2.11  2.14  model,path,task,inference_config,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,conda_env,metadata  -  # 2.11.4..2.13.2
mlflow.sentence_transformers.save_model  2.14   3.0  model,path,task,inference_config,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,conda_env,metadata,example_no_conversion  -  # 2.14.3..2.22.5
mlflow.sentence_transformers.save_model   3.0  3.10  model,path,task,inference_config,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,conda_env,metadata  -  # 3.0.1..3.9.0
mlflow.sentence_transformers.save_model  3.10     -  model,path,task,inference_config,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,conda_env,metadata,extra_files  -  # 3.10.1..3.17.2
mlflow.sentence_transformers.log_model    2.8  2.11  model,artifact_path,inference_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata  -  # 2.8.1..2.10.2
mlflow.sentence_transformers.log_model   2.11  2.14  model,artifact_path,task,inference_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata  -  # 2.11.4..2.13.2
mlflow.sentence_transformers.log_model   2.14  2.21  model,artifact_path,task,inference_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata,example_no_conversion  -  # 2.14.3..2.20.4
mlflow.sentence_transformers.log_model   2.21   3.0  model,artifact_path,task,inference_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata,example_no_conversion,prompts  -  # 2.21.3..2.22.5
mlflow.sentence_transformers.log_model    3.0  3.10  model,artifact_path,task,inference_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata,prompts,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.9.0
mlflow.sentence_transformers.log_model   3.10     -  model,artifact_path,task,inference_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata,extra_files,prompts,name,params,tags,model_type,step,model_id  -  # 3.10.1..3.17.2
mlflow.sentence_transformers.load_model   2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
mlflow.shap.save_model                    2.8     -  explainer,path,serialize_model_using_mlflow,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..3.17.2
mlflow.sklearn.save_model                 2.8   3.9  sk_model,path,conda_env,code_paths,mlflow_model,serialization_format,signature,input_example,pip_requirements,extra_pip_requirements,pyfunc_predict_fn,metadata  -  # 2.8.1..3.8.1
mlflow.sklearn.save_model                 3.9  3.10  sk_model,path,conda_env,code_paths,mlflow_model,serialization_format,signature,input_example,pip_requirements,extra_pip_requirements,pyfunc_predict_fn,metadata,skops_trusted_types  -  # 3.9.0..3.9.0
mlflow.sklearn.save_model                3.10     -  sk_model,path,conda_env,code_paths,mlflow_model,serialization_format,signature,input_example,pip_requirements,extra_pip_requirements,pyfunc_predict_fn,metadata,skops_trusted_types,extra_files  -  # 3.10.1..3.17.2
mlflow.sklearn.log_model                  2.8   3.0  sk_model,artifact_path,conda_env,code_paths,serialization_format,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,pyfunc_predict_fn,metadata  -  # 2.8.1..2.22.5
mlflow.sklearn.log_model                  3.0   3.9  sk_model,artifact_path,conda_env,code_paths,serialization_format,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,pyfunc_predict_fn,metadata,params,tags,model_type,step,model_id,name  -  # 3.0.1..3.8.1
mlflow.sklearn.log_model                  3.9  3.10  sk_model,artifact_path,conda_env,code_paths,serialization_format,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,pyfunc_predict_fn,metadata,params,tags,model_type,step,model_id,name,skops_trusted_types  -  # 3.9.0..3.9.0
mlflow.sklearn.log_model                 3.10     -  sk_model,artifact_path,conda_env,code_paths,serialization_format,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,pyfunc_predict_fn,metadata,extra_files,params,tags,model_type,step,model_id,name,skops_trusted_types  -  # 3.10.1..3.17.2
mlflow.sklearn.load_model                 2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
mlflow.spacy.save_model                   2.8  3.10  spacy_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..3.9.0
mlflow.spacy.save_model                  3.10     -  spacy_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,metadata,extra_files  -  # 3.10.1..3.17.2
mlflow.spacy.log_model                    2.8   3.0  spacy_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.spacy.log_model                    3.0  3.10  spacy_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,pip_requirements,extra_pip_requirements,metadata,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.9.0
mlflow.spacy.log_model                   3.10     -  spacy_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,pip_requirements,extra_pip_requirements,metadata,extra_files,name,params,tags,model_type,step,model_id  -  # 3.10.1..3.17.2
mlflow.spacy.load_model                   2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
mlflow.spark.save_model                   2.8   3.0  spark_model,path,mlflow_model,conda_env,code_paths,dfs_tmpdir,sample_input,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.spark.save_model                   3.0     -  spark_model,path,mlflow_model,conda_env,code_paths,dfs_tmpdir,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 3.0.1..3.17.2
mlflow.spark.log_model                    2.8   3.0  spark_model,artifact_path,conda_env,code_paths,dfs_tmpdir,sample_input,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.spark.log_model                    3.0     -  spark_model,artifact_path,conda_env,code_paths,dfs_tmpdir,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata  -  # 3.0.1..3.17.2
mlflow.spark.load_model                   2.8     -  model_uri,dfs_tmpdir,dst_path  -  # 2.8.1..3.17.2
mlflow.statsmodels.save_model             2.8  3.10  statsmodels_model,path,conda_env,code_paths,mlflow_model,remove_data,signature,input_example,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..3.9.0
mlflow.statsmodels.save_model            3.10     -  statsmodels_model,path,conda_env,code_paths,mlflow_model,remove_data,signature,input_example,pip_requirements,extra_pip_requirements,metadata,extra_files  -  # 3.10.1..3.17.2
mlflow.statsmodels.log_model              2.8   3.0  statsmodels_model,artifact_path,conda_env,code_paths,registered_model_name,remove_data,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata  -  # 2.8.1..2.22.5
mlflow.statsmodels.log_model              3.0  3.10  statsmodels_model,artifact_path,conda_env,code_paths,registered_model_name,remove_data,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.9.0
mlflow.statsmodels.log_model             3.10     -  statsmodels_model,artifact_path,conda_env,code_paths,registered_model_name,remove_data,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,metadata,extra_files,name,params,tags,model_type,step,model_id  -  # 3.10.1..3.17.2
mlflow.statsmodels.load_model             2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
mlflow.tensorflow.save_model              2.8  3.10  model,path,conda_env,code_paths,mlflow_model,custom_objects,signature,input_example,pip_requirements,extra_pip_requirements,saved_model_kwargs,keras_model_kwargs,metadata  -  # 2.8.1..3.9.0
mlflow.tensorflow.save_model             3.10     -  model,path,conda_env,code_paths,mlflow_model,custom_objects,signature,input_example,pip_requirements,extra_pip_requirements,saved_model_kwargs,keras_model_kwargs,metadata,extra_files  -  # 3.10.1..3.17.2
mlflow.tensorflow.log_model               2.8   3.0  model,artifact_path,custom_objects,conda_env,code_paths,signature,input_example,registered_model_name,await_registration_for,pip_requirements,extra_pip_requirements,saved_model_kwargs,keras_model_kwargs,metadata  -  # 2.8.1..2.22.5
mlflow.tensorflow.log_model               3.0  3.10  model,artifact_path,custom_objects,conda_env,code_paths,signature,input_example,registered_model_name,await_registration_for,pip_requirements,extra_pip_requirements,saved_model_kwargs,keras_model_kwargs,metadata,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.9.0
mlflow.tensorflow.log_model              3.10     -  model,artifact_path,custom_objects,conda_env,code_paths,signature,input_example,registered_model_name,await_registration_for,pip_requirements,extra_pip_requirements,saved_model_kwargs,keras_model_kwargs,metadata,extra_files,name,params,tags,model_type,step,model_id  -  # 3.10.1..3.17.2
mlflow.tensorflow.load_model              2.8     -  model_uri,dst_path,saved_model_kwargs,keras_model_kwargs  -  # 2.8.1..3.17.2
mlflow.transformers.save_model            2.8  2.10  transformers_model,path,processor,task,model_card,inference_config,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,conda_env,metadata,model_config  -  # 2.8.1..2.9.2
mlflow.transformers.save_model           2.10  2.11  transformers_model,path,processor,task,model_card,inference_config,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,conda_env,metadata,model_config,example_no_conversion,prompt_template  -  # 2.10.2..2.10.2
mlflow.transformers.save_model           2.11  2.12  transformers_model,path,processor,task,model_card,inference_config,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,conda_env,metadata,model_config,example_no_conversion,prompt_template,save_pretrained  -  # 2.11.4..2.11.4
mlflow.transformers.save_model           2.12   3.0  transformers_model,path,processor,task,torch_dtype,model_card,inference_config,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,conda_env,metadata,model_config,example_no_conversion,prompt_template,save_pretrained  -  # 2.12.2..2.22.5
mlflow.transformers.save_model            3.0  3.12  transformers_model,path,processor,task,torch_dtype,model_card,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,conda_env,metadata,model_config,prompt_template,save_pretrained  -  # 3.0.1..3.11.1
mlflow.transformers.save_model           3.12     -  transformers_model,path,processor,task,torch_dtype,model_card,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,conda_env,metadata,model_config,prompt_template,save_pretrained,base_model_path  -  # 3.12.0..3.17.2
mlflow.transformers.log_model             2.8  2.10  transformers_model,artifact_path,processor,task,model_card,inference_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata,model_config  -  # 2.8.1..2.9.2
mlflow.transformers.log_model            2.10  2.11  transformers_model,artifact_path,processor,task,model_card,inference_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata,model_config,example_no_conversion,prompt_template  -  # 2.10.2..2.10.2
mlflow.transformers.log_model            2.11  2.12  transformers_model,artifact_path,processor,task,model_card,inference_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata,model_config,example_no_conversion,prompt_template,save_pretrained  -  # 2.11.4..2.11.4
mlflow.transformers.log_model            2.12  2.21  transformers_model,artifact_path,processor,task,torch_dtype,model_card,inference_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata,model_config,example_no_conversion,prompt_template,save_pretrained  -  # 2.12.2..2.20.4
mlflow.transformers.log_model            2.21   3.0  transformers_model,artifact_path,processor,task,torch_dtype,model_card,inference_config,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata,model_config,example_no_conversion,prompt_template,save_pretrained,prompts  -  # 2.21.3..2.22.5
mlflow.transformers.log_model             3.0  3.12  transformers_model,artifact_path,processor,task,torch_dtype,model_card,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata,model_config,prompt_template,save_pretrained,prompts,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.11.1
mlflow.transformers.log_model            3.12     -  transformers_model,artifact_path,processor,task,torch_dtype,model_card,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,conda_env,metadata,model_config,prompt_template,save_pretrained,prompts,name,params,tags,model_type,step,model_id,base_model_path  -  # 3.12.0..3.17.2
mlflow.transformers.load_model            2.8  3.12  model_uri,dst_path,return_type,device  -  # 2.8.1..3.11.1
mlflow.transformers.load_model           3.12     -  model_uri,dst_path,return_type,device,base_model_path  -  # 3.12.0..3.17.2
mlflow.xgboost.save_model                 2.8  3.10  xgb_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,model_format,metadata  -  # 2.8.1..3.9.0
mlflow.xgboost.save_model                3.10     -  xgb_model,path,conda_env,code_paths,mlflow_model,signature,input_example,pip_requirements,extra_pip_requirements,model_format,metadata,extra_files  -  # 3.10.1..3.17.2
mlflow.xgboost.log_model                  2.8   3.0  xgb_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,model_format,metadata  -  # 2.8.1..2.22.5
mlflow.xgboost.log_model                  3.0  3.10  xgb_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,model_format,metadata,name,params,tags,model_type,step,model_id  -  # 3.0.1..3.9.0
mlflow.xgboost.log_model                 3.10     -  xgb_model,artifact_path,conda_env,code_paths,registered_model_name,signature,input_example,await_registration_for,pip_requirements,extra_pip_requirements,model_format,metadata,extra_files,name,params,tags,model_type,step,model_id  -  # 3.10.1..3.17.2
mlflow.xgboost.load_model                 2.8     -  model_uri,dst_path  -  # 2.8.1..3.17.2
"""


def _version(text: str) -> Version | None:
    if text == "-":
        return None
    major, minor = text.split(".")
    return int(major), int(minor)


def _parse_signature_table(table: str) -> dict[str, list[tuple[Version, Version | None, tuple[str, ...], tuple[str, ...]]]]:
    parsed: dict[str, list[tuple[Version, Version | None, tuple[str, ...], tuple[str, ...]]]] = {}
    for line in table.strip().splitlines():
        api, first, end, positional, keyword_only = line.split("#", 1)[0].split()
        names = tuple(positional.split(",")) if positional != "-" else ()
        keywords = tuple(keyword_only.split(",")) if keyword_only != "-" else ()
        parsed.setdefault(api, []).append((_version(first), _version(end), names, keywords))  # type: ignore[arg-type]
    return parsed


#: API → [(first release, first release without it or None, positional, keyword-only), …].
SIGNATURES = _parse_signature_table(_SIGNATURE_TABLE)


VAR_KEYWORD: dict[str, list[tuple[Version, Version | None]]] = {
    'mlflow.catboost.save_model': [((2, 8), None)],
    'mlflow.catboost.log_model': [((2, 8), None)],
    'mlflow.diffusers.log_model': [((3, 12), None)],
    'mlflow.diviner.save_model': [((2, 8), (3, 7))],
    'mlflow.diviner.log_model': [((2, 8), (3, 7))],
    'mlflow.diviner.load_model': [((2, 8), (3, 7))],
    'mlflow.fastai.save_model': [((2, 8), (3, 0))],
    'mlflow.fastai.log_model': [((2, 8), (3, 0))],
    'mlflow.h2o.save_model': [((3, 10), None)],
    'mlflow.h2o.log_model': [((2, 8), None)],
    'mlflow.johnsnowlabs.load_model': [((2, 8), (2, 17))],
    'mlflow.lightgbm.save_model': [((3, 10), None)],
    'mlflow.lightgbm.log_model': [((2, 8), None)],
    'mlflow.llama_index.log_model': [((2, 15), None)],
    'mlflow.onnx.save_model': [((3, 5), None)],
    'mlflow.onnx.log_model': [((3, 5), None)],
    'mlflow.openai.save_model': [((2, 8), None)],
    'mlflow.openai.log_model': [((2, 8), None)],
    'mlflow.paddle.save_model': [((3, 10), None)],
    'mlflow.paddle.log_model': [((3, 10), None)],
    'mlflow.paddle.load_model': [((2, 8), None)],
    'mlflow.pmdarima.log_model': [((2, 8), None)],
    'mlflow.prophet.log_model': [((3, 10), None)],
    'mlflow.pyfunc.save_model': [((2, 8), None)],
    'mlflow.pytorch.save_model': [((2, 8), None)],
    'mlflow.pytorch.log_model': [((2, 8), None)],
    'mlflow.pytorch.load_model': [((2, 8), None)],
    'mlflow.sentence_transformers.save_model': [((3, 10), None)],
    'mlflow.sentence_transformers.log_model': [((3, 10), None)],
    'mlflow.sklearn.log_model': [((3, 10), None)],
    'mlflow.spacy.log_model': [((2, 8), None)],
    'mlflow.spark.save_model': [((3, 10), None)],
    'mlflow.spark.log_model': [((3, 10), None)],
    'mlflow.statsmodels.log_model': [((2, 8), None)],
    'mlflow.tensorflow.log_model': [((3, 10), None)],
    'mlflow.transformers.save_model': [((2, 8), None)],
    'mlflow.transformers.log_model': [((2, 8), None)],
    'mlflow.transformers.load_model': [((2, 8), None)],
    'mlflow.xgboost.save_model': [((3, 10), None)],
    'mlflow.xgboost.log_model': [((2, 8), None)],
}

KEYWORD_ONLY_CALL: dict[str, list[tuple[Version, Version | None]]] = {
    'mlflow.mleap.save_model': [((2, 8), (3, 0))],  # @keyword_only
    'mlflow.mleap.log_model': [((2, 8), (3, 0))],  # @keyword_only
}


# --- experiments, registered and logged models, projects, loading (MLN001, MLN007–MLN012) ---
# Signatures come from the tables above; these are the facts the tables do not hold.

#: ``mlflow.run`` is ``mlflow.projects.run``.
PROJECTS_RUN_FUNCTIONS = ("mlflow.run", "mlflow.projects.run")
#: Every flavor's ``load_model`` takes ``model_uri`` first (for a flavor newer than the tables).
LOAD_MODEL_PARAMETERS = ("model_uri",)
#: Index of ``artifact_path`` in ``mlflow.<flavor>.log_model`` (2.x and 3.x alike; default 1),
#: for a flavor newer than the tables.
#: mleap (2.x only) is ``@keyword_only``, so it has no positional slot.
LOG_MODEL_ARTIFACT_PATH_INDEX = {"pyfunc": 0, "openai": 2, "diffusers": 3, "mleap": None}
#: Flavors whose ``log_model`` has no ``name`` in 3.x: the artifact path stays a path.
LOG_MODEL_WITHOUT_NAME = frozenset({"spark"})
#: Characters ``mlflow.utils.validation._validate_logged_model_name`` rejects, in every 3.x
#: release (3.0.0rc0 through 3.17.2: the set never changed).
LOGGED_MODEL_NAME_FORBIDDEN = ("/", ":", ".", "%", '"', "'")
#: Characters ``_validate_model_name`` rejects in registered-model names from MLflow 3.11.
REGISTERED_MODEL_NAME_FORBIDDEN = ("/", ":")
#: Fluent calls that start a run (with a generated name) when none is active.
IMPLICIT_RUN_FUNCTIONS = tuple(
    "mlflow." + name
    for name in (
        "log_param", "log_params", "log_metric", "log_metrics", "set_tag", "set_tags", "log_artifact",
        "log_artifacts", "log_text", "log_dict", "log_figure", "log_image", "log_table", "log_input", "evaluate",
    )
) + ("mlflow.models.evaluate",)  # fmt: skip
#: Modules under ``mlflow.`` that are not flavors though they hold ``autolog``/``log_model``/``load_model``.
NOT_FLAVORS = frozenset({"tracking", "client", "artifacts", "models", "projects", "entities", "utils", "store"})
#: The positional parameters every flavor's ``autolog`` starts with, before ``disable`` (whose
#: index differs between flavors and versions).
AUTOLOG_PARAMETERS = ("log_input_examples", "log_model_signatures", "log_models", "log_datasets")


def flavor_of(dotted: str, function: str) -> str | None:
    """``"sklearn"`` for ``mlflow.sklearn.<function>``; None for anything else (or a non-flavor module)."""
    parts = dotted.split(".")
    if len(parts) == 3 and parts[0] == "mlflow" and parts[2] == function and parts[1] not in NOT_FLAVORS:
        return parts[1]
    return None


#: Flavors whose ``autolog()`` starts a run for each training call when none is active: their
#: patches use ``safe_patch(..., manage_run=True)`` (MLflow's source, 3.11) or start one
#: themselves (keras, lightning); fastai and gluon did so until they were removed in 3.0.
#: The GenAI integrations (openai, langchain, anthropic, …) only record traces, and
#: ``mlflow.spark.autolog`` only tags the active run with its data sources.
RUN_CREATING_AUTOLOG_FLAVORS = frozenset(
    {"sklearn", "tensorflow", "keras", "pytorch", "lightgbm", "xgboost", "paddle", "statsmodels", "fastai", "gluon"}
)
RUN_CREATING_AUTOLOG_FUNCTIONS = frozenset(
    {"mlflow.autolog", "mlflow.pyspark.ml.autolog", *(f"mlflow.{flavor}.autolog" for flavor in RUN_CREATING_AUTOLOG_FLAVORS)}
)
