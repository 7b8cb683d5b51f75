"""The runtime wrapper against a real MLflow: a SQLite store and a live ``mlflow server``."""

from __future__ import annotations

import getpass
import os
import socket
import subprocess
import sys
import textwrap
import time

import pytest

import flake8_mlflow_naming
from flake8_mlflow_naming.config import Config, ConfigError, ConfigFinder
from flake8_mlflow_naming.naming import PatternTimeout
from flake8_mlflow_naming.runtime import (
    FAILURE_REASON_MAX_LENGTH,
    FAILURE_REASON_TAG,
    STATUS_TAG,
    MissingRequiredTagsError,
    MlflowNotInstalledError,
    RunNameError,
    tracked_run,
)

from .helpers import REPO, write_project
from .mlflow_fixtures import *  # noqa: F403 - the fixtures, which pytest finds by name
from .mlflow_fixtures import MLFLOW_WARNING_FILTERS, import_mlflow, run_git, use_tracking_uri

REQUIRES_OWNER = Config(required_tags=("owner",))

pytestmark = MLFLOW_WARNING_FILTERS


@pytest.fixture(autouse=True)
def _cwd_outside_any_project(tmp_path, monkeypatch):
    # tracked_run reads the config from the cwd; this repo's own pyproject must not leak in.
    monkeypatch.chdir(tmp_path)


def _python(code: str) -> subprocess.CompletedProcess:
    paths = [str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=120
    )


def _only_run(client, experiment_id):
    runs = client.search_runs([experiment_id])
    assert len(runs) == 1, [r.info.run_name for r in runs]
    return runs[0]


# --- without MLflow ----------------------------------------------------------------------


