"""Real MLflow for the tests: a SQLite tracking store, a live ``mlflow server``, a git repo.

A test module imports the fixtures it uses by name, e.g.
``from .mlflow_fixtures import mlflow_server  # noqa: F401``. Every fixture that needs MLflow
skips its test (with the install hint as reason) when MLflow, the ``runtime`` extra, is not
installed, so the core suite still runs without it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "MLFLOW_WARNING_FILTERS",
    "MlflowServer",
    "experiment_id",
    "free_port",
    "git_repo",
    "import_mlflow",
    "mlflow_client",
    "mlflow_server",
    "run_git",
    "running_servers",
    "sqlite_tracking_uri",
    "tracking_uri",
    "use_tracking_uri",
]

#: ``mlflow server`` takes 15-20 s to answer on an idle 2-core machine; leave room for a busy one.
SERVER_START_TIMEOUT = 90.0
#: Grace period between SIGTERM and SIGKILL when stopping the server's process group.
SERVER_STOP_TIMEOUT = 15.0
SKIP_REASON = "needs MLflow: pip install 'flake8-mlflow-naming[runtime]'"
#: Quiet, offline MLflow: no usage telemetry, no background job runner in the server.
MLFLOW_TEST_ENV = {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "true",
    "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
}

#: For ``pytestmark``: deprecation warnings raised inside MLflow's own code (e.g. SQLAlchemy's,
#: at its store's mapper setup) are MLflow's to fix; they must not fail a ``-W error`` run.
MLFLOW_WARNING_FILTERS = [pytest.mark.filterwarnings("ignore::DeprecationWarning:mlflow")]


def import_mlflow() -> Any:
    """The ``mlflow`` module, or skip the calling test when it is not installed."""
    for key, value in MLFLOW_TEST_ENV.items():
        # Before the first import: MLflow reads the telemetry switch when it starts up.
        os.environ.setdefault(key, value)
    return pytest.importorskip("mlflow", reason=SKIP_REASON)


@contextmanager
def use_tracking_uri(uri: str) -> Iterator[str]:
    """Point MLflow's fluent API at ``uri`` for a block, then restore the previous setting."""
    mlflow = import_mlflow()
    previous = os.environ.get("MLFLOW_TRACKING_URI")
    mlflow.set_tracking_uri(uri)
    try:
        yield uri
    finally:
        # A failing test must not leave a run active for the next one.
        while mlflow.active_run() is not None:
            mlflow.end_run("KILLED")
        mlflow.set_tracking_uri(previous)  # None unsets it again


@pytest.fixture(scope="session")
def sqlite_tracking_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite tracking store shared by the session (creating its tables takes seconds)."""
    import_mlflow()
    folder = tmp_path_factory.mktemp("mlflow-store")
    return f"sqlite:///{folder / 'mlflow.db'}"


@pytest.fixture
def tracking_uri(sqlite_tracking_uri: str) -> Iterator[str]:
    """The session's SQLite store, set as MLflow's tracking URI for one test."""
    with use_tracking_uri(sqlite_tracking_uri) as uri:
        yield uri


@pytest.fixture
def mlflow_client(tracking_uri: str) -> Any:
    """An ``MlflowClient`` on the test's tracking store, for checking what was recorded."""
    return import_mlflow().MlflowClient(tracking_uri=tracking_uri)


@pytest.fixture
def experiment_id(mlflow_client: Any, request: pytest.FixtureRequest) -> str:
    """A fresh experiment in the shared store, so each test counts only its own runs."""
    return mlflow_client.create_experiment(f"{request.node.name}-{uuid.uuid4().hex[:8]}")


# --- a live tracking server --------------------------------------------------------------


