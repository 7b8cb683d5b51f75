"""Every MLN code and its name, and the one parser of code lists and prefixes.

A leaf: it imports nothing from the package, so configuration, the command line and the
flake8 plugin can all validate ``select``/``ignore`` without loading the rules. A test
keeps this table equal to the rule registry in :mod:`.lint.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Code -> the rule's kebab-case name, in code order.
RULE_NAMES: dict[str, str] = {
    "MLN001": "run-without-name",
    "MLN002": "raw-start-run",
    "MLN003": "run-name-schema",
    "MLN004": "untracked-artifact-path",
    "MLN005": "run-outside-with",
    "MLN006": "nested-run-without-nested",
    "MLN007": "experiment-name-schema",
    "MLN008": "registered-model-name-schema",
    "MLN009": "invalid-logged-model-name",
    "MLN010": "implicit-run",
    "MLN011": "model-from-raw-storage",
    "MLN012": "missing-required-tags",
    "MLN013": "missing-experiment-tags",
    "MLN014": "model-registry-stage",
    "MLN015": "promotion-without-run-tag",
}
ALL_CODES: tuple[str, ...] = tuple(RULE_NAMES)
#: MLN000 is not a rule: it carries configuration errors under flake8, which must not print.
CONFIG_ERROR_CODE = "MLN000"


class CodeListError(ValueError):
    """A code list names something that is not a rule code or prefix; the message says which."""


def parse_code_list(items: Iterable[str]) -> tuple[str, ...]:
    """Normalise ``items`` (codes or prefixes such as ``MLN00``) to upper case; CodeListError if unknown.

    Empty items are dropped, but a list that names nothing at all is an error: ``--select ,``
    must not silently select every rule.
    """
    raw = list(items)
    codes = tuple(item.strip().upper() for item in raw if item.strip())
    if raw and not codes:
        raise CodeListError("names no rule code")
    for code in codes:
        if not code.startswith("MLN") or not any(known.startswith(code) for known in ALL_CODES):
            raise CodeListError(f"names unknown rule code {code!r}")
    return codes


def parse_code_text(text: str) -> tuple[str, ...]:
    """A comma-separated command-line list (``MLN001,MLN003``), as :func:`parse_code_list`."""
    return parse_code_list(text.split(","))


def selected(codes: Iterable[str], select: Iterable[str] = (), ignore: Iterable[str] = ()) -> frozenset[str]:
    """The codes among ``codes`` that ``select`` (empty: all) keeps and ``ignore`` does not drop, by prefix."""
    select, ignore = tuple(select), tuple(ignore)
    return frozenset(
        code
        for code in codes
        if (not select or code.startswith(select)) and not (ignore and code.startswith(ignore))
    )


def code_for(name_or_code: str) -> str | None:
    """``MLN001`` or ``run-without-name`` (any case) -> ``MLN001``; None if neither."""
    upper = name_or_code.strip().upper()
    if upper in RULE_NAMES:
        return upper
    lower = name_or_code.strip().lower()
    return next((code for code, name in RULE_NAMES.items() if name == lower), None)
