"""The typed configuration object: :class:`Config`, its defaults and :class:`ConfigError`.

A ``Config`` is built from data only (validated values, see :mod:`.validation`); nothing in
this module reads a file. What the configuration names on disk (the wrapper's source) is
read by :mod:`.wrapper_files`, and pyproject/flake8 files by :mod:`.loading`.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..codes import selected
from ..lifecycle_settings import LifecyclePolicy
from ..wrapper_signature import DEFAULT_SIGNATURE, WrapperSignature

if TYPE_CHECKING:
    from ..naming import NameSchema

TABLE = "mlflow-naming"
DEFAULT_RUN_NAME_REGEX = r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$"
DEFAULT_RUN_NAME_MAX_LENGTH = 80
DEFAULT_RUN_NAME_TEMPLATE = "{module}_{function}"
#: What the runtime gate does with a run that breaks the schema (``gate-mode``).
GATE_MODES = ("rename", "reject", "warn")
#: An explicit pyproject.toml for processes that are not started in the project (the gate).
CONFIG_FILE_ENV_VAR = "MLFLOW_NAMING_CONFIG"
#: LibCST needs about 0.7 GB and 50 s to fix a 1 MB file (BENCHMARKS.md): larger files are
#: reported, not fixed. The largest file of 4,206 in the MLflow corpora is 524 KB.
DEFAULT_MAX_FIX_FILE_SIZE = 1_048_576
#: What ``check`` and ``fix`` skip unless ``exclude`` replaces it (``extend-exclude`` adds to
#: it): version control, virtual environments, caches and build output, as Ruff's default.
DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache",
    ".mlflow_naming_cache", ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache",
    ".svn", ".tox", ".venv", ".vscode", "__pycache__", "__pypackages__", "_build", "buck-out", "build",
    "dist", "node_modules", "site-packages", "venv", "*.egg-info",
)  # fmt: skip
#: Lowercase snake_case segments joined by ``/``: ``recommendations/ctr_model/2024q4``.
DEFAULT_EXPERIMENT_NAME_REGEX = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*(/[a-z0-9]+(_[a-z0-9]+)*)*$"
#: snake_case with at least two parts, optionally under a Unity Catalog ``catalog.schema.`` prefix.
DEFAULT_REGISTERED_MODEL_NAME_REGEX = r"^([a-z][a-z0-9_]*\.){0,2}[a-z][a-z0-9]*(_[a-z0-9]+)+$"
#: Experiment and registered-model names have no length key: MLflow's SQL stores hold 256 characters.
MLFLOW_NAME_MAX_LENGTH = 256


#: The fields whose change means the wrapper's source must be read again.
WRAPPER_FIELDS = frozenset({"run_wrapper", "run_wrapper_aliases", "run_wrapper_signature", "wrapper_source"})


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line naming the file (and line) and the key.

    ``config_file``, ``line`` and ``key`` say where, for front ends that show the configuration
    file rather than a checked file's position; ``str(error)`` starts with ``file:line:``.
    """

    def __init__(self, message: str, config_file: str | Path | None = None, line: int | None = None, key: str | None = None) -> None:
        self.detail = message
        self.config_file = None if config_file is None else str(config_file)
        self.line = line
        self.key = key
        where = "" if self.config_file is None else f"{self.config_file}:{line}: " if line else f"{self.config_file}: "
        super().__init__(where + message)

    @property
    def location(self) -> str | None:
        """``file:line`` (or ``file``) of the bad setting, or None when no file is known."""
        if self.config_file is None:
            return None
        return f"{self.config_file}:{self.line}" if self.line else self.config_file


