"""Migration onto wrappers of any shape: learnt or declared signatures, wrapper-arguments,
no shadowing, names valid at run time, MLN005's with-block fix. Expected code is written
from issue 13's spec, not copied from the output."""

from __future__ import annotations

import ast
import re

import pytest

from flake8_mlflow_naming.config import ConfigError, ConfigFinder
from flake8_mlflow_naming.fix.loop import FixOptions, FixResult, fix_source
from flake8_mlflow_naming.lint.engine import lint_source
from flake8_mlflow_naming.naming import module_fields, shorten
from flake8_mlflow_naming.wrapper_signature import parse_signature

from ..helpers import write_project

CONFIG_FIRST = '''\
from contextlib import contextmanager


@contextmanager
def production_run(config, run_name: str, *, owner=None, **kwargs):
    yield
'''
STRICT = "def production_run(config, /, run_name, nested=False):\n    pass\n"


def config_for(root, settings, files=None):
    write_project(root, settings, files or {})
    return ConfigFinder().for_path(root / "job.py")


def migrate(source: str, config, path="job.py") -> tuple[str, list]:
    result = FixResult(path)
    fixed = fix_source(source.encode(), path, config, FixOptions(unsafe=True, write=False), result)
    return fixed.decode(), result.remaining


# --- the signature ------------------------------------------------------------------------


def test_signature_is_learnt_from_the_def_below_the_pyproject(tmp_path):
    config = config_for(tmp_path, {"run-wrapper": "ml_platform.tracking.production_run"}, {"ml_platform/tracking.py": CONFIG_FIRST})
    signature = config.wrapper_signature
    assert signature.positional_parameters == ("config", "run_name")
    assert signature.keyword_only == ("owner",)
    assert signature.required == {"config", "run_name"}
    assert signature.var_keyword


def test_signature_is_found_under_src_and_through_a_package_reexport(tmp_path):
    files = {"src/ml_platform/__init__.py": "from .tracking import production_run\n", "src/ml_platform/tracking.py": CONFIG_FIRST}
    config = config_for(tmp_path, {"run-wrapper": "ml_platform.production_run"}, files)
    assert config.wrapper_signature.positional_parameters == ("config", "run_name")
    # A call through the defining module is the wrapper too.
    assert "ml_platform.tracking.production_run" in config.wrapper_names


def test_a_package_reexport_of_the_configured_module_is_matched(tmp_path):
    files = {"ml_platform/__init__.py": "from ml_platform.tracking import production_run\n", "ml_platform/tracking.py": CONFIG_FIRST}
    config = config_for(tmp_path, {"run-wrapper": "ml_platform.tracking.production_run"}, files)
    assert config.wrapper_names == ("ml_platform.tracking.production_run", "ml_platform.production_run")
    source = "from ml_platform import production_run\nwith production_run(cfg):\n    pass\n"
    assert [f.code for f in lint_source(source.encode(), str(tmp_path / "job.py"), config)] == ["MLN001"]


def test_wrapper_source_points_at_the_definition(tmp_path):
    files = {"vendor/platform_runs.py": CONFIG_FIRST}
    config = config_for(tmp_path, {"run-wrapper": "ml_platform.production_run", "wrapper-source": "vendor/platform_runs.py"}, files)
    assert config.wrapper_signature.required == {"config", "run_name"}


def test_a_declared_signature_beats_the_default(tmp_path):
    config = config_for(tmp_path, {"run-wrapper": "ml_platform.production_run", "run-wrapper-signature": "(config, run_name, **kwargs)"})
    assert config.wrapper_signature.positional_parameters == ("config", "run_name")
    assert parse_signature("(a, /, b=1, *c, d, **e)").describe() == "(a, /, b=..., *args, d, **kwargs)"


def test_run_wrapper_may_list_reexports(tmp_path):
    config = config_for(tmp_path, {"run-wrapper": ["team.runs.tracked", "team.tracked"]})
    assert config.run_wrapper == "team.runs.tracked"
    assert config.wrapper_names == ("team.runs.tracked", "team.tracked")


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        ({"run-wrapper-signature": "config, run_name"}, "run-wrapper-signature must be a parenthesised parameter list"),
        ({"run-wrapper-signature": "(config run_name)"}, "run-wrapper-signature is not a valid parameter list"),
        ({"wrapper-arguments": {"config": "RunConfig.from_env()"}}, 'must be "module:expression"'),
        ({"wrapper-arguments": {"config": "team.runs:1 +"}}, "is not an expression"),
    ],
)
def test_bad_wrapper_settings_give_one_clear_line(tmp_path, settings, fragment):
    write_project(tmp_path, settings)
    with pytest.raises(ConfigError, match=re.escape(fragment)):
        ConfigFinder().for_path(tmp_path / "job.py")