def test_importing_the_package_and_runtime_does_not_import_mlflow():
    result = _python("""
        import sys
        import flake8_mlflow_naming, flake8_mlflow_naming.runtime
        print(sorted(m for m in sys.modules if m == "mlflow" or m.startswith("mlflow.")))
        """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_using_tracked_run_without_mlflow_raises_one_clear_import_error():
    result = _python("""
        import sys
        sys.modules["mlflow"] = None  # "import mlflow" now fails as if it were not installed
        from flake8_mlflow_naming.runtime import MlflowNotInstalledError, tracked_run
        try:
            tracked_run(run_name="resnet50_baseline")
        except MlflowNotInstalledError as error:
            assert isinstance(error, ImportError)
            print(error)
        """)
    assert result.returncode == 0, result.stderr
    assert "pip install 'flake8-mlflow-naming[runtime]'" in result.stdout
    assert issubclass(MlflowNotInstalledError, ImportError)


def test_required_tags_is_a_list_of_strings_in_the_config(tmp_path):
    write_project(tmp_path / "good", {"required-tags": ["owner", "dataset"]})
    assert ConfigFinder().for_path(tmp_path / "good" / "train.py").required_tags == ("owner", "dataset")
    write_project(tmp_path / "bad", {"required-tags": "owner"})
    with pytest.raises(ConfigError, match="required-tags must be a list of strings"):
        ConfigFinder().for_path(tmp_path / "bad" / "train.py")


# --- SQLite tracking store ---------------------------------------------------------------


def test_good_name_creates_a_run_with_provenance_and_status_tags(git_repo, monkeypatch, mlflow_client, experiment_id):
    monkeypatch.chdir(git_repo)
    with tracked_run(
        run_name="resnet50_baseline", experiment_id=experiment_id, tags={"team": "vision"}, description="first try"
    ) as run:
        assert run.info.run_name == "resnet50_baseline"
        assert mlflow_client.get_run(run.info.run_id).data.tags[STATUS_TAG] == "in_progress"
    stored = _only_run(mlflow_client, experiment_id)
    head = run_git(git_repo, "rev-parse", "HEAD")
    user = getpass.getuser()
    expected = {
        "mlflow.runName": "resnet50_baseline",
        "status": "completed",
        "team": "vision",
        "mlflow.note.content": "first try",
        "mlflow_naming.git_commit": head,
        "mlflow_naming.git_branch": "main",
        "mlflow_naming.git_dirty": "false",
        "mlflow_naming.user": user,
        "mlflow_naming.host": socket.gethostname(),
        "mlflow_naming.entry_point": sys.argv[0],
        "mlflow_naming.version": flake8_mlflow_naming.__version__,
        "mlflow.source.git.commit": head,
        "mlflow.source.git.branch": "main",
        "mlflow.source.git.dirty": "false",
        "mlflow.user": user,
        "mlflow.source.name": sys.argv[0],
    }
    assert {key: stored.data.tags.get(key) for key in expected} == expected
    assert FAILURE_REASON_TAG not in stored.data.tags
    assert stored.info.status == "FINISHED"


def test_dirty_flag_follows_tracked_changes_not_untracked_files(git_repo, monkeypatch, mlflow_client, experiment_id):
    monkeypatch.chdir(git_repo)
    (git_repo / "notes.txt").write_text("untracked\n")
    with tracked_run(run_name="untracked_only", experiment_id=experiment_id) as clean:
        pass
    (git_repo / "train.py").write_text("print('changed')\n")
    with tracked_run(run_name="tracked_change", experiment_id=experiment_id) as dirty:
        pass
    assert mlflow_client.get_run(clean.info.run_id).data.tags["mlflow_naming.git_dirty"] == "false"
    assert mlflow_client.get_run(dirty.info.run_id).data.tags["mlflow_naming.git_dirty"] == "true"


def test_no_git_tags_and_no_failure_outside_a_repo_or_without_git(tmp_path, monkeypatch, mlflow_client, experiment_id):
    with tracked_run(run_name="not_in_a_repo", experiment_id=experiment_id) as outside:
        pass
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))  # git cannot be found at all
    with tracked_run(run_name="git_not_installed", experiment_id=experiment_id) as no_git:
        pass
    for run in (outside, no_git):
        tags = mlflow_client.get_run(run.info.run_id).data.tags
        assert not [key for key in tags if key.startswith("mlflow_naming.git")]
        assert tags[STATUS_TAG] == "completed"
        assert tags["mlflow_naming.entry_point"] == sys.argv[0]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ResNet50 Baseline", "MLN003"),
        ("a_" + "b" * 100, "MLN003"),
        ("clumsy-fish-158", "MLN003"),
        (None, "MLN001"),
        ("", "MLN001"),
    ],
)
def test_bad_or_missing_name_raises_before_any_run_exists(name, code, mlflow_client, experiment_id):
    with pytest.raises(RunNameError, match=code):
        tracked_run(run_name=name, experiment_id=experiment_id)  # raises at the call, before `with`
    assert mlflow_client.search_runs([experiment_id]) == []
    assert import_mlflow().active_run() is None


def test_name_given_as_the_run_name_tag_is_validated_like_run_name(mlflow_client, experiment_id):
    with tracked_run(experiment_id=experiment_id, tags={"mlflow.runName": "tagged_name"}) as run:
        pass
    assert mlflow_client.get_run(run.info.run_id).info.run_name == "tagged_name"
    with pytest.raises(RunNameError, match="MLN003"):
        tracked_run(experiment_id=experiment_id, tags={"mlflow.runName": "Tagged Name"})
    assert len(mlflow_client.search_runs([experiment_id])) == 1


def test_missing_required_tag_raises_before_any_run_exists(mlflow_client, experiment_id):
    config = Config(required_tags=("owner", "dataset"))
    with pytest.raises(MissingRequiredTagsError, match=r"required-tags: .*'dataset'") as raised:
        tracked_run(run_name="needs_tags", experiment_id=experiment_id, tags={"owner": "ml"}, config=config)
    assert isinstance(raised.value, ValueError)
    assert "'owner'" not in str(raised.value)
    with pytest.raises(MissingRequiredTagsError, match="'owner'"):
        tracked_run(
            run_name="needs_tags", experiment_id=experiment_id, tags={"owner": "", "dataset": "x"}, config=config
        )
    assert mlflow_client.search_runs([experiment_id]) == []
    with tracked_run(
        run_name="has_tags", experiment_id=experiment_id, tags={"owner": "ml", "dataset": "imagenet"}, config=config
    ):
        pass
    tags = _only_run(mlflow_client, experiment_id).data.tags
    assert (tags["owner"], tags["dataset"]) == ("ml", "imagenet")


