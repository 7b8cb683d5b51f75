"""The one configuration: discovery, validation, precedence, filters."""

from __future__ import annotations

import pytest

from flake8_mlflow_naming.config import Config, ConfigError, ConfigFinder, matches_any

from .helpers import write_project


def test_nearest_pyproject_with_the_table_wins(tmp_path):
    write_project(tmp_path, {"run-name-max-length": 40})
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # no table: keep searching up
    config = ConfigFinder().for_path(inner / "train.py")
    assert config.run_name_max_length == 40
    assert config.source == tmp_path / "pyproject.toml"


def test_defaults_without_any_pyproject(tmp_path):
    config = ConfigFinder().for_path(tmp_path / "missing" / "x.py")
    assert config == Config()


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        ({"run-name-regex": "([a-z"}, "run-name-regex is not a valid regular expression"),
        ({"run-name-max-length": "80"}, "run-name-max-length must be a positive integer"),
        ({"run-name-length": 80}, "unknown key 'run-name-length'"),
        ({"select": ["E501"]}, "unknown rule code 'E501'"),
        ({"tracked-artifact-roots": "s3://x"}, "tracked-artifact-roots must be a list of strings"),
        ({"run-wrapper": "production_run"}, "run-wrapper must be a dotted path"),
        ({"mlflow-version": "latest"}, 'mlflow-version must be an MLflow release such as "3"'),
        ({"mlflow-aliases": "mlflow_extend"}, "mlflow-aliases must be a list of strings"),
        ({"mlflow-aliases": ["mlflow-extend"]}, "mlflow-aliases must list module names"),
        ({"experiment-name-regex": "([a-z"}, "experiment-name-regex is not a valid regular expression"),
        ({"registered-model-name-regex": 3}, "registered-model-name-regex must be a string"),
        ({"required-tags-defaults": {"team": "os.environ["}}, "required-tags-defaults team = 'os.environ[' is not a Python expression"),
        ({"required-tags-defaults": ["team"]}, "required-tags-defaults must be a table"),
    ],
)
def test_bad_settings_give_one_line_naming_key_and_file(tmp_path, settings, fragment):
    write_project(tmp_path, settings)
    with pytest.raises(ConfigError) as raised:
        ConfigFinder().for_path(tmp_path / "x.py")
    message = str(raised.value)
    assert fragment in message and str(tmp_path / "pyproject.toml") in message and "\n" not in message


def test_invalid_toml(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.mlflow-naming\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        ConfigFinder().for_path(tmp_path / "x.py")


def test_select_ignore_and_per_file_ignores(tmp_path):
    write_project(tmp_path, {"select": ["MLN00"], "ignore": ["MLN005"], "per-file-ignores": {"tests/*": ["MLN001"]}})
    config = ConfigFinder().for_path(tmp_path / "x.py")
    codes = ["MLN001", "MLN003", "MLN005"]
    assert config.enabled_codes(codes, tmp_path / "src" / "x.py") == {"MLN001", "MLN003"}
    assert config.enabled_codes(codes, tmp_path / "tests" / "test_x.py") == {"MLN003"}


def test_wrapper_module_is_exempt(tmp_path):
    write_project(tmp_path, {"run-wrapper": "ml_platform.tracking.production_run", "wrapper-exempt": ["scripts"]})
    config = ConfigFinder().for_path(tmp_path / "x.py")
    assert config.is_wrapper_exempt(tmp_path / "src" / "ml_platform" / "tracking.py")
    assert config.is_wrapper_exempt(tmp_path / "ml_platform" / "tracking" / "__init__.py")
    assert config.is_wrapper_exempt(tmp_path / "scripts" / "backfill.py")
    assert not config.is_wrapper_exempt(tmp_path / "train.py")


@pytest.mark.parametrize(
    ("path", "patterns", "expected"),
    [
        ("a/b/c.py", ["a"], True),
        ("a/b/c.py", ["b"], True),
        ("a/b/c.py", ["*.py"], True),
        ("a/b/c.py", ["a/b/*"], True),
        ("a/b/c.py", ["x"], False),
        ("a/b/c.py", ["a/c.py"], False),
    ],
)
def test_glob_matching(path, patterns, expected):
    assert matches_any(path, patterns) is expected


def test_mlflow_version_and_aliases(tmp_path):
    assert Config().mlflow_version == "3" and Config().mlflow_aliases == ()
    write_project(tmp_path, {"mlflow-version": "2.14", "mlflow-aliases": ["mlflow_extend", "corp.mlflow_shim"]})
    config = ConfigFinder().for_path(tmp_path / "x.py")
    assert (config.mlflow_version, config.mlflow_aliases) == ("2.14", ("mlflow_extend", "corp.mlflow_shim"))
    write_project(tmp_path / "int", {"mlflow-version": 3})
    assert ConfigFinder().for_path(tmp_path / "int" / "x.py").mlflow_version == "3"


def test_mlflow_version_as_a_toml_float_is_refused(tmp_path):
    # 2.10 and 2.1 are the same TOML float: only a string says which release is meant.
    (tmp_path / "pyproject.toml").write_text("[tool.mlflow-naming]\nmlflow-version = 2.10\n")
    with pytest.raises(ConfigError, match="mlflow-version must be a string"):
        ConfigFinder().for_path(tmp_path / "x.py")


def test_new_name_schemas_and_tag_defaults_are_read(tmp_path):
    write_project(
        tmp_path,
        {
            "experiment-name-regex": "^/Shared/[a-z_]+$",
            "registered-model-name-regex": "^[a-z]+$",
            "required-tags-defaults": {"team": '"vision"'},
        },
    )
    config = ConfigFinder().for_path(tmp_path / "train.py")
    assert config.experiment_schema.problem("/Shared/churn") is None
    assert "experiment-name-regex" in config.experiment_schema.problem("churn")
    assert "registered-model-name-regex" in config.registered_model_schema.problem("churn_model")
    assert config.required_tags_defaults == (("team", '"vision"'),)


def test_mlproject_entry_points_are_read_as_text_and_bounded(tmp_path):
    """The scripts an MLproject runs, found without loading its YAML; a huge or unreadable
    MLproject counts as none (a repository's files are untrusted)."""
    from flake8_mlflow_naming.config import project_entry_points

    project = tmp_path / "proj"
    (project / "jobs").mkdir(parents=True)
    (project / "MLproject").write_text(
        "entry_points:\n  main:\n    command: 'python ./train.py --x {x}'\n  score:\n    command: python3 -m jobs.score\n"
    )
    assert project_entry_points(project) == {"train.py", "jobs/score.py"}
    assert project_entry_points(project / "jobs") == {"score.py"}
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "MLproject").write_text("command: python train.py\n" + "#" * 300_000)
    assert project_entry_points(tmp_path / "big") == frozenset()
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "MLproject").mkdir()  # not a file
    assert project_entry_points(tmp_path / "dir") == frozenset()