# --- rules bind wrapper calls with the signature ----------------------------------------------


@pytest.fixture
def config_first(tmp_path):
    return config_for(tmp_path, {"run-wrapper": "ml_platform.tracking.production_run"}, {"ml_platform/tracking.py": CONFIG_FIRST})


def test_check_reads_the_second_positional_argument_as_the_name(config_first, tmp_path):
    source = "from ml_platform.tracking import production_run\nwith production_run(cfg, 'Bad Name'):\n    pass\nwith production_run(cfg):\n    pass\n"
    findings = lint_source(source.encode(), str(tmp_path / "job.py"), config_first)
    assert [(f.line, f.code) for f in findings] == [(2, "MLN003"), (4, "MLN001")]


def test_mln001_names_a_config_first_wrapper_call(config_first, tmp_path):
    source = "from ml_platform.tracking import production_run\n\ndef train(cfg):\n    with production_run(cfg):\n        pass\n"
    fixed, left = migrate(source, config_first, str(tmp_path / "job.py"))
    assert 'production_run(cfg, run_name="job_train")' in fixed and left == []


def test_migrate_declines_when_a_required_parameter_has_no_source(config_first, tmp_path):
    source = 'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n'
    fixed, left = migrate(source, config_first, str(tmp_path / "job.py"))
    assert fixed == source
    assert [f.code for f in left] == ["MLN002"]
    assert '[tool.mlflow-naming.wrapper-arguments] config = "module:expression"' in left[0].message


def test_wrapper_arguments_are_imported_and_passed(tmp_path):
    settings = {"run-wrapper": "ml_platform.tracking.production_run", "wrapper-arguments": {"config": "team.runs:RunConfig.from_env()"}}
    config = config_for(tmp_path, settings, {"ml_platform/tracking.py": CONFIG_FIRST})
    source = 'import mlflow\nwith mlflow.start_run(None, "7", "a_b"):\n    pass\n'
    fixed, left = migrate(source, config, str(tmp_path / "job.py"))
    assert fixed == (
        "from ml_platform.tracking import production_run\nfrom team.runs import RunConfig\n\n"
        'with production_run(run_id=None, experiment_id="7", run_name="a_b", config=RunConfig.from_env()):\n    pass\n'
    )
    assert left == []


def test_positional_only_needs_go_first_and_unknown_keywords_are_refused(tmp_path):
    settings = {"run-wrapper": "ml_platform.tracking.production_run", "wrapper-arguments": {"config": "team.runs:CONFIG"}}
    config = config_for(tmp_path, settings, {"ml_platform/tracking.py": STRICT})
    fixed, left = migrate('import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n', config, str(tmp_path / "job.py"))
    assert 'with production_run(CONFIG, run_name="a_b"):' in fixed and left == []
    source = 'import mlflow\nwith mlflow.start_run(run_name="a_b", tags={"t": "v"}):\n    pass\n'
    fixed, left = migrate(source, config, str(tmp_path / "job.py"))
    assert fixed == source
    assert "takes no tags=" in left[0].message


# --- no shadowing -------------------------------------------------------------------------------


def test_a_name_taken_by_another_import_gets_an_alias(tmp_path):
    config = config_for(tmp_path, {"run-wrapper": "team.tracking.tracked_run"})
    source = (
        "import mlflow\nfrom other.lib import tracked_run\n\n"
        'with mlflow.start_run(run_name="a_b"):\n    pass\nwith tracked_run("x"):\n    pass\n'
    )
    fixed, _ = migrate(source, config, str(tmp_path / "job.py"))
    assert fixed == (
        "from other.lib import tracked_run\nfrom team.tracking import tracked_run as team_tracked_run\n\n"
        'with team_tracked_run(run_name="a_b"):\n    pass\nwith tracked_run("x"):\n    pass\n'
    )


def test_a_local_definition_is_not_shadowed(tmp_path):
    config = config_for(tmp_path, {"run-wrapper": "team.tracking.tracked_run"})
    source = 'import mlflow\n\ndef tracked_run(x):\n    return x\n\nwith mlflow.start_run(run_name="a_b"):\n    tracked_run(1)\n'
    fixed, _ = migrate(source, config, str(tmp_path / "job.py"))
    assert "from team.tracking import tracked_run as team_tracked_run\n" in fixed
    assert 'with team_tracked_run(run_name="a_b"):\n    tracked_run(1)\n' in fixed
    assert "def tracked_run(x):" in fixed