@dataclass(frozen=True)
class MlflowServer:
    """A running ``mlflow server``: its URL (the tracking URI), stores and log file."""

    url: str
    backend_store_uri: str
    artifacts_dir: Path
    log_path: Path

    def log(self) -> str:
        """What the server printed so far, for assertion messages."""
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    # The server forks uvicorn workers; they share its process group (start_new_session).
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=SERVER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # stragglers the SIGTERM did not end
    except ProcessLookupError:
        pass
    process.wait()


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    """A real ``mlflow server`` on 127.0.0.1 with a SQLite backend and artifacts in tmp.

    Started once per session; ready when ``/health`` answers (at most SERVER_START_TIMEOUT
    seconds, else the test errors with the server's log); its whole process group is killed
    at teardown.
    """
    import_mlflow()
    folder = tmp_path_factory.mktemp("mlflow-server")
    port = free_port()
    server = MlflowServer(
        url=f"http://127.0.0.1:{port}",
        backend_store_uri=f"sqlite:///{folder / 'mlflow.db'}",
        artifacts_dir=folder / "artifacts",
        log_path=folder / "server.log",
    )
    command = [
        sys.executable, "-m", "mlflow", "server",
        "--backend-store-uri", server.backend_store_uri,
        "--artifacts-destination", str(server.artifacts_dir),
        "--host", "127.0.0.1",
        "--port", str(port),
        "--workers", "1",
    ]  # fmt: skip
    env = {**os.environ, **MLFLOW_TEST_ENV}
    env.pop("MLFLOW_TRACKING_URI", None)
    with server.log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _healthy(server.url):
            if process.poll() is not None:
                pytest.fail(f"mlflow server exited with {process.returncode}:\n{server.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"mlflow server not healthy after {SERVER_START_TIMEOUT:.0f} s:\n{server.log()}")
            time.sleep(0.25)
        yield server
    finally:
        _stop(process)


@contextmanager
def running_servers(specs: list[tuple[Path, str, dict[str, str]]]) -> Iterator[list[MlflowServer]]:
    """Several ``mlflow server`` processes, started at once so their start-up times overlap.

    Each spec is (folder, backend store URI, extra environment). Like :func:`mlflow_server`:
    ready when ``/health`` answers, whole process groups killed on exit.
    """
    import_mlflow()
    started: list[tuple[MlflowServer, subprocess.Popen]] = []
    try:
        for folder, backend_store_uri, extra_env in specs:
            port = free_port()
            server = MlflowServer(
                url=f"http://127.0.0.1:{port}",
                backend_store_uri=backend_store_uri,
                artifacts_dir=folder / "artifacts",
                log_path=folder / "server.log",
            )
            command = [
                sys.executable, "-m", "mlflow", "server", "--backend-store-uri", backend_store_uri,
                "--artifacts-destination", str(server.artifacts_dir), "--host", "127.0.0.1", "--port", str(port),
                "--workers", "1",
            ]  # fmt: skip
            env = {**os.environ, **MLFLOW_TEST_ENV, **extra_env}
            env.pop("MLFLOW_TRACKING_URI", None)
            with server.log_path.open("wb") as log:
                process = subprocess.Popen(
                    command, cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # fmt: skip
            started.append((server, process))
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        for server, process in started:
            while not _healthy(server.url):
                if process.poll() is not None:
                    pytest.fail(f"mlflow server exited with {process.returncode}:\n{server.log()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"mlflow server not healthy after {SERVER_START_TIMEOUT:.0f} s:\n{server.log()}")
                time.sleep(0.25)
        yield [server for server, _ in started]
    finally:
        for _, process in started:
            _stop(process)


# --- git ---------------------------------------------------------------------------------


def run_git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a fixed identity and no signing; return its stripped output."""
    completed = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return completed.stdout.strip()


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """A git work tree on branch ``main`` with one commit holding ``train.py``."""
    if shutil.which("git") is None:
        pytest.skip("needs git")
    repo = tmp_path / "repo"
    repo.mkdir()
    run_git(repo, "-c", "init.defaultBranch=main", "init", "-q")
    (repo / "train.py").write_text("print('training')\n")
    run_git(repo, "add", "train.py")
    run_git(repo, "commit", "-q", "-m", "initial")
    return repo
