"""The prefilter is exact: it skips only files that cannot hold a finding.

These guards count instead of timing: which modules the lint path imports, and which
files get parsed.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flake8_mlflow_naming.config import Config, ConfigFinder
from flake8_mlflow_naming.lint import engine
from flake8_mlflow_naming.lint.engine import SourceError, could_have_findings, lint_source

from ..helpers import FIXTURES

ALL_FIXTURES = sorted(FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_same_findings_with_and_without_prefilter_on_fixtures(path):
    config = ConfigFinder().for_path(path)
    source = path.read_bytes()
    assert lint_source(source, str(path), config) == lint_source(source, str(path), config, prefilter=False)


_FRAGMENTS = [
    "import mlflow\n", "import mlflow as mf\n", "from mlflow import start_run as sr\n", "from mlflow import MlflowClient\n",
    "with mlflow.start_run():\n    pass\n", "with mf.start_run(run_name='Bad Name'):\n    pass\n", "sr()\n",
    "client = MlflowClient()\nclient.create_run('0')\n", "def f(c: 'MlflowClient'):\n    c.create_run('0')\n",
    "from ml_platform.tracking import production_run\n", "with production_run():\n    pass\n",
    "start_run()\n", "x = 1\n", "ｍｌｆｌｏｗ.start_run()\n", "mlflow.log_artifact('s3://b/x')\n",
    "mlflow.set_experiment('Bad Exp')\n", "mlflow.log_metric('auc', 1)\n", "mlflow.sklearn.autolog()\n",
    "mlflow.register_model('runs:/x/m', 'Bad/Name')\n", "mlflow.sklearn.log_model(m, 'a/b')\n",
    "mlflow.run('.', 'main')\n", "mlflow.run('https://github.com/o/p')\n", "mlflow.pyfunc.load_model('s3://b/m')\n",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=6), st.booleans())
def test_same_findings_with_and_without_prefilter_on_generated_programs(fragments, wrapper):
    source = "".join(fragments).encode()
    config = Config(run_wrapper="ml_platform.tracking.production_run" if wrapper else None)
    try:
        unfiltered = lint_source(source, "gen.py", config, prefilter=False)
    except SourceError:
        return
    assert lint_source(source, "gen.py", config) == unfiltered


def test_files_without_candidate_names_are_not_parsed(monkeypatch):
    parsed = []
    monkeypatch.setattr(engine, "parse", lambda source, path: parsed.append(path) or __import__("ast").parse(source))
    lint_source(b"import os\nprint(os.getcwd())\n", "plain.py", Config())
    lint_source(b"import mlflow\nmlflow.start_run()\n", "tracked.py", Config())
    lint_source(b"import mlflow\nprint(mlflow.__version__)\n", "no_api.py", Config())
    assert parsed == ["tracked.py"]
    assert not could_have_findings("def start_run(): pass\n", Config())
    assert could_have_findings("ｍｌｆｌｏｗ.start_run()\n", Config())


def test_lint_path_imports_neither_libcst_nor_mlflow():
    probe = (
        "import sys\n"
        "from flake8_mlflow_naming.plugin import MlflowNamingChecker\n"
        "from flake8_mlflow_naming.cli import main\n"
        "main(['check', sys.argv[1]])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('libcst', 'mlflow'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(FIXTURES / "eval")], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


@pytest.mark.parametrize(
    ("source", "code"),
    [
        (b"import mlflow.pyfunc\nm = mlflow.pyfunc.load_model('s3://bucket/model')\n", "MLN011"),
        (b"import mlflow\nudf = mlflow.pyfunc.spark_udf(spark, 'gs://bucket/model')\n", "MLN011"),
        (b"from mlflow.models import get_model_info\nget_model_info('dbfs:/models/x')\n", "MLN011"),
        (b"import mlflow\nmlflow.set_experiment('Churn Prediction')\n", "MLN007"),
        (b"from mlflow import MlflowClient\nMlflowClient().rename_registered_model('a', 'B/C')\n", "MLN008"),
        (b"import mlflow\nmlflow.set_active_model(name='a:b')\n", "MLN009"),
        (b"import mlflow\nmlflow.log_text('x', 'x.txt')\n", "MLN010"),
        (b"import mlflow\nmlflow.projects.run('https://github.com/mlflow/mlflow-example')\n", "MLN001"),
        (b"from mlflow import MlflowClient\nMlflowClient().copy_model_version('models:/a/1', 'B/C')\n", "MLN008"),
    ],
)
def test_a_file_using_only_a_new_rules_api_passes_the_prefilter(source, code):
    """Each new rule's APIs reach the prefilter through its own ``apis`` declaration."""
    assert could_have_findings(source, Config())
    assert [f.code for f in lint_source(source, "only.py", Config())] == [code]