def test_failing_body_marks_run_failed_with_reason_and_reraises(mlflow_client, experiment_id):
    with pytest.raises(ZeroDivisionError, match="division by zero"), tracked_run(run_name="failing_run", experiment_id=experiment_id) as run:
        1 / 0  # noqa: B018 - the body fails
    stored = mlflow_client.get_run(run.info.run_id)
    assert stored.info.status == "FAILED"
    assert stored.data.tags[STATUS_TAG] == "failed"
    assert stored.data.tags[FAILURE_REASON_TAG] == "ZeroDivisionError: division by zero"
    assert import_mlflow().active_run() is None


def test_failure_reason_is_truncated(mlflow_client, experiment_id):
    with pytest.raises(ValueError), tracked_run(run_name="long_failure", experiment_id=experiment_id) as run:
        raise ValueError("x" * 5000)
    reason = mlflow_client.get_run(run.info.run_id).data.tags[FAILURE_REASON_TAG]
    assert len(reason) == FAILURE_REASON_MAX_LENGTH
    assert reason.startswith("ValueError: xxx") and reason.endswith("...")


def test_nested_runs_record_their_parent_and_end_independently(mlflow_client, experiment_id):
    mlflow = import_mlflow()
    with tracked_run(run_name="parent_run", experiment_id=experiment_id) as parent:
        with tracked_run(run_name="child_run", experiment_id=experiment_id, nested=True) as child:
            pass
        with pytest.raises(KeyError), tracked_run(run_name="failing_child", experiment_id=experiment_id, nested=True) as failing:
            raise KeyError("fold_3")
        assert mlflow.active_run().info.run_id == parent.info.run_id
    parent_id = parent.info.run_id
    stored = {run.info.run_id: run for run in mlflow_client.search_runs([experiment_id])}
    assert stored[child.info.run_id].data.tags["mlflow.parentRunId"] == parent_id
    assert stored[failing.info.run_id].data.tags["mlflow.parentRunId"] == parent_id
    assert stored[failing.info.run_id].info.status == "FAILED"
    assert stored[failing.info.run_id].data.tags[FAILURE_REASON_TAG] == "KeyError: 'fold_3'"
    assert stored[parent_id].info.status == "FINISHED"
    assert stored[parent_id].data.tags[STATUS_TAG] == "completed"
    assert "mlflow.parentRunId" not in stored[parent_id].data.tags


def test_resuming_a_failed_run_by_id_needs_no_name_and_clears_the_failure(mlflow_client, experiment_id):
    with pytest.raises(MemoryError), tracked_run(
        run_name="resumable_run", experiment_id=experiment_id, tags={"owner": "ml"}, config=REQUIRES_OWNER
    ) as first:
        raise MemoryError("out of memory")
    created = mlflow_client.get_run(first.info.run_id).data.tags
    # required-tags is met by the tags the run already has.
    with tracked_run(run_id=first.info.run_id, config=REQUIRES_OWNER) as resumed:
        assert resumed.info.run_id == first.info.run_id
    stored = _only_run(mlflow_client, experiment_id)
    assert stored.info.status == "FINISHED"
    assert stored.info.run_name == "resumable_run"
    assert stored.data.tags[STATUS_TAG] == "completed"
    assert FAILURE_REASON_TAG not in stored.data.tags
    # Provenance describes the code that created the run; resuming does not rewrite it.
    assert stored.data.tags["mlflow_naming.entry_point"] == created["mlflow_naming.entry_point"]


