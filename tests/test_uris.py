"""Credentials in URIs are never printed."""

from __future__ import annotations

import pytest

from flake8_mlflow_naming.config import Config
from flake8_mlflow_naming.lint.engine import lint_source
from flake8_mlflow_naming.uris import mask_credentials


@pytest.mark.parametrize(
    ("uri", "masked"),
    [
        ("https://user:hunter2@mlflow.example.com", "https://***@mlflow.example.com"),
        ("s3://AKIAX:secret@bucket/key", "s3://***@bucket/key"),
        # The container name sits where user-info would; it is no secret (the SAS signature is).
        ("wasbs://c@acct.blob.core.windows.net/x?sv=1&sig=abc%2F&se=2", "wasbs://c@acct.blob.core.windows.net/x?sv=1&sig=***&se=2"),
        ("abfss://lake@acct.dfs.core.windows.net/p", "abfss://lake@acct.dfs.core.windows.net/p"),
        ("wasbs://user:key@acct.blob.core.windows.net/x", "wasbs://***@acct.blob.core.windows.net/x"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("databricks://profile", "databricks://profile"),
        ("postgresql://u:p@db:5432/mlflow", "postgresql://***@db:5432/mlflow"),
    ],
)
def test_mask_credentials(uri, masked):
    assert mask_credentials(uri) == masked


def test_findings_never_show_credentials():
    source = b"import mlflow\nmlflow.log_artifact('https://ci-bot:hunter2@files.example.com/d.csv?token=t0k3n')\n"
    findings = lint_source(source, "t.py", Config())
    # MLN004 quotes the URI; MLN010 (module-level logging without a run) reports the same call.
    assert all("hunter2" not in f.message and "t0k3n" not in f.message for f in findings)
    [finding] = [f for f in findings if f.code == "MLN004"]
    assert "https://***@files.example.com" in finding.message
