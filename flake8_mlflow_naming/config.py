"""The one configuration: ``[tool.mlflow-naming]`` in the nearest pyproject.toml.

It is parsed once per pyproject into a frozen :class:`Config`. Every front end (the CLI and
its worker processes, fix, the codemod, the flake8 plugin with its ``--mlflow-*`` options,
the runtime wrapper, audit) describes where its configuration comes from with one small
picklable :class:`ConfigSource` (a file or the search, plus overrides) and asks it for the
``Config`` of each path. No other module reads configuration files.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import stat
import sys
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from .codes import CodeListError, parse_code_list, selected
from .flake8_options import FLAKE8_OPTIONS, LIST
from .patterns import PROBE_LENGTH, PROBE_TIMEOUT_SECONDS, PatternTimeout, compile_pattern, probe
from .wrapper_signature import DEFAULT_SIGNATURE, SignatureError, WrapperSignature, find_definition, find_reexport, parse_signature, signature_of

if TYPE_CHECKING:
    from .naming import NameSchema

try:  # BLAKE2 without hashlib, whose import loads OpenSSL: a few ms of every start-up
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b

# tomllib and the regex package are imported when first needed (a pyproject is found, a
# regex is validated): starting ``check`` on one file in a folder without one costs neither.

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


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line naming the key and file."""


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
    #: The wrapper's signature, learnt from its source (or declared); set when the config is built.
    wrapper_signature: WrapperSignature = field(default=DEFAULT_SIGNATURE, init=False, compare=False, repr=False)
    #: Other dotted names of the wrapper found in its package's ``__init__`` re-exports.
    wrapper_reexports: tuple[str, ...] = field(default=(), init=False, compare=False, repr=False)
    #: Every file the wrapper lookup read or looked for, with the BLAKE2 digest of what it read
    #: (b"": present, not read; None: absent): the findings cache keys on them.
    wrapper_inputs: tuple[tuple[str, bytes | None], ...] = field(default=(), init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # ``run-wrapper`` may list re-exports: the first name is the one fixes call.
        if isinstance(self.run_wrapper, tuple):
            first, *rest = self.run_wrapper
            object.__setattr__(self, "run_wrapper", first)
            object.__setattr__(self, "run_wrapper_aliases", tuple(dict.fromkeys((*rest, *self.run_wrapper_aliases))))
        if self.run_wrapper:
            inputs: dict[str, bytes | None] = {}
            signature, found = _locate_wrapper(self, inputs)
            object.__setattr__(self, "wrapper_signature", signature)
            object.__setattr__(self, "wrapper_reexports", found)
            object.__setattr__(self, "wrapper_inputs", tuple(inputs.items()))

    @cached_property
    def wrapper_names(self) -> tuple[str, ...]:
        """Every dotted name that calls the team wrapper (empty when none is configured)."""
        if not self.run_wrapper:
            return ()
        return tuple(dict.fromkeys((self.run_wrapper, *self.run_wrapper_aliases, *self.wrapper_reexports)))

    @cached_property
    def schema(self) -> NameSchema:
        """The naming schema (regex and maximum length) as one object."""
        from .naming import NameSchema

        return NameSchema(self.run_name_regex, self.run_name_max_length)

    @cached_property
    def experiment_schema(self) -> NameSchema:
        """The schema experiment names follow (MLN007, ``tracked_run``, ``audit``)."""
        from .naming import NameSchema

        return NameSchema(
            self.experiment_name_regex,
            MLFLOW_NAME_MAX_LENGTH,
            regex_key="experiment-name-regex",
            length_key="MLflow's limit",
            segment_separator="/",
            split_camel_case=True,
            filler="experiment",
            pad_single_word=False,
        )

    @cached_property
    def registered_model_schema(self) -> NameSchema:
        """The schema registered-model names follow (MLN008)."""
        from .naming import NameSchema

        return NameSchema(
            self.registered_model_name_regex,
            MLFLOW_NAME_MAX_LENGTH,
            regex_key="registered-model-name-regex",
            length_key="MLflow's limit",
            segment_separator=".",
            split_camel_case=True,
            filler="model",
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

    def with_overrides(self, **values: Any) -> "Config":
        """A copy with some settings replaced (flake8 options beat pyproject)."""
        values = {k: v for k, v in values.items() if v is not None}
        if "run_wrapper" in values and "run_wrapper_aliases" not in values:
            values["run_wrapper_aliases"] = ()  # the file's re-exports name the file's wrapper
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
    def _exclusion(self) -> "_Globs":
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


# --- the wrapper's source ----------------------------------------------------------------

#: How many re-exports (``from .runs import production_run`` in an ``__init__``) are followed.
_MAX_REEXPORTS = 4


def _locate_wrapper(config: Config, inputs: dict[str, bytes | None]) -> tuple[WrapperSignature, tuple[str, ...]]:
    """The wrapper's signature and the other dotted names it is re-exported under.

    A declared ``run-wrapper-signature`` wins. Otherwise the wrapper's module is looked for
    below the configuring pyproject's folder (and its ``src/``), or at ``wrapper-source``,
    and its ``def`` is read with ``ast``: the checked code is never imported. Every file
    read or looked for is recorded in ``inputs``.
    """
    aliases: list[str] = []
    learnt: WrapperSignature | None = None
    if config.wrapper_source:
        path = config.root / config.wrapper_source
        tree = _parse_file(path, inputs)
        definition = find_definition(tree, config.run_wrapper.rsplit(".", 1)[1]) if tree else None  # type: ignore[union-attr]
        if definition is not None:
            learnt = _signature_of(definition, path)
    for dotted in (config.run_wrapper, *config.run_wrapper_aliases):
        signature = _follow(config, dotted, aliases, inputs)
        learnt = learnt or signature
        aliases.extend(_package_reexports(config, dotted, inputs))
    if config.run_wrapper_signature:
        return parse_signature(config.run_wrapper_signature), tuple(aliases)
    return learnt or DEFAULT_SIGNATURE, tuple(aliases)


def _signature_of(definition: ast.FunctionDef | ast.AsyncFunctionDef, path: Path) -> WrapperSignature:
    return signature_of(definition, str(path))


def _follow(config: Config, dotted: str, aliases: list[str], inputs: dict[str, bytes | None]) -> WrapperSignature | None:
    """Find ``dotted``'s ``def``, following package re-exports; record the names passed through."""
    for _ in range(_MAX_REEXPORTS):
        module, _, name = dotted.rpartition(".")
        found = _module_file(config, module, inputs)
        if found is None:
            return None
        path, is_package = found
        tree = _parse_file(path, inputs)
        if tree is None:
            return None
        definition = find_definition(tree, name)
        if definition is not None:
            return _signature_of(definition, path)
        target = find_reexport(tree, name, module if is_package else module.rpartition(".")[0])
        if target is None or target == dotted:
            return None
        aliases.append(target)
        dotted = target
    return None


def _package_reexports(config: Config, dotted: str, inputs: dict[str, bytes | None]) -> list[str]:
    """``pkg.fn`` for each enclosing package whose ``__init__`` re-exports ``pkg.mod.fn``."""
    module, _, name = dotted.rpartition(".")
    parts = module.split(".")
    found = []
    for end in range(len(parts) - 1, 0, -1):
        package = ".".join(parts[:end])
        located = _module_file(config, package, inputs)
        if located is None or not located[1]:
            continue
        tree = _parse_file(located[0], inputs)
        if tree is not None and find_reexport(tree, name, package) == dotted:
            found.append(f"{package}.{name}")
    return found


def _module_file(config: Config, module: str, inputs: dict[str, bytes | None]) -> tuple[Path, bool] | None:
    """The file of ``module`` below the config's root or its ``src/``, and whether it is a package."""
    relative = Path(*module.split("."))
    for base in (config.root, config.root / "src"):
        for candidate, is_package in ((base / relative / "__init__.py", True), ((base / relative).with_suffix(".py"), False)):
            present = candidate.is_file()
            inputs.setdefault(str(candidate), b"" if present else None)
            if present:
                return candidate, is_package
    return None


#: Larger "wrapper modules" are not read: a repository's configuration must not make the tool
#: read a huge or endless file (``wrapper-source = "/dev/zero"``).
_MAX_WRAPPER_FILE_SIZE = 4 << 20


def _parse_file(path: Path, inputs: dict[str, bytes | None]) -> ast.Module | None:
    try:
        # O_NONBLOCK: a FIFO named by the configuration must not hang the open.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        inputs[str(path)] = None
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > _MAX_WRAPPER_FILE_SIZE:
            inputs[str(path)] = b""
            return None
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            raw = handle.read(_MAX_WRAPPER_FILE_SIZE + 1)
    except OSError:
        inputs[str(path)] = None
        return None
    finally:
        os.close(descriptor)
    inputs[str(path)] = blake2b(raw, digest_size=16).digest()
    try:
        return ast.parse(raw, str(path))
    except (SyntaxError, ValueError):
        return None


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


# --- parsing -----------------------------------------------------------------------------


def _string(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {type(value).__name__}")
    return value


def _regex_error() -> type[Exception]:
    from regex import error

    return error


def _regex(key: str, value: object) -> str:
    text = _string(key, value)
    try:
        re.compile(text)
        compile_pattern(text)
    except (re.error, _regex_error()) as error:
        raise ValueError(f"is not a valid regular expression ({error})") from None
    try:
        probe(text, key)
    except PatternTimeout:
        raise ValueError(
            f"{text!r} backtracks catastrophically (a near-miss name of {PROBE_LENGTH} characters takes more than "
            f"{PROBE_TIMEOUT_SECONDS:g} s); simplify nested or overlapping repetitions such as (a|aa)+"
        ) from None
    return text


def _positive_int(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be a positive integer")
    return value


def _string_list(key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(
        isinstance(item, str) for item in value
    ):
        raise ValueError("must be a list of strings")
    return tuple(value)


def _bool(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _code_list(key: str, value: object) -> tuple[str, ...]:
    try:
        return parse_code_list(_string_list(key, value))
    except CodeListError as error:
        raise ValueError(str(error)) from None


def _per_file_ignores(key: str, value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, Mapping):
        raise ValueError("must be a table of glob = [codes]")
    return tuple((pattern, _code_list(key, codes)) for pattern, codes in value.items())


def _dotted_name(key: str, value: object) -> str:
    text = _string(key, value)
    if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", text):
        raise ValueError("must be a dotted path such as 'ml_platform.tracking.production_run'")
    return text


def _template(key: str, value: object) -> str:
    from .naming import check_name_template

    text = _string(key, value)
    try:
        # The package's one template grammar: fallback chains ({class|module}) are allowed.
        return check_name_template(text, ("module", "function", "class", "package", "path"))
    except ValueError as error:
        raise ValueError(
            f"is not a valid template; fields are {{module}}, {{function}}, {{class}}, {{package}}, {{path}} ({error})"
        ) from None


def _wrapper_names(key: str, value: object) -> str | tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError("must name at least one wrapper")
        return tuple(_dotted_name(key, item) for item in value)
    return _dotted_name(key, value)


def _signature(key: str, value: object) -> str:
    text = _string(key, value)
    try:
        parse_signature(text)
    except SignatureError as error:
        raise ValueError(str(error)) from None
    return text


def _wrapper_arguments(key: str, value: object) -> tuple[tuple[str, str, str], ...]:
    if not isinstance(value, Mapping):
        raise ValueError('must be a table of parameter = "module:expression"')
    arguments = []
    for parameter, spec in value.items():
        text = _string(key, spec)
        module, colon, expression = text.partition(":")
        if not re.fullmatch(r"[A-Za-z_]\w*", parameter):
            raise ValueError(f"has {parameter!r}, which is not a parameter name")
        if not colon or not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", module.strip()):
            raise ValueError(f'{parameter} must be "module:expression", such as "team.runs:RunConfig.from_env()"')
        head = re.match(r"\s*([A-Za-z_]\w*)", expression)
        try:
            # Only parsed, to check it is an expression: it is text the fix inserts into code,
            # never evaluated by the tool (tests/test_trust.py scans the package for that).
            ast.parse(expression.strip(), "<wrapper-arguments>", "eval")
        except (SyntaxError, ValueError):
            head = None
        if head is None:
            raise ValueError(f"{parameter}: {expression.strip()!r} is not an expression starting with a name from {module.strip()}")
        arguments.append((parameter, module.strip(), expression.strip()))
    return tuple(arguments)


def _expression_table(key: str, value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError('must be a table of tag = "Python expression"')
    for tag, expression in value.items():
        try:
            ast.parse(expression, mode="eval")
        except SyntaxError:
            raise ValueError(f"{tag} = {expression!r} is not a Python expression") from None
    return tuple(value.items())


def _rename_template(key: str, value: object) -> str:
    from .naming import check_rename_template

    return check_rename_template(_string(key, value))


def _mlflow_version(key: str, value: object) -> str:
    # A bare integer (``mlflow-version = 3``) is unambiguous; a float is not (2.1 vs 2.10).
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else _string(key, value).strip()
    if not re.fullmatch(r"[0-9]+(\.[0-9]+){0,2}", text):
        raise ValueError(f'must be an MLflow release such as "3", "2.14" or "3.1.2", not {text!r}')
    return text


def _module_list(key: str, value: object) -> tuple[str, ...]:
    modules = _string_list(key, value)
    for module in modules:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", module):
            raise ValueError(f"must list module names such as 'mlflow_extend', not {module!r}")
    return modules


def _gate_mode(key: str, value: object) -> str:
    text = _string(key, value)
    if text not in GATE_MODES:
        raise ValueError(f"must be one of {', '.join(GATE_MODES)}, not {text!r}")
    return text


_KEYS: dict[str, tuple[str, Callable[[str, object], Any]]] = {
    "run-name-regex": ("run_name_regex", _regex),
    "run-name-max-length": ("run_name_max_length", _positive_int),
    "run-wrapper": ("run_wrapper", _wrapper_names),
    "wrapper-exempt": ("wrapper_exempt", _string_list),
    "tracked-artifact-roots": ("tracked_artifact_roots", _string_list),
    "select": ("select", _code_list),
    "ignore": ("ignore", _code_list),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _string_list),
    "extend-exclude": ("extend_exclude", _string_list),
    "respect-gitignore": ("respect_gitignore", _bool),
    "cache-dir": ("cache_dir", _string),
    "run-name-template": ("run_name_template", _template),
    "required-tags": ("required_tags", _string_list),
    "rename-template": ("rename_template", _rename_template),
    "mlflow-version": ("mlflow_version", _mlflow_version),
    "mlflow-aliases": ("mlflow_aliases", _module_list),
    "gate-mode": ("gate_mode", _gate_mode),
    "max-fix-file-size": ("max_fix_file_size", _positive_int),
    "run-wrapper-signature": ("run_wrapper_signature", _signature),
    "wrapper-source": ("wrapper_source", _string),
    "wrapper-arguments": ("wrapper_arguments", _wrapper_arguments),
    "required-tags-defaults": ("required_tags_defaults", _expression_table),
    "experiment-name-regex": ("experiment_name_regex", _regex),
    "registered-model-name-regex": ("registered_model_name_regex", _regex),
}


def parse_setting(key: str, value: object, source: str) -> tuple[str, Any]:
    """Validate one ``key = value``; return (field name, typed value) or raise ConfigError."""
    if key not in _KEYS:
        known = ", ".join(sorted(_KEYS))
        raise ConfigError(f"{source}: unknown key {key!r} in [tool.{TABLE}] (known keys: {known})")
    field_name, convert = _KEYS[key]
    try:
        return field_name, convert(key, value)
    except ValueError as error:
        raise ConfigError(f"{source}: [tool.{TABLE}] {key} {error}") from None


def config_from_table(table: Mapping[str, object], source: Path) -> Config:
    """Build a :class:`Config` from the ``[tool.mlflow-naming]`` table of ``source``."""
    values = dict(parse_setting(key, value, str(source)) for key, value in table.items())
    return Config(root=source.parent, source=source, **values)


#: flake8's configuration files, in the order flake8 tries them.
FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")


def _read_flake8_options(folder: Path) -> tuple[Path, dict[str, object]] | None:
    """The ``mlflow-*`` options of the first of flake8's files in ``folder`` with a ``[flake8]`` section."""
    for name in FLAKE8_FILES:
        candidate = folder / name
        try:
            if not candidate.is_file():
                continue
        except OSError:  # a folder that may not be searched: the walk reports it
            continue
        import configparser

        parser = configparser.RawConfigParser()
        try:
            parser.read(candidate, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{candidate}: cannot read ({str(error).splitlines()[0]})") from None
        if not parser.has_section("flake8"):
            continue
        values: dict[str, object] = {}
        for option, text in parser.items("flake8"):
            known = FLAKE8_OPTIONS.get(option.replace("_", "-"))  # flake8 accepts either spelling
            if known is None:
                continue
            key, kind = known
            if kind == LIST:  # flake8's comma_separated_list
                values[key] = [item for item in re.split(r"[,\s]", text) if item]
            elif _KEYS[key][1] is _positive_int:
                values[key] = int(text) if text.strip().isdigit() else text.strip()
            else:
                values[key] = text.strip()
        return candidate, values
    return None


def _read_table(pyproject: Path) -> Mapping[str, object] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with pyproject.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{pyproject}: invalid TOML ({error})") from None
    except OSError as error:
        raise ConfigError(f"{pyproject}: cannot read ({error.strerror})") from None
    table = data.get("tool", {}).get(TABLE) if isinstance(data.get("tool"), dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.{TABLE}] must be a table")
    return table


class ConfigFinder:
    """Finds and parses the configuration for each checked file, once per folder."""

    def __init__(self, explicit: Path | None = None) -> None:
        self._explicit = explicit
        self._by_folder: dict[Path, Config] = {}
        self._by_raw_folder: dict[str | None, Config] = {}
        self._by_file: dict[Path, Config] = {}

    def for_path(self, path: str | Path | None) -> Config:
        """The configuration governing ``path`` (a file that may not exist, or None for stdin)."""
        if self._explicit is not None:
            return self._load_file(self._explicit, required=True)
        # Files of one folder share its configuration: look the folder up as written first,
        # so a walk over thousands of files resolves each folder once, not each file.
        raw = os.path.dirname(os.path.abspath(path)) if path is not None else None
        cached = self._by_raw_folder.get(raw)
        if cached is not None:
            return cached
        folder = Path.cwd() if path is None else Path(path).parent
        try:
            folder = folder.resolve()
        except OSError:
            folder = Path.cwd()
        if not folder.is_dir():
            folder = Path.cwd().resolve()
        config = self._for_folder(folder)
        self._by_raw_folder[raw] = config
        return config

    def _for_folder(self, folder: Path) -> Config:
        cached = self._by_folder.get(folder)
        if cached is not None:
            return cached
        candidate = folder / "pyproject.toml"
        try:
            present = candidate.is_file()
        except OSError:  # a folder the user may not search: its files are reported unreadable
            present = False
        config = self._load_file(candidate, required=False) if present else None
        if config is None:
            # No [tool.mlflow-naming] here: the plugin's flake8 options, so flake8 and check agree.
            found = _read_flake8_options(folder)
            if found is not None and found[1]:
                config = config_from_table(found[1], found[0])
        if config is None:
            config = Config(root=Path.cwd()) if folder.parent == folder else self._for_folder(folder.parent)
        self._by_folder[folder] = config
        return config

    def _load_file(self, pyproject: Path, required: bool) -> Config | None:
        if pyproject in self._by_file:
            return self._by_file[pyproject]
        table = _read_table(pyproject)
        if table is None:
            if required:
                raise ConfigError(f"{pyproject}: has no [tool.{TABLE}] table")
            return None
        config = config_from_table(table, pyproject)
        self._by_file[pyproject] = config
        return config


_SHARED_FINDERS: dict[Path | None, ConfigFinder] = {}


def shared_finder(config_file: str | Path | None = None) -> ConfigFinder:
    """One finder per process and ``--config`` file, so each pyproject is parsed once."""
    key = Path(config_file) if config_file else None
    if key not in _SHARED_FINDERS:
        _SHARED_FINDERS[key] = ConfigFinder(key)
    return _SHARED_FINDERS[key]


def forget_parsed_configurations() -> None:
    """Drop every cached parse, so the next ``for_path`` reads pyproject files again.

    A long-lived process (the language server) calls this when a pyproject.toml changes;
    one-shot commands never need it.
    """
    _SHARED_FINDERS.clear()
    _OVERRIDDEN.clear()


@dataclass(frozen=True)
class ConfigSource:
    """Where a front end's configuration comes from: the one way every front end gets a Config.

    ``config_file`` is an explicit pyproject.toml (``--config``), or None to search upwards
    from each checked path. ``overrides`` are settings that beat the file (flake8's
    ``--mlflow-*`` options, ``migrate --wrapper``), as ``(field name, value)`` pairs. The
    object is small and picklable: worker processes receive it and rebuild the very same
    configuration through their own per-process cache.
    """

    config_file: Path | None = None
    overrides: tuple[tuple[str, Any], ...] = ()

    def overriding(self, **values: Any) -> "ConfigSource":
        """A copy whose overrides also set ``values`` (None values are ignored)."""
        merged = dict(self.overrides)
        merged.update({k: v for k, v in values.items() if v is not None})
        return replace(self, overrides=tuple(sorted(merged.items())))

    def for_path(self, path: str | Path | None) -> Config:
        """The configuration governing ``path`` (None: standard input, searched from cwd)."""
        config = shared_finder(self.config_file).for_path(path)
        if not self.overrides:
            return config
        key = (id(config), self.overrides)
        cached = _OVERRIDDEN.get(key)
        if cached is None or cached[0] is not config:
            cached = _OVERRIDDEN[key] = (config, config.with_overrides(**dict(self.overrides)))
        return cached[1]


#: (base config id, overrides) -> (base config, overridden copy): overrides are applied once per base.
_OVERRIDDEN: dict[tuple[int, tuple[tuple[str, Any], ...]], tuple[Config, Config]] = {}


def process_config() -> Config:
    """The configuration of a process that has no file at hand (the runtime gate, tracked_run).

    ``MLFLOW_NAMING_CONFIG`` names a pyproject.toml explicitly (a tracking server started
    outside the project); otherwise the nearest one above the current folder governs.
    """
    explicit = os.environ.get(CONFIG_FILE_ENV_VAR) or None
    # for_path wants a file; the folder searched first is its parent, the cwd.
    return ConfigSource(Path(explicit) if explicit else None).for_path(Path.cwd() / "pyproject.toml")