def test_resuming_checks_required_tags_and_a_new_name(mlflow_client, experiment_id):
    with tracked_run(run_name="untagged_run", experiment_id=experiment_id, config=Config()) as first:
        pass
    run_id = first.info.run_id
    with pytest.raises(MissingRequiredTagsError, match=f"run '{run_id}' is missing tag"):
        tracked_run(run_id=run_id, config=REQUIRES_OWNER)
    with pytest.raises(RunNameError, match="MLN003"):
        tracked_run(run_id=run_id, run_name="Renamed Run")
    with tracked_run(run_id=run_id, run_name="renamed_run", tags={"owner": "ml"}, config=REQUIRES_OWNER):
        pass
    stored = _only_run(mlflow_client, experiment_id)
    assert (stored.info.run_name, stored.data.tags["owner"]) == ("renamed_run", "ml")


def test_config_comes_from_the_nearest_pyproject_above_the_cwd(tmp_path, monkeypatch, mlflow_client, experiment_id):
    project = write_project(tmp_path / "project", {"run-name-regex": r"^exp\d{3}_[a-z]+$", "required-tags": ["owner"]})
    (project / "src").mkdir()
    monkeypatch.chdir(project / "src")
    pyproject = str(project / "pyproject.toml")
    with pytest.raises(RunNameError, match="run-name-regex") as raised:
        tracked_run(run_name="resnet_baseline", experiment_id=experiment_id, tags={"owner": "ml"})
    assert pyproject in str(raised.value)
    with pytest.raises(MissingRequiredTagsError) as raised:
        tracked_run(run_name="exp001_resnet", experiment_id=experiment_id)
    assert "'owner'" in str(raised.value) and pyproject in str(raised.value)
    assert mlflow_client.search_runs([experiment_id]) == []
    with tracked_run(run_name="exp001_resnet", experiment_id=experiment_id, tags={"owner": "ml"}):
        pass
    # An explicit config replaces the discovered one.
    with tracked_run(run_name="resnet_baseline", experiment_id=experiment_id, config=Config()):
        pass
    names = sorted(run.info.run_name for run in mlflow_client.search_runs([experiment_id]))
    assert names == ["exp001_resnet", "resnet_baseline"]


def test_start_run_keywords_pass_through_and_user_tags_win(mlflow_client, experiment_id):
    with tracked_run(run_name="parent_done", experiment_id=experiment_id) as parent:
        pass
    with tracked_run(
        run_name="late_child",
        experiment_id=experiment_id,
        parent_run_id=parent.info.run_id,
        log_system_metrics=False,
        description="attached later",
        tags={"mlflow_naming.host": "build-farm", "mlflow.source.name": "train.py", STATUS_TAG: "ignored"},
    ) as child:
        pass
    tags = mlflow_client.get_run(child.info.run_id).data.tags
    assert tags["mlflow.parentRunId"] == parent.info.run_id
    assert tags["mlflow.note.content"] == "attached later"
    assert (tags["mlflow_naming.host"], tags["mlflow.source.name"]) == ("build-farm", "train.py")
    assert tags[STATUS_TAG] == "completed"  # the lifecycle tag belongs to the wrapper


def test_unknown_keyword_fails_like_start_run_and_creates_nothing(mlflow_client, experiment_id):
    with pytest.raises(TypeError, match="colour"), tracked_run(run_name="typo_run", experiment_id=experiment_id, colour="red"):
        pass
    assert mlflow_client.search_runs([experiment_id]) == []


def test_one_tracked_run_object_starts_one_run(mlflow_client, experiment_id):
    context = tracked_run(run_name="single_use", experiment_id=experiment_id)
    with context:
        pass
    with pytest.raises(RuntimeError, match="one run"), context:
        pass
    assert len(mlflow_client.search_runs([experiment_id])) == 1


# --- a live tracking server --------------------------------------------------------------


