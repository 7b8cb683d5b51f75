"""The naming schema: literal checks, f-string templates, normalisation."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flake8_mlflow_naming.config import DEFAULT_RUN_NAME_REGEX, Config
from flake8_mlflow_naming.naming import (
    DEFAULT_RENAME_TEMPLATES,
    NameSchema,
    RunNameError,
    UnnamableError,
    check_rename_template,
    fill_name_template,
    looks_generated,
    name_words,
    replace_characters,
    run_fields,
    shorten,
    synthesize_name,
    validate_run_name,
)
from flake8_mlflow_naming.template_match import HOLE, could_fullmatch

SCHEMA = NameSchema(DEFAULT_RUN_NAME_REGEX, 80)


@pytest.mark.parametrize("name", ["resnet50_baseline", "a_b", "xgb_lr_0_01_v2"])
def test_schema_accepts_snake_case(name):
    assert SCHEMA.problem(name) is None


@pytest.mark.parametrize("name", ["ResNet50", "baseline", "a__b", "_a_b", "a_b_", "1a_b", "clumsy-fish-158", "a b"])
def test_schema_rejects(name):
    assert SCHEMA.problem(name) is not None


def test_generated_names_are_called_out():
    assert "generates" in SCHEMA.problem("clumsy-fish-158")
    assert looks_generated("clumsy-fish-158") and not looks_generated("clumsy_fish_158")


def test_max_length():
    assert "more than run-name-max-length" in SCHEMA.problem("a_" + "b" * 80)


@pytest.mark.parametrize(
    ("parts", "possible"),
    [
        (["trial_", HOLE], True),
        ([HOLE, "_", HOLE], True),
        (["Trial ", HOLE], False),
        ([HOLE, "-", HOLE], False),
        ([HOLE], True),
        (["trial", HOLE], True),
        (["a_", HOLE, "_", HOLE, "_x"], True),
        (["_x", HOLE], False),
        ([HOLE, "__", HOLE], False),
    ],
)
def test_templates_under_default_schema(parts, possible):
    assert could_fullmatch(DEFAULT_RUN_NAME_REGEX, parts) is possible


def test_back_references_are_over_approximated():
    assert could_fullmatch(r"(?P<a>[a-z]+)_(?P=a)", ["ab_", HOLE]) is True
    assert could_fullmatch(r"(?P<a>[a-z]+)_(?P=a)", ["Ab_", HOLE]) is False


def test_case_insensitive_flag():
    assert could_fullmatch(r"(?i)^run_[a-z]+$", ["RUN_", HOLE])
    assert not could_fullmatch(r"^run_[a-z]+$", ["RUN_", HOLE])


_TEXT = st.text(alphabet="ab_-1 X", max_size=4)


@settings(max_examples=300, deadline=None)
@given(
    pattern=st.sampled_from([DEFAULT_RUN_NAME_REGEX, r"^[a-z]+(-[0-9]{1,3})?$", r"(ab|ba)*_?X{0,2}", r"[^_ ]+_\d", r"a.b|b-?1+"]),
    parts=st.lists(st.one_of(st.none(), _TEXT), min_size=1, max_size=4),
    fillings=st.lists(_TEXT, min_size=4, max_size=4),
)
def test_never_says_impossible_when_a_filling_matches(pattern, parts, fillings):
    """Soundness: if some concrete filling matches, the template must be judged possible."""
    filled = "".join(p if p is not None else fillings[i] for i, p in enumerate(parts))
    if re.fullmatch(pattern, filled):
        assert could_fullmatch(pattern, parts)


def test_normalise():
    assert SCHEMA.normalise("ResNet50 v1 lr=0.01") == "resnet50_v1_lr_0_01"
    assert SCHEMA.normalise("Nightly") == "nightly_run"
    assert SCHEMA.normalise("2024 sweep") == "run_2024_sweep"
    assert SCHEMA.normalise("!!!") is None
    assert SCHEMA.normalise("café Run") == "cafe_run"


def test_validate_run_name_raises_value_error_naming_the_rule():
    with pytest.raises(RunNameError, match="MLN003") as raised:
        validate_run_name("Bad Name", SCHEMA)
    assert isinstance(raised.value, ValueError)
    with pytest.raises(RunNameError, match="MLN001"):
        validate_run_name("", SCHEMA)
    assert validate_run_name("good_name", SCHEMA) == "good_name"


# --- the name synthesizer ----------------------------------------------------------------

MARCH_15 = datetime(2024, 3, 15, 12, 30, 5, tzinfo=timezone.utc)
CHAIN = "{tags.model_family|params.model|experiment}_{start_time:%Y%m%d_%H%M%S}"


@pytest.mark.parametrize(
    ("tags", "params", "expected"),
    [
        ({"model_family": "ResNet"}, {"model": "xgb"}, "resnet_20240315_123005"),
        ({}, {"model": "XGB"}, "xgb_20240315_123005"),
        ({"model_family": ""}, {}, "churn_20240315_123005"),  # an empty tag counts as missing
        ({}, {}, "churn_20240315_123005"),
    ],
)
def test_a_field_takes_the_first_present_alternative_of_its_chain(tags, params, expected):
    fields = run_fields({"experiment_name": "Churn", "start_time": MARCH_15}, tags, params)
    assert synthesize_name(CHAIN, fields, SCHEMA) == expected


def test_a_quoted_alternative_is_literal_text_and_tag_keys_may_hold_dots():
    fields = run_fields({}, {"mlflow.user": "ana"})
    assert fill_name_template("{tags.team|'shared'}_{tags.mlflow.user}", fields) == "shared_ana"


def test_a_chain_with_nothing_present_names_every_missing_field():
    with pytest.raises(UnnamableError, match=r"the run has none of tag 'a', param 'b', experiment for \{tags.a\|params.b\|experiment\}"):
        synthesize_name("{tags.a|params.b|experiment}_x", run_fields({}), SCHEMA)
    with pytest.raises(UnnamableError, match=r"the run has no tag 'team' for \{tags.team\}"):
        synthesize_name("{tags.team}_x", run_fields({}), SCHEMA)


def test_names_are_unique_within_the_taken_scope():
    fields = run_fields({"experiment_name": "churn", "start_time": MARCH_15})
    taken = {"churn_20240315_123005", "churn_20240315_123005_2"}
    assert synthesize_name(CHAIN, fields, SCHEMA, taken) == "churn_20240315_123005_3"


def test_a_name_the_schema_accepts_is_kept_as_written():
    dashed = NameSchema(r"^[a-z]+(-[a-z0-9]+)+$", 80)
    assert synthesize_name("{experiment}-{tags.team}", run_fields({"experiment": "churn"}, {"team": "cv"}), dashed) == "churn-cv"


def test_long_names_are_shortened_deterministically_and_stay_distinct():
    schema = NameSchema(DEFAULT_RUN_NAME_REGEX, 30)
    first = synthesize_name("{tags.a}", run_fields({}, {"a": "tests framework hooks test hook log parameters"}), schema)
    second = synthesize_name("{tags.a}", run_fields({}, {"a": "tests framework hooks test hook log metrics"}), schema)
    assert len(first) == len(second) == 30 and first != second
    assert first.startswith("tests_framework_hooks_") and schema.problem(first) is None
    assert shorten("a" * 40, 30) == shorten("a" * 40, 30)
    assert shorten("short_name", 30) == "short_name"


def test_the_default_chain_always_names_a_run_and_normalises_an_informative_old_name():
    values = {"experiment_name": "Churn Model", "experiment_id": "7", "start_time": MARCH_15, "run_id": "a" * 32}
    assert synthesize_name(DEFAULT_RENAME_TEMPLATES, run_fields({**values, "name": "ResNet v1"}), SCHEMA) == "resnet_v1"
    assert synthesize_name(DEFAULT_RENAME_TEMPLATES, run_fields({**values, "name": None}), SCHEMA) == "churn_model_20240315_123005"
    no_time = {**values, "start_time": None}
    assert synthesize_name(DEFAULT_RENAME_TEMPLATES, run_fields(no_time), SCHEMA) == "churn_model_run_" + "a" * 32
    # A name with no letter or digit counts as missing, so the chain falls back to the id.
    nothing_ascii = {**values, "experiment_name": "实验"}
    assert synthesize_name(DEFAULT_RENAME_TEMPLATES, run_fields(nothing_ascii), SCHEMA) == "run_7_20240315_123005"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{owner}_x", r"unknown field \{owner\}"),
        ("{tags.team|owner}_x", r"unknown field \{owner\}"),
        ("{tags.team|}_x", "empty alternative"),
        ("{}_x", "empty field"),
        ("{tags.team:%Y}_x", "cannot format"),
        ("{tags.team", "rename template"),
    ],
)
def test_bad_rename_templates_are_refused_with_the_reason(template, message):
    with pytest.raises(ValueError, match=message):
        check_rename_template(template)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nyc-taxi-experiment", "nyc_taxi_experiment"),
        ("Social NLP Experiments", "social_nlp_experiments"),
        ("Team/Churn Model", "team/churn_model"),
        ("MyExperiment", "my_experiment"),
    ],
)
def test_experiment_names_normalise_per_segment(text, expected):
    assert Config().experiment_schema.normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ElasticnetWineModel", "elasticnet_wine_model"),
        ("training-model-psystock", "training_model_psystock"),
        ("Main.ML.ChurnModel", "main.ml.churn_model"),
        ("Churn", "churn_model"),
        ("RayMLflowIntegration", "ray_mlflow_integration"),
        ("XGBoostChurn", "xgboost_churn"),
    ],
)
def test_registered_model_names_normalise_keeping_the_catalog_prefix(text, expected):
    assert Config().registered_model_schema.normalise(text) == expected


# --- one normaliser for every name fix (issue 22) ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("XGBoostModel", "xgboost_model"),
        ("PyTorch", "pytorch"),
        ("HTTPServer", "http_server"),
        ("ResNet50", "resnet50"),
        ("myBERTModel", "my_bert_model"),
        ("MLflowRunner", "mlflow_runner"),
        ("SparkMLlib AutoMLModel", "spark_mllib_automl_model"),
        ("LightGBMRegressor", "lightgbm_regressor"),
        ("CatBoostClassifier", "catboost_classifier"),
        ("MobileNetV2", "mobilenet_v2"),
        ("PySparkJob", "pyspark_job"),
        ("NumPyArray", "numpy_array"),
        ("parseURLs", "parse_urls"),
        ("YOLOv5", "yolov5"),
        ("T5Model", "t5_model"),
        ("word2vec Word2Vec", "word2vec_word2vec"),
        ("KMeans", "k_means"),
        ("RandomForestClassifier", "random_forest_classifier"),
        ("VITAL signs", "vital_signs"),  # a known word (ViT) is matched with its own capitals only
        ("ResNet50 v1 lr=0.01", "resnet50_v1_lr_0_01"),
    ],
)
def test_words_split_at_humps_keeping_acronyms_digits_and_brands_whole(text, words):
    assert "_".join(name_words(text)) == words


@pytest.mark.parametrize(
    ("schema", "text", "expected"),
    [
        (SCHEMA, "XGBoostModel v2", "xgboost_model_v2"),
        (Config().experiment_schema, "PyTorch Experiments", "pytorch_experiments"),
        (Config().registered_model_schema, "PyTorchResNet50", "pytorch_resnet50"),
    ],
)
def test_runs_experiments_and_models_split_words_the_same_way(schema, text, expected):
    assert schema.normalise(text) == expected


DATABRICKS = Config(experiment_name_regex=r"^/(Workspace/)?(Users/[^/]+|Shared|Repos/[^/]+/[^/]+)(/[a-z][a-z0-9_]*)+$")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/Users/ana@corp.com/Churn Model", "/Users/ana@corp.com/churn_model"),
        ("/Shared/Churn-Prediction", "/Shared/churn_prediction"),
        ("/Workspace/Users/ana@corp.com/Team Folder/XGBoost Sweep", None),  # the folder is kept as written
        ("/Repos/ana@corp.com/ml-repo/NightlyTraining", "/Repos/ana@corp.com/ml-repo/nightly_training"),
    ],
)
def test_databricks_experiment_paths_keep_their_folders(text, expected):
    assert DATABRICKS.experiment_schema.normalise(text) == expected


def test_a_databricks_path_is_never_turned_into_a_relative_name():
    """With the default (non-Databricks) regex, ``/Shared/x`` has no normalised form: not ``shared/x``."""
    assert Config().experiment_schema.normalise("/Shared/Churn Model") is None
    assert Config().experiment_schema.normalise("Team/Churn Model") == "team/churn_model"


def test_a_unity_catalog_prefix_is_only_lowercased():
    """Unity Catalog folds identifiers' case: ``RecSys`` is the schema ``recsys``, never ``rec_sys``."""
    assert Config().registered_model_schema.normalise("Main.RecSys.ChurnModel") == "main.recsys.churn_model"
    assert Config().registered_model_schema.normalise("my-catalog.ml.Churn") is None


def test_a_synthesized_name_never_repeats_a_word():
    fields = run_fields({"experiment": "churn"}, {"model": "churn_gbm"})
    assert synthesize_name("{experiment}_{tags.model}", fields, SCHEMA) == "churn_gbm"
    assert fill_name_template("{experiment}_{tags.model}", fields) == "churn_churn_gbm"  # only invented names drop words
    dated = run_fields({"experiment": "daily_2024"}, {"day": "2024"})
    assert synthesize_name("{experiment}_{tags.day}", dated, SCHEMA) == "daily_2024_2024"  # numbers are values, not words


def test_logged_model_names_replace_each_run_of_forbidden_characters_once():
    forbidden = "/:.%\"'"
    assert replace_characters("models/churn.v2", forbidden) == "models_churn_v2"
    assert replace_characters("churn_model_/v2", forbidden) == "churn_model_v2"
    assert replace_characters("chatbot's model", forbidden) == "chatbot_s model"
    assert replace_characters("fine", forbidden) == "fine"