@dataclass(frozen=True)
class Config:
    """Every setting the rules, fixes and runtime wrapper read. Immutable once built."""

    run_name_regex: str = DEFAULT_RUN_NAME_REGEX
    run_name_max_length: int = DEFAULT_RUN_NAME_MAX_LENGTH
    run_wrapper: str | None = None
    wrapper_exempt: tuple[str, ...] = ()
    tracked_artifact_roots: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: ``--extend-select``: codes enabled on top of ``select``, even where ``ignore`` names them.
    extend_select: tuple[str, ...] = ()
    #: ``--extend-ignore``: codes skipped on top of ``ignore``.
    extend_ignore: tuple[str, ...] = ()
    #: Globs never walked into; explicit paths too under ``--force-exclude``.
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    #: Globs excluded on top of ``exclude``.
    extend_exclude: tuple[str, ...] = ()
    #: Whether walking skips what ``.gitignore`` files (and ``.git/info/exclude``) ignore.
    respect_gitignore: bool = True
    #: Folder of the findings cache, relative to :attr:`root` (None: ``.mlflow_naming_cache``).
    cache_dir: str | None = None
    run_name_template: str = DEFAULT_RUN_NAME_TEMPLATE
    #: Tags every run started through the runtime wrapper must be given (``tags=``).
    required_tags: tuple[str, ...] = ()
    #: Key -> Python expression the MLN012 fix writes for a missing required tag.
    required_tags_defaults: tuple[tuple[str, str], ...] = ()
    experiment_name_regex: str = DEFAULT_EXPERIMENT_NAME_REGEX
    registered_model_name_regex: str = DEFAULT_REGISTERED_MODEL_NAME_REGEX
    #: How ``audit --plan`` builds new names for badly named runs; None normalises the old name.
    rename_template: str | None = None
    #: The MLflow release the checked code runs against (``"3"``: any 3.x; ``"2.14"``), like
    #: Ruff's ``target-version``: positional arguments are bound with that release's signatures.
    mlflow_version: str = "3"
    #: Modules that re-export mlflow (``from mlflow_extend import mlflow``): names imported from
    #: them resolve as if imported from ``mlflow``.
    mlflow_aliases: tuple[str, ...] = ()
    #: What the tracking-store gate does with a bad run: rename it, reject it, or warn.
    gate_mode: str = "rename"
    #: Tags every experiment must be created with (MLN013, the gate), and the fix's expressions.
    required_experiment_tags: tuple[str, ...] = ()
    required_experiment_tags_defaults: tuple[tuple[str, str], ...] = ()
    #: Model-registry stage -> the team's alias for it (MLN014's fix); empty: no fix.
    stage_aliases: tuple[tuple[str, str], ...] = ()
    #: The tag a promoted model's originating run carries (MLN015, audit), and the tag naming the version.
    promotion_tag: str = "production_run"
    promotion_version_tag: str = "production_model_version"
    #: ``[tool.mlflow-naming.lifecycle]``: the archival policy of ``audit --policy``.
    lifecycle: LifecyclePolicy = field(default_factory=LifecyclePolicy)
    #: Files larger than this many bytes (a notebook: its code) are reported, not fixed.
    max_fix_file_size: int = DEFAULT_MAX_FIX_FILE_SIZE
    #: Folder that relative globs are resolved against (the pyproject's folder, or cwd).
    root: Path = field(default_factory=Path.cwd, compare=False)
    #: File the settings came from, for messages; None for built-in defaults.
    source: Path | None = None
    #: More dotted names of the same wrapper (re-exports); ``run-wrapper`` given as a list.
    run_wrapper_aliases: tuple[str, ...] = ()
    #: The wrapper's parameters as declared (``"(config, run_name, **kwargs)"``), beating its source.
    run_wrapper_signature: str | None = None
    #: The file that defines the wrapper, relative to :attr:`root`, when it is not found by its module.
    wrapper_source: str | None = None
    #: Arguments the wrapper needs that start_run lacks: (parameter, module, expression).
    wrapper_arguments: tuple[tuple[str, str, str], ...] = ()
    #: Paths of the scripts an ``MLproject`` file runs (``python train.py``), relative to the
    #: checked file's folder, found when the folder's configuration is built: MLflow Projects
    #: run them inside the run ``mlflow run`` created (MLN010).
    project_entry_points: frozenset[str] = field(default=frozenset(), compare=False)
    #: The wrapper's signature, learnt from its source (or declared). Filled in by the loader
    #: (:func:`.wrapper_files.with_wrapper_located`): this object never reads a file.
    wrapper_signature: WrapperSignature = field(default=DEFAULT_SIGNATURE, compare=False, repr=False)
    #: Other dotted names of the wrapper found in its package's ``__init__`` re-exports (the loader's too).
    wrapper_reexports: tuple[str, ...] = field(default=(), compare=False, repr=False)
    #: Every file the wrapper lookup read or looked for, with the BLAKE2 digest of what it read
    #: (b"": present, not read; None: absent): the findings cache keys on them.
    wrapper_inputs: tuple[tuple[str, bytes | None], ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        # ``run-wrapper`` may list re-exports: the first name is the one fixes call.
        if isinstance(self.run_wrapper, tuple):
            first, *rest = self.run_wrapper
            object.__setattr__(self, "run_wrapper", first)
            object.__setattr__(self, "run_wrapper_aliases", tuple(dict.fromkeys((*rest, *self.run_wrapper_aliases))))

    @cached_property
    def wrapper_names(self) -> tuple[str, ...]:
        """Every dotted name that calls the team wrapper (empty when none is configured)."""
        if not self.run_wrapper:
            return ()
        return tuple(dict.fromkeys((self.run_wrapper, *self.run_wrapper_aliases, *self.wrapper_reexports)))

    @cached_property
    def schema(self) -> NameSchema:
        """The naming schema (regex and maximum length) as one object."""
        from ..naming import NameSchema

        return NameSchema(self.run_name_regex, self.run_name_max_length)

    @cached_property
    def experiment_schema(self) -> NameSchema:
        """The schema experiment names follow (MLN007, ``tracked_run``, ``audit``)."""
        from ..naming import EXPERIMENT, NameSchema

        return NameSchema(
            self.experiment_name_regex,
            MLFLOW_NAME_MAX_LENGTH,
            regex_key="experiment-name-regex",
            length_key="MLflow's limit",
            kind=EXPERIMENT,
        )

    @cached_property
    def registered_model_schema(self) -> NameSchema:
        """The schema registered-model names follow (MLN008)."""
        from ..naming import REGISTERED_MODEL, NameSchema

        return NameSchema(
            self.registered_model_name_regex,
            MLFLOW_NAME_MAX_LENGTH,
            regex_key="registered-model-name-regex",
            length_key="MLflow's limit",
            kind=REGISTERED_MODEL,
        )

    @cached_property
    def wrapper_module_suffixes(self) -> tuple[str, ...]:
        """Path endings of the module that defines the configured wrapper (exempt from MLN002)."""
        suffixes: list[str] = []
        # Every name of the wrapper: the module that defines it may be one a re-export leads to.
        for name in self.wrapper_names:
            if "." in name:
                module = name.rsplit(".", 1)[0].replace(".", "/")
                suffixes += [f"{module}.py", f"{module}/__init__.py"]
        return tuple(dict.fromkeys(suffixes))

    def with_overrides(self, **values: Any) -> Config:
        """A copy with some settings replaced (flake8 options beat pyproject).

        A replaced wrapper forgets what was learnt about the file's wrapper; the loader
        (:class:`.loading.ConfigSource`) reads the new one's source.
        """
        values = {k: v for k, v in values.items() if v is not None}
        if "run_wrapper" in values and "run_wrapper_aliases" not in values:
            values["run_wrapper_aliases"] = ()  # the file's re-exports name the file's wrapper
        if WRAPPER_FIELDS & values.keys():
            values.setdefault("wrapper_signature", DEFAULT_SIGNATURE)
            values.setdefault("wrapper_reexports", ())
            values.setdefault("wrapper_inputs", ())
        return replace(self, **values)

    @cached_property
    def _real_root(self) -> str:
        return os.path.realpath(self.root)

    def relative(self, path: str | Path) -> str:
        """``path`` relative to :attr:`root` in POSIX form (unchanged if outside it).

        Walking thousands of files calls this for each one, so symlinks are resolved only
        when the plain absolute path does not already lie under the root.
        """
        root = self._real_root
        for candidate in (os.path.abspath(path), None):
            if candidate is None:
                try:
                    candidate = os.path.realpath(path)
                except OSError:
                    break
            if candidate.startswith(root + os.sep):
                return candidate[len(root) + 1 :].replace(os.sep, "/")
        return PurePosixPath(Path(path).as_posix()).as_posix()

    @cached_property
    def _exclusion(self) -> _Globs:
        return _Globs(self.exclude + self.extend_exclude)

    def is_excluded(self, path: str | Path, parents_checked: bool = False) -> bool:
        """True when ``path`` matches an ``exclude`` or ``extend-exclude`` glob.

        ``parents_checked``: the folders above ``path`` are known not to match (a walk that
        descends only into folders that did not), so only its own name and path are tried.
        """
        return self._exclusion.matches(self.relative(path), parents_checked)

    def is_excluded_by_user(self, path: str | Path) -> bool:
        """True when ``path`` matches an ``exclude``/``extend-exclude`` glob the configuration itself sets.

        flake8 has its own default excludes, so under flake8 only these apply.
        """
        globs = (() if self.exclude == DEFAULT_EXCLUDE else self.exclude) + self.extend_exclude
        return bool(globs) and matches_any(self.relative(path), globs)

    def is_wrapper_exempt(self, path: str | Path) -> bool:
        """True when MLN002 must not report in ``path`` (the wrapper's own module, or exempt globs)."""
        posix = Path(path).as_posix()
        if any(posix == s or posix.endswith("/" + s) for s in self.wrapper_module_suffixes):
            return True
        return bool(self.wrapper_exempt) and matches_any(self.relative(path), self.wrapper_exempt)

    def enabled_codes(self, codes: Iterable[str], path: str | Path) -> frozenset[str]:
        """The rule codes reported in ``path``, after select, ignore and per-file-ignores."""
        ignored = list(self.ignore)
        file_ignored: list[str] = list(self.extend_ignore)
        if self.per_file_ignores:
            relative = self.relative(path)
            for pattern, file_codes in self.per_file_ignores:
                if matches_any(relative, (pattern,)):
                    file_ignored.extend(file_codes)
        enabled = selected(codes, self.select, ignored)
        if self.extend_select:
            enabled |= selected(codes, self.extend_select)
        if not file_ignored:
            return enabled
        return frozenset(code for code in enabled if not code.startswith(tuple(file_ignored)))


def matches_any(relative_posix: str, patterns: Iterable[str]) -> bool:
    """Glob match the way users expect from flake8/Ruff excludes.

    A pattern matches the path itself or any of its parent folders; a pattern without a
    slash also matches any single path component (``venv``, ``*_test.py``).
    """
    parts = relative_posix.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if pattern.startswith("./"):
            pattern = pattern[2:]
        if any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes):
            return True
        if "/" not in pattern and any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return True
    return False



class _Globs:
    """:func:`matches_any` for one fixed list, with plain names (``build``) looked up in a set."""

    def __init__(self, patterns: Iterable[str]) -> None:
        cleaned = [p.rstrip("/")[2:] if p.startswith("./") else p.rstrip("/") for p in patterns]
        self.names = frozenset(p for p in cleaned if not any(c in p for c in "/*?["))
        self.name_globs = tuple(p for p in cleaned if "/" not in p and p not in self.names)
        self.path_globs = tuple(p for p in cleaned if "/" in p)

    def matches(self, relative_posix: str, parents_checked: bool = False) -> bool:
        parts = relative_posix.split("/")
        tried = parts[-1:] if parents_checked else parts
        if any(part in self.names for part in tried):
            return True
        if self.name_globs and any(fnmatch.fnmatchcase(part, glob) for part in tried for glob in self.name_globs):
            return True
        if not self.path_globs:
            return False
        prefixes = [relative_posix] if parents_checked else ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return any(fnmatch.fnmatchcase(prefix, glob) for prefix in prefixes for glob in self.path_globs)