def test_an_existing_import_of_the_wrapper_is_reused(tmp_path):
    config = config_for(tmp_path, {"run-wrapper": "team.tracking.tracked_run"})
    source = 'import mlflow\nfrom team.tracking import tracked_run as tr\n\nwith mlflow.start_run(run_name="a_b"):\n    mlflow.log_param("a", 1)\n'
    fixed, _ = migrate(source, config, str(tmp_path / "job.py"))
    assert fixed == 'import mlflow\nfrom team.tracking import tracked_run as tr\n\nwith tr(run_name="a_b"):\n    mlflow.log_param("a", 1)\n'


# --- names valid at run time -------------------------------------------------------------------

FLOATS = "import mlflow\n\ndef sweep(rates):\n    for lr in rates:\n        with mlflow.start_run():\n            pass\n"


def test_a_loop_over_unknown_values_is_numbered(tmp_path):
    fixed, left = migrate(FLOATS, config_for(tmp_path, {}), str(tmp_path / "job.py"))
    assert "    for i, lr in enumerate(rates):\n" in fixed
    assert 'mlflow.start_run(run_name=f"job_sweep_lr_{i}")' in fixed and left == []


def test_a_range_loop_keeps_its_variable_and_an_enumerate_counter_is_reused(tmp_path):
    config = config_for(tmp_path, {})
    source = "import mlflow\nfor fold in range(5):\n    for n, (a, b) in enumerate(pairs):\n        with mlflow.start_run():\n            pass\n"
    fixed, _ = migrate(source, config, str(tmp_path / "job.py"))
    assert 'mlflow.start_run(run_name=f"job_main_fold_{fold}_{n}")' in fixed
    assert "enumerate(enumerate" not in fixed


def test_a_counter_never_collides_and_tuple_targets_are_kept_whole(tmp_path):
    source = "import mlflow\ni = 3\nfor x, y in points:\n    with mlflow.start_run():\n        pass\n"
    fixed, _ = migrate(source, config_for(tmp_path, {}), str(tmp_path / "job.py"))
    assert "for j, (x, y) in enumerate(points):" in fixed
    assert 'run_name=f"job_main_x_{j}"' in fixed


def test_a_negative_range_or_a_starred_target_gets_no_name(tmp_path):
    config = config_for(tmp_path, {})
    for source in (
        "import mlflow\nfor t in range(-3, 3):\n    for *a, b in rows:\n        with mlflow.start_run():\n            pass\n",
        "import mlflow\nasync def f():\n    async for x in stream:\n        with mlflow.start_run():\n            pass\n",
    ):
        fixed, left = migrate(source, config, str(tmp_path / "job.py"))
        assert fixed == source
        assert [f.code for f in left] == ["MLN001"] and "no name is invented" in left[0].message


def test_every_name_written_fits_the_schema_for_every_value(tmp_path):
    config = config_for(tmp_path, {"run-name-max-length": 30})
    long_module = "tests__framework__hooks__test_hook_log_parameters.py"
    source = (
        "import mlflow\n\ndef test_logs_every_parameter_of_the_hook():\n"
        "    for lr in rates:\n        with mlflow.start_run():\n            pass\n"
        "    with mlflow.start_run():\n        pass\n    with mlflow.start_run():\n        pass\n"
    )
    fixed, left = migrate(source, config, str(tmp_path / long_module))
    assert left == []
    names = [n for n in ast.walk(ast.parse(fixed)) if isinstance(n, ast.keyword) and n.arg == "run_name"]
    assert len(names) == 3
    texts = []
    for keyword in names:
        value = keyword.value
        if isinstance(value, ast.JoinedStr):
            static = "".join(v.value for v in value.values if isinstance(v, ast.Constant))
            for number in ("0", "9" * 10):
                filled = static + number
                assert config.schema.problem(filled) is None, filled
            texts.append(static)
        else:
            assert config.schema.problem(value.value) is None, value.value
            texts.append(value.value)
    assert len(set(texts)) == 3


def test_shorten_is_deterministic_and_keeps_long_names_apart():
    a = shorten("tests_framework_hooks_test_hook_log_parameters_alpha", 30)
    b = shorten("tests_framework_hooks_test_hook_log_parameters_beta", 30)
    assert len(a) <= 30 and len(b) <= 30 and a != b
    assert a == shorten("tests_framework_hooks_test_hook_log_parameters_alpha", 30)
    assert shorten("short_name", 30) == "short_name"


