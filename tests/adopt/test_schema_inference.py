"""Inferring a naming schema from the names a team uses (``schema_inference``)."""

from __future__ import annotations

import re

import pytest

from flake8_mlflow_naming.config import DEFAULT_EXPERIMENT_NAME_REGEX, DEFAULT_RUN_NAME_REGEX, parse_setting
from flake8_mlflow_naming.naming import NameSchema
from flake8_mlflow_naming.schema_inference import infer_schema, shape_of


def test_names_of_one_shape_give_that_template():
    names = [f"{model}_{variant}_{i}" for model in ("xgb", "lgbm", "resnet50") for variant in ("base", "tuned") for i in (1, 2)]
    inference = infer_schema("run", names, DEFAULT_RUN_NAME_REGEX)
    assert inference.candidate.template == "{word}_{word}_{number}"
    assert inference.rejected == ()
    assert re.fullmatch(inference.candidate.regex, "catboost_wide_12")
    assert not re.fullmatch(inference.candidate.regex, "catboost_wide")  # another shape


def test_a_few_outliers_are_listed_not_learnt():
    snake = ["churn_baseline", "churn_xgb_tuned", "fraud_lgbm", "fraud_lgbm_v2", "ltv_model_q3", "ltv_model_q4"]
    names = snake + ["Final Model", "quick test"]
    inference = infer_schema("run", names, DEFAULT_RUN_NAME_REGEX)
    assert set(inference.rejected) == {"Final Model", "quick test"}
    assert set(inference.accepted) == set(snake)


def test_the_default_is_kept_when_it_fits_as_well():
    names = ["churn_baseline", "churn_xgb_tuned", "fraud_lgbm", "ltv_model_q3"]
    inference = infer_schema("run", names, DEFAULT_RUN_NAME_REGEX)
    assert inference.candidate.regex == DEFAULT_RUN_NAME_REGEX


def test_a_kebab_case_team_gets_a_kebab_case_rule():
    names = ["churn-baseline", "churn-xgb-tuned", "fraud-lgbm", "ltv-model-q3", "ltv-model-q4"]
    inference = infer_schema("run", names, DEFAULT_RUN_NAME_REGEX)
    assert inference.rejected == ()
    regex = inference.candidate.regex
    assert re.fullmatch(regex, "new-model") and not re.fullmatch(regex, "new_model") and not re.fullmatch(regex, "New-Model")


def test_too_few_names_judge_the_default_and_learn_nothing():
    inference = infer_schema("registered_model", ["test"], r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
    assert inference.candidate.strictness == -1
    assert inference.rejected == ("test",)


def test_templates_count_and_teach_separators():
    templates = [("", None, "-", None), ("trial-", None), ("sweep-", None, "-", None)]
    inference = infer_schema("run", ["sweep-base", "trial-final"], DEFAULT_RUN_NAME_REGEX, templates=templates)
    assert "-" in inference.candidate.regex
    schema = NameSchema(inference.candidate.regex, 80)
    assert all(schema.template_problem(t) is None for t in templates)


def test_databricks_workspace_paths():
    names = ["/Users/ana@corp.com/churn", "/Users/bo@corp.com/fraud_v2", "/Shared/recsys/ctr", "/Shared/recsys/ctr_v2"]
    inference = infer_schema("experiment", names, DEFAULT_EXPERIMENT_NAME_REGEX)
    assert inference.rejected == ()
    assert inference.candidate.regex.startswith("^/")


@pytest.mark.parametrize(
    "names",
    [
        ["a.b.c", "x.y", "m.n.o.p"],
        ["Name With Spaces", "Other Name", "Third One"],
        ["v1]", "^caret", "back\\slash", "dash-ed"],
        ["ümlaut_name", "plain_name", "other_name"],
    ],
)
def test_every_inferred_regex_is_a_valid_setting_that_agrees_with_the_linter(names):
    inference = infer_schema("run", names, DEFAULT_RUN_NAME_REGEX)
    regex = inference.candidate.regex
    parse_setting("run-name-regex", regex, "test")  # the tool's own check of the key
    schema = NameSchema(regex, 200)
    for name in names:
        assert (schema.problem(name) is None) == (name in inference.accepted)


def test_shapes_read_fields_and_separators():
    assert shape_of("resnet50_v2-3") == ("{word}", "_", "{word}", "-", "{number}")
    assert shape_of("2024q4/XGB") == ("{lower}", "/", "{Word}")
