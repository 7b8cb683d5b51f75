"""Infer a naming schema from the names a team already uses (``mlflow-naming init``).

A name is read as fields and separators: ``resnet50_baseline_3`` is the fields ``resnet50``
(a word), ``baseline`` (a word) and ``3`` (a number) joined by ``_``. The inference tries a
short list of schemas from the most specific (one fixed template such as
``{word}_{word}_{number}``) to the most lenient (any number of mixed-case fields joined by any
separator the team uses), and picks the most specific one that accepts nearly as many of
the names as the most lenient does. So a team whose names share one shape gets that shape,
and a team with a looser convention gets the looser rule, never a rule that rejects half
of its own names. The names it does not accept are returned, so the team can decide.

Only the standard library: the result is a regex for ``run-name-regex`` and friends, judged
with the same :class:`..naming.NameSchema` the linter uses.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .template_match import could_fullmatch

#: A candidate may reject this share of the names more than the most lenient one and still
#: win, because it is stricter. A fixed template must be nearly as good (it is the tightest
#: rule, and a convention of one shape shows in nearly every name); a choice of case or
#: separators needs only to hold for two names in three, so that a few ``"Final Model"``
#: among snake_case names are listed as outliers instead of turning the rule lax.
TEMPLATE_TOLERANCE = 0.1
STYLE_TOLERANCE = 1 / 3
#: A fixed template (``{word}_{word}_{number}``) is proposed only from at least this many
#: names: from three names every shape looks like a convention.
MIN_NAMES_FOR_TEMPLATE = 8
#: Below this many names (and templates) nothing is inferred: the default is judged instead,
#: since one model called ``test`` says nothing about a team's convention.
MIN_NAMES_TO_INFER = 3

#: Characters that mean something in a regex outside ``[...]``.
_SPECIAL = frozenset(".^$*+?{}[]\\|()")
#: The lowest field count a free candidate demands, however many fields every name has:
#: three names of four words do not make a four-word rule.
_MOST_FIELDS_REQUIRED = 2

_TOKEN = re.compile(r"[A-Za-z0-9]+|[^A-Za-z0-9]+")

#: Field kinds, strictest first: (name in the template, regex of one such field, test).
_FIELDS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("number", "[0-9]+", re.compile(r"[0-9]+")),
    ("word", "[a-z][a-z0-9]*", re.compile(r"[a-z][a-z0-9]*")),
    ("lower", "[a-z0-9]+", re.compile(r"[a-z0-9]+")),
    ("Word", "[A-Za-z][A-Za-z0-9]*", re.compile(r"[A-Za-z][A-Za-z0-9]*")),
    ("alnum", "[A-Za-z0-9]+", re.compile(r"[A-Za-z0-9]+")),
)


def field_kind(text: str) -> str:
    """The strictest field kind that ``text`` (letters and digits only) is."""
    return next(name for name, _regex, test in _FIELDS if test.fullmatch(text))


def shape_of(name: str) -> tuple[str, ...]:
    """``resnet_v2-3`` → ``("{word}", "_", "{word}", "-", "{number}")``: fields and separators."""
    return tuple(f"{{{field_kind(t)}}}" if t[0].isalnum() and t.isascii() else t for t in _TOKEN.findall(name))


@dataclass(frozen=True)
class Candidate:
    """One schema the inference considered: a readable template and the regex it stands for."""

    template: str
    regex: str
    #: Lower sorts first: how strict the candidate is (a fixed shape before a free field count).
    strictness: int

    def accepts(self, name: str) -> bool:
        """True when the regex fully matches ``name``."""
        return re.fullmatch(self.regex, name) is not None


@dataclass
class Inference:
    """What :func:`infer_schema` found for one kind of name."""

    kind: str
    names: tuple[str, ...]
    candidate: Candidate | None
    accepted: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()
    #: The longest accepted name, for ``run-name-max-length``.
    longest: int = 0
    considered: list[tuple[Candidate, int]] = field(default_factory=list)


def _field_regex(kind: str) -> str:
    return next(regex for name, regex, _test in _FIELDS if name == kind)


def _template_candidate(shape: Sequence[str]) -> Candidate:
    """The candidate accepting exactly one shape (the same separators, fields of these kinds or stricter)."""
    parts = []
    for part in shape:
        if part.startswith("{") and part.endswith("}"):
            parts.append(_field_regex(part[1:-1]))
        else:
            parts.append(re.escape(part))
    return Candidate("".join(shape), "^" + "".join(parts) + "$", 0)


def _free_candidates(separators: Sequence[str], fewest_fields: int, leading: str) -> list[Candidate]:
    """Candidates with any number (at least ``fewest_fields``) of fields joined by ``separators``."""
    found = []
    if len(separators) == 1:
        separator_class = separators[0] if separators[0] not in _SPECIAL else "\\" + separators[0]
    else:
        separator_class = "[" + "".join(_in_class(s) for s in separators) + "]"
    for strictness, (first, rest, shown_first, shown_rest) in enumerate(
        (
            ("[a-z][a-z0-9]*", "[a-z0-9]+", "{word}", "{lower}"),
            ("[A-Za-z][A-Za-z0-9]*", "[A-Za-z0-9]+", "{Word}", "{alnum}"),
            ("[A-Za-z0-9]+", "[A-Za-z0-9]+", "{alnum}", "{alnum}"),
        ),
        start=1,
    ):
        prefix = re.escape(leading)
        if not separators:
            found.append(Candidate(f"{leading}{shown_first}", f"^{prefix}{first}$", strictness))
            continue
        more = max(fewest_fields - 1, 0)
        repeat = "*" if more == 0 else ("+" if more == 1 else f"{{{more},}}")
        shown_separators = "|".join(separators)
        found.append(
            Candidate(
                f"{leading}{shown_first}({shown_separators}{shown_rest}){repeat}",
                f"^{prefix}{first}({separator_class}{rest}){repeat}$",
                strictness + (0 if len(separators) == 1 else 3),
            )
        )
    return found


def _in_class(character: str) -> str:
    """``character`` as it must be written inside ``[...]`` (only these four need a backslash)."""
    return "\\" + character if character in "\\]^-" else character


def _separators(name: str) -> list[str]:
    tokens = _TOKEN.findall(name)
    return [t for i, t in enumerate(tokens) if not t[0].isalnum() and 0 < i < len(tokens) - 1]


def infer_schema(
    kind: str,
    names: Iterable[str],
    default_regex: str | None = None,
    only_default: bool = False,
    templates: Sequence[Sequence[str | None]] = (),
) -> Inference:
    """The most specific schema that accepts nearly as many of ``names`` as any candidate does.

    ``default_regex`` (the tool's default for this kind) is a candidate too, kept when it
    accepts as many names as the inferred one: then nothing needs configuring. With
    ``only_default``, the default is the only candidate (how the names fare under it).

    ``templates`` are names with unknown fields (``f"{model}_{i}"`` as ``("", None, "_",
    None)``): a candidate scores one for each that some filling lets it match, and their
    literal text counts towards the separators the team uses.
    """
    learnt = list(dict.fromkeys(n for n in names if n))
    templates = list(dict.fromkeys(tuple(t) for t in templates))
    if not learnt and not templates:
        return Inference(kind, (), None)
    too_few = len(learnt) + len(templates) < MIN_NAMES_TO_INFER and default_regex is not None
    candidates = [] if only_default or too_few else _candidates(learnt, templates)
    if default_regex is not None:
        candidates.append(Candidate("(the default)", default_regex, -1))
    scored = [(c, _score(c, learnt, templates)) for c in candidates]
    best = max(score for _c, score in scored)
    total = len(learnt) + len(templates)
    good_enough = [
        (c, s) for c, s in scored if s >= best - (TEMPLATE_TOLERANCE if c.strictness == 0 else STYLE_TOLERANCE) * total
    ]
    chosen = min(good_enough, key=lambda item: (item[0].strictness if item[0].strictness >= 0 else 99, -item[1]))[0]
    # The default beats a free style that accepts no more names (nothing to configure then),
    # but not a fixed template that nearly every name follows: that is the team's convention.
    default = next(((c, s) for c, s in good_enough if c.strictness < 0), None)
    if default is not None and chosen.strictness != 0 and default[1] >= max(s for c, s in scored if c is chosen):
        chosen = default[0]
    accepted = tuple(n for n in learnt if chosen.accepts(n))
    rejected = tuple(n for n in learnt if not chosen.accepts(n))
    return Inference(kind, tuple(learnt), chosen, accepted, rejected, max((len(n) for n in accepted), default=0), scored)


def _score(candidate: Candidate, names: Sequence[str], templates: Sequence[Sequence[str | None]]) -> int:
    """How many names the candidate accepts, plus how many templates it could match."""
    return sum(1 for n in names if candidate.accepts(n)) + sum(1 for t in templates if could_fullmatch(candidate.regex, t))


def _candidates(names: Sequence[str], templates: Sequence[Sequence[str | None]] = ()) -> list[Candidate]:
    """Every schema worth scoring for ``names``, strictest first."""
    candidates: list[Candidate] = []
    if len(names) >= MIN_NAMES_FOR_TEMPLATE:
        shape, _count = Counter(shape_of(n) for n in names).most_common(1)[0]
        candidates.append(_template_candidate(shape))
    # Separators by how many names use them: each prefix of that order is a candidate set.
    used = Counter(s for n in names for s in set(_separators(n)) if len(s) == 1)
    used.update(c for t in templates for c in {c for part in t if part for c in part if not c.isalnum() and c.isascii()})
    ordered = [s for s, _count in used.most_common()]
    starts = [n[:1] for n in names] + [(t[0] or "")[:1] for t in templates if t]
    leading_slash = starts.count("/") * 2 > len(starts)
    leading = "/" if leading_slash else ""
    bodies = [n[1:] if leading and n.startswith("/") else n for n in names]
    for size in range(len(ordered) + 1):
        separators = ordered[:size]
        counts = [_field_count(b, separators) for b in bodies]
        fits = [c for c in counts if c is not None]
        fewest = min(min(fits) if fits else 1, _MOST_FIELDS_REQUIRED)
        candidates.extend(_free_candidates(separators, fewest, leading))
    return candidates


def _field_count(name: str, separators: Sequence[str]) -> int | None:
    """How many fields ``name`` has when split at ``separators``; None when it has others."""
    tokens = _TOKEN.findall(name)
    if not tokens or not tokens[0][0].isalnum() or not tokens[-1][0].isalnum():
        return None
    if any(not t[0].isalnum() and t not in separators for t in tokens):
        return None
    return sum(1 for t in tokens if t[0].isalnum())