def test_package_and_path_fields(tmp_path):
    assert module_fields("src/team/jobs/train.py") == {"module": "train", "package": "team/jobs", "path": "src/team/jobs/train"}
    assert module_fields("train.py") == {"module": "train", "package": "", "path": "train"}
    config = config_for(tmp_path, {"run-name-template": "{package}_{module}_{function}"})
    source = "import mlflow\nwith mlflow.start_run():\n    pass\n"
    vision, _ = migrate(source, config, str(tmp_path / "vision" / "train.py"))
    nlp, _ = migrate(source, config, str(tmp_path / "nlp" / "train.py"))
    assert 'run_name="vision_train_main"' in vision and 'run_name="nlp_train_main"' in nlp


# --- MLN005: start/end_run pairs become with blocks ---------------------------------------------


def test_a_pair_under_a_wrapper_becomes_the_wrapper_call(tmp_path):
    config = config_for(tmp_path, {"run-wrapper": "team.tracking.tracked_run"})
    source = 'import mlflow\n\nrun = mlflow.start_run(run_name="a_b")\nmlflow.log_metric("m", 1.0)\nmlflow.end_run()\nprint(run.info.run_id)\n'
    fixed, left = migrate(source, config, str(tmp_path / "job.py"))
    assert fixed == (
        "import mlflow\nfrom team.tracking import tracked_run\n\n"
        'with tracked_run(run_name="a_b") as run:\n    mlflow.log_metric("m", 1.0)\nprint(run.info.run_id)\n'
    )
    assert left == []


@pytest.mark.parametrize(
    "between",
    ["for x in xs:\n    if x:\n        pass\n    continue\n", "if flag:\n    pass\nelse:\n    pass\n"],
)
def test_inner_loops_and_branches_may_sit_between(tmp_path, between):
    body = "".join("    " + line + "\n" for line in between.splitlines())
    source = f'import mlflow\n\ndef f(xs, flag):\n    mlflow.start_run(run_name="a_b")\n{body}    mlflow.end_run()\n'
    fixed, left = migrate(source, config_for(tmp_path, {}), str(tmp_path / "job.py"))
    assert '    with mlflow.start_run(run_name="a_b"):\n' in fixed and "end_run" not in fixed
    assert left == []


@pytest.mark.parametrize(
    "source",
    [
        'import mlflow\nfor x in xs:\n    mlflow.start_run(run_name="a_b")\n    if x:\n        break\n    mlflow.end_run()\n',
        'import mlflow\ndef g():\n    mlflow.start_run(run_name="a_b")\n    yield 1\n    mlflow.end_run()\n',
        'import mlflow\nmlflow.start_run(run_name="a_b")\nif x:\n    mlflow.end_run()\nmlflow.end_run()\n',
        'import mlflow\nmlflow.start_run(run_name="a_b")\nmlflow.end_run("FAILED")\n',
        'import mlflow\nmlflow.start_run(run_name="a_b"); x = 1\nmlflow.end_run()\n',
    ],
    ids=["break", "yield", "second-end-run", "status", "semicolon"],
)
def test_the_fix_declines_when_control_flow_could_leave_the_block(tmp_path, source):
    fixed, left = migrate(source, config_for(tmp_path, {}), str(tmp_path / "job.py"))
    assert fixed == source
    assert "MLN005" in [f.code for f in left]


def test_the_module_a_reexport_leads_to_is_the_wrapper_module(tmp_path):
    files = {"team_tracking/__init__.py": "from .runs import production_run\n", "team_tracking/runs.py": CONFIG_FIRST}
    config = config_for(tmp_path, {"run-wrapper": "team_tracking.production_run"}, files)
    source = 'import mlflow\nwith mlflow.start_run(run_name="a_b"):\n    pass\n'
    assert lint_source(source.encode(), str(tmp_path / "team_tracking" / "runs.py"), config, {"MLN002"}) == []
    assert [f.code for f in lint_source(source.encode(), str(tmp_path / "job.py"), config, {"MLN002"})] == ["MLN002"]


def test_a_pair_split_across_notebook_cells_is_left_alone(tmp_path):
    from ..helpers import run_tool
    from ..sources.test_notebooks import notebook

    path = tmp_path / "n.ipynb"
    path.write_text(notebook("import mlflow\nmlflow.start_run(run_name='a_b')", "mlflow.log_param('a', 1)\nmlflow.end_run()"))
    result = run_tool("mlflow-naming", "fix", "--unsafe-fixes", "n.ipynb", cwd=tmp_path)
    assert result.returncode == 1 and b"MLN005" in result.stdout
    assert "with " not in path.read_text()