def test_runs_reach_a_real_tracking_server(mlflow_server, git_repo, monkeypatch):
    mlflow = import_mlflow()
    # A dead server must fail the test quickly, not after MLflow's minutes of retries.
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
    monkeypatch.chdir(git_repo)
    client = mlflow.MlflowClient(tracking_uri=mlflow_server.url)
    with use_tracking_uri(mlflow_server.url):
        experiment = client.create_experiment("runtime-wrapper")
        with tracked_run(run_name="served_run", experiment_id=experiment) as run:
            mlflow.log_metric("loss", 0.25)
            with tracked_run(run_name="served_child", experiment_id=experiment, nested=True) as child:
                pass
        with pytest.raises(RuntimeError), tracked_run(run_name="served_failure", experiment_id=experiment):
            raise RuntimeError("CUDA out of memory")
        with pytest.raises(RunNameError):
            tracked_run(run_name="Served Run", experiment_id=experiment)
    runs = {r.info.run_name: r for r in client.search_runs([experiment])}
    assert set(runs) == {"served_run", "served_child", "served_failure"}, mlflow_server.log()
    served = runs["served_run"]
    assert served.info.status == "FINISHED"
    assert served.data.metrics == {"loss": 0.25}
    assert served.data.tags[STATUS_TAG] == "completed"
    assert served.data.tags["mlflow.source.git.commit"] == run_git(git_repo, "rev-parse", "HEAD")
    assert runs["served_child"].data.tags["mlflow.parentRunId"] == run.info.run_id == served.info.run_id
    assert child.info.run_id == runs["served_child"].info.run_id
    failed = runs["served_failure"]
    assert failed.info.status == "FAILED"
    assert failed.data.tags[FAILURE_REASON_TAG] == "RuntimeError: CUDA out of memory"


# --- reliability (issue 12) ----------------------------------------------------------------


def test_failure_reason_masks_credentials(mlflow_client, experiment_id):
    """An exception quoting a URI must not put its password or SAS signature in a tag."""
    with pytest.raises(ConnectionError), tracked_run(run_name="leaky_failure", experiment_id=experiment_id) as run:
        raise ConnectionError("cannot reach https://alice:hunter2@store.example.com/data?sig=s3cr3t&sv=2020")
    reason = mlflow_client.get_run(run.info.run_id).data.tags[FAILURE_REASON_TAG]
    assert "hunter2" not in reason and "s3cr3t" not in reason and "alice" not in reason
    assert reason == "ConnectionError: cannot reach https://***@store.example.com/data?sig=***&sv=2020"


def test_an_interrupted_body_ends_the_run_killed(mlflow_client, experiment_id):
    """Ctrl-C inside the block: MLflow's KILLED status, our ``killed`` tag, the interrupt re-raised."""
    with pytest.raises(KeyboardInterrupt), tracked_run(run_name="interrupted_run", experiment_id=experiment_id) as run:
        raise KeyboardInterrupt
    stored = mlflow_client.get_run(run.info.run_id)
    assert stored.info.status == "KILLED"
    assert stored.data.tags[STATUS_TAG] == "killed"
    assert stored.data.tags[FAILURE_REASON_TAG] == "KeyboardInterrupt"
    assert import_mlflow().active_run() is None


def test_an_empty_run_name_is_reported_as_empty_not_none(mlflow_client, experiment_id):
    with pytest.raises(RunNameError, match=r"MLN001: a run needs a name; got ''$"):
        tracked_run(run_name="", experiment_id=experiment_id)


def test_a_catastrophic_regex_fails_fast_at_configuration_time(tmp_path, mlflow_client, experiment_id):
    """The wrapper reads the same configuration: the bad pattern is one ConfigError, not a hang."""
    write_project(tmp_path, {"run-name-regex": "^(a|aa)+$"})
    with pytest.raises(ConfigError, match=r"run-name-regex .* backtracks catastrophically"):
        tracked_run(run_name="a" * 35 + "!", experiment_id=experiment_id, config=ConfigFinder().for_path(tmp_path / "x.py"))
    assert mlflow_client.search_runs([experiment_id]) == []


def test_a_regex_that_slips_past_the_probe_still_cannot_hang_the_wrapper(mlflow_client, experiment_id):
    """A Config built in code skips the load-time probe; the match itself is time-bounded."""
    config = Config(run_name_regex="^(a|aa)+$", run_name_max_length=200)
    started = time.monotonic()
    with pytest.raises(PatternTimeout, match="run-name-regex"):
        tracked_run(run_name="a" * 60 + "!", experiment_id=experiment_id, config=config)
    assert time.monotonic() - started < 10
    assert mlflow_client.search_runs([experiment_id]) == []
