"""The naming schema: literal checks, f-string templates, normalisation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flake8_mlflow_naming.config import DEFAULT_RUN_NAME_REGEX
from flake8_mlflow_naming.naming import NameSchema, RunNameError, looks_generated, validate_run_name
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
