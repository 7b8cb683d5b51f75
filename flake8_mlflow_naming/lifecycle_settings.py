"""``[tool.mlflow-naming.lifecycle]``: the team's archival policy, parsed into one frozen object.

A leaf like :mod:`.config` (which registers the table as its ``lifecycle`` key): it imports
nothing from the package, so the configuration stays cheap to load. ``audit --policy``
(:mod:`.audit.lifecycle`) is the only reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: What happens to a run the policy retires: tagged archived (metadata kept, searchable), or
#: soft-deleted (``delete_run``: hidden, restorable until ``mlflow gc``).
ARCHIVE, DELETE = "archive", "delete"
DIRECTIONS = ("max", "min")


@dataclass(frozen=True)
class LifecyclePolicy:
    """When runs are retired and which are kept. Every age rule is off (None) until configured."""

    #: FAILED runs that ended more than this many days ago are retired.
    failed_after_days: float | None = None
    #: FINISHED runs outside the top ``keep_top_percent`` of their experiment by ``keep_top_metric``
    #: are retired once older than ``others_after_days``.
    keep_top_percent: float | None = None
    keep_top_metric: str | None = None
    keep_top_direction: str = "max"
    others_after_days: float | None = None
    #: RUNNING runs started more than this many hours ago are ended as KILLED.
    stale_running_after_hours: float | None = None
    #: A run carrying any of these tags (with a value other than "", "false", "0") is never touched.
    protected_tags: tuple[str, ...] = ("promoted", "production_run")
    #: ``archive`` or ``delete`` (soft delete).
    action: str = ARCHIVE
    #: Also delete the artifact blobs of retired runs. Irreversible; ``--apply`` also needs
    #: ``--delete-artifacts``.
    delete_artifacts: bool = False

    @property
    def configured(self) -> bool:
        """True when at least one rule would retire or end a run."""
        return any(v is not None for v in (self.failed_after_days, self.others_after_days, self.stale_running_after_hours))


def _number(key: str, value: object, *, at_most: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (at_most is not None and value > at_most):
        bound = f" and at most {at_most:g}" if at_most is not None else ""
        raise ValueError(f"{key} must be a number, 0 or more{bound}")
    return float(value)


def parse_lifecycle(key: str, value: object) -> LifecyclePolicy:
    """The ``lifecycle`` table as a :class:`LifecyclePolicy`; ValueError (one line) if malformed."""
    if not isinstance(value, Mapping):
        raise ValueError("must be a table ([tool.mlflow-naming.lifecycle])")
    known = {
        "failed-after-days", "keep-top-percent", "keep-top-metric", "keep-top-direction", "others-after-days",
        "stale-running-after-hours", "protected-tags", "action", "delete-artifacts",
    }  # fmt: skip
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValueError(f"has unknown key {unknown[0]!r} (known keys: {', '.join(sorted(known))})")
    values: dict[str, object] = {}
    for name in ("failed-after-days", "others-after-days", "stale-running-after-hours"):
        if name in value:
            values[name.replace("-", "_")] = _number(name, value[name])
    if "keep-top-percent" in value:
        values["keep_top_percent"] = _number("keep-top-percent", value["keep-top-percent"], at_most=100)
    metric = value.get("keep-top-metric")
    if metric is not None:
        if not isinstance(metric, str) or not metric:
            raise ValueError("keep-top-metric must be a metric name")
        values["keep_top_metric"] = metric
    direction = value.get("keep-top-direction", "max")
    if direction not in DIRECTIONS:
        raise ValueError(f"keep-top-direction must be max or min, not {direction!r}")
    values["keep_top_direction"] = direction
    if len({"keep_top_percent", "keep_top_metric", "others_after_days"} & set(values)) not in (0, 3):
        raise ValueError("keep-top-percent, keep-top-metric and others-after-days go together")
    tags = value.get("protected-tags", LifecyclePolicy.protected_tags)
    if isinstance(tags, str) or not isinstance(tags, (list, tuple)) or not all(isinstance(t, str) for t in tags):
        raise ValueError("protected-tags must be a list of tag names")
    values["protected_tags"] = tuple(tags)
    action = value.get("action", ARCHIVE)
    if action not in (ARCHIVE, DELETE):
        raise ValueError(f"action must be {ARCHIVE} or {DELETE}, not {action!r}")
    values["action"] = action
    delete_artifacts = value.get("delete-artifacts", False)
    if not isinstance(delete_artifacts, bool):
        raise ValueError("delete-artifacts must be true or false")
    values["delete_artifacts"] = delete_artifacts
    return LifecyclePolicy(**values)  # type: ignore[arg-type]
