"""Configuration files: ``.scalexpert.yaml`` or ``[tool.scalexpert]`` in ``pyproject.toml``.

The first of them found from the current directory upwards is used (in each folder
``.scalexpert.yaml``, then ``.scalexpert.yml``, then a ``pyproject.toml`` that has a
``[tool.scalexpert]`` table); ``--config FILE`` names one instead. Keys are the fields of
:class:`~scalexpert.config.Config` (``fail-on`` and ``fail_on`` both work); an unknown key is an
error naming it. ``extends`` builds on a built-in preset (``scalexpert/presets.yaml``) or on
another file; mappings (``severity``, ``thresholds``) are merged key by key, every other value
of the extending file replaces the one it extends. Relative paths (``rules``, ``baseline``,
``extends``) are relative to the file that states them.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..config import Config
from ..errors import ConfigError, Diagnostic, InputError
from ..loader.load import path_problem, read_text
from ..loader.typed import model_problems
from ..loader.yamlsource import SourceMap, parse, shown

YAML_NAMES = (".scalexpert.yaml", ".scalexpert.yml")
_TOML_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*scalexpert\s*[\].]", re.MULTILINE)
_PATH_KEYS = ("rules", "baseline")
_MAX_EXTENDS = 8


@dataclass(frozen=True)
class LoadedConfig:
    """A configuration and the files it came from (most specific first; empty: defaults)."""

    config: Config
    files: tuple[str, ...] = ()


def presets() -> dict[str, dict[str, Any]]:
    """The built-in presets: name → {description, settings}."""
    text = (resources.files("scalexpert") / "presets.yaml").read_text("utf-8")
    raw, _ = parse(text, "scalexpert/presets.yaml")
    return {str(name): dict(value) for name, value in raw.items()}


def _toml_loader() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:
        import tomli  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return tomli


def _has_table(path: Path) -> bool:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return bool(_TOML_TABLE.search(text))


def find_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The configuration file that applies in ``start`` (default: the current directory), if any."""
    folder = Path(start or os.getcwd()).resolve()
    for candidate in (folder, *folder.parents):
        for name in YAML_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    loader = _toml_loader()
    if loader is None:
        raise ConfigError(
            f"{path}: has a [tool.scalexpert] table, but reading TOML on Python {sys.version_info[0]}.{sys.version_info[1]} "
            "needs the 'tomli' package (pip install tomli), or move the settings to .scalexpert.yaml"
        )
    try:
        with open(path, "rb") as handle:
            data = loader.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # tomllib.TOMLDecodeError derives from ValueError
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    table = data.get("tool", {}).get("scalexpert")
    if table is None:
        raise ConfigError(f"{path}: no [tool.scalexpert] table")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.scalexpert] must be a table")
    return table


def _read_yaml(path: Path) -> tuple[dict[str, Any], SourceMap | None]:
    try:  # regular files only, within the size limit: a FIFO or /dev/zero named as configuration never hangs
        text = read_text(str(path))
    except InputError as exc:
        if exc.diagnostics and exc.diagnostics[0].message == "no such file":
            raise ConfigError(f"{path}: configuration file not found") from None
        raise
    raw, source = parse(text, str(path), empty=True)
    if raw is None:  # empty, or only comments: the defaults
        return {}, source
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a configuration file must be a mapping of settings")
    return raw, source


def _normalise(raw: dict[str, Any], path: Path, source: SourceMap | None) -> dict[str, Any]:
    """Keys with '_' for '-', checked against Config (types strictly: ``true`` is no number); relative paths
    made absolute."""
    known = set(Config.model_fields)
    result: dict[str, Any] = {}
    renamed: dict[Any, Any] = {}
    for key, value in raw.items():
        name = str(key).replace("-", "_")
        if name not in known:
            where = _where(path, source, key)
            raise ConfigError(f"{where}: unknown key {shown(key)} (known: {', '.join(sorted(known))})")
        result[name] = value
        renamed[name] = key
    _check_types(result, renamed, path, source)
    base = path.parent
    if isinstance(result.get("rules"), list):
        result["rules"] = [str((base / str(r)).resolve()) if isinstance(r, str) else r for r in result["rules"]]
    if isinstance(result.get("baseline"), str):
        result["baseline"] = str((base / result["baseline"]).resolve())
    return result


def _check_types(settings: dict[str, Any], renamed: dict[Any, Any], path: Path, source: SourceMap | None) -> None:
    """Each file's own settings against Config, strictly, with the line and column of each problem."""
    strings = [(name, value) for name in _PATH_KEYS + ("extends",) for value in _listed(settings.get(name))]
    for name, value in strings:
        if isinstance(value, str) and "\0" in value:
            raise ConfigError(f"{_where(path, source, renamed[name])}: {name}: a path with a NUL byte cannot name a file")
    written = SourceMap(str(path))
    if source is not None:  # positions under the normalised names (fail-on → fail_on)
        back = {original: name for name, original in renamed.items()}
        for table, target in ((source.keys, written.keys), (source.values, written.values)):
            for key_path, position in table.items():
                if key_path and key_path[0] in back:
                    target[(back[key_path[0]],) + tuple(key_path[1:])] = position
                else:
                    target[key_path] = position
    _, problems = model_problems(Config, settings, written)
    if problems:
        raise ConfigError("\n".join(_problem_line(path, source, d) for d in problems))


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _problem_line(path: Path, source: SourceMap | None, problem: Diagnostic) -> str:
    where = f"{path}:{problem.line}:{problem.column}" if source is not None else str(path)
    return f"{where}: {problem.path}: {problem.message}" if problem.path else f"{where}: {problem.message}"


def _where(path: Path, source: SourceMap | None, *keys: Any) -> str:
    if source is None:
        return str(path)
    pos = source.position(tuple(keys))
    return f"{path}:{pos.line}:{pos.column}"


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if key == "extends":
            continue
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _settings(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Settings of one file with everything it extends merged underneath."""
    if path.resolve() in chain:
        raise ConfigError(f"{path}: 'extends' cycle: {' → '.join(str(p) for p in (*chain, path.resolve()))}")
    if len(chain) > _MAX_EXTENDS:
        raise ConfigError(f"{path}: 'extends' nested more than {_MAX_EXTENDS} levels")
    if path.suffix == ".toml":
        raw, source = _read_toml(path), None
    else:
        raw, source = _read_yaml(path)
    settings = _normalise(raw, path, source)
    parent = settings.get("extends")
    files: tuple[str, ...] = (str(path),)
    if parent is None:
        return settings, files
    if not isinstance(parent, str) or not parent:
        raise ConfigError(f"{_where(path, source, 'extends')}: 'extends' must name a preset or a file")
    known = presets()
    if parent in known:
        preset = known[parent].get("settings") or {}
        return _merge(_normalise(dict(preset), Path(f"<preset {parent}>"), None), settings), (*files, f"<preset {parent}>")
    target = (path.parent / parent).resolve()
    if not target.is_file():
        raise ConfigError(f"{_where(path, source, 'extends')}: 'extends: {parent}' is neither a preset "
                          f"({', '.join(sorted(known))}) nor an existing file")
    inherited, more = _settings(target, (*chain, path.resolve()))
    return _merge(inherited, settings), (*files, *more)


def _file_problem(name: str) -> str | None:
    """Why ``name`` cannot be read as a configuration file, or None."""
    refused = path_problem(name)
    if refused:
        return refused
    try:
        info = os.stat(name)
    except FileNotFoundError:
        return "configuration file not found"
    except OSError as exc:  # a symlink loop, a name too long
        return f"cannot read: {exc.strerror or exc}"
    return None if stat.S_ISREG(info.st_mode) else "not a regular file"


def load_config(path: str | os.PathLike[str] | None = None, *, start: str | os.PathLike[str] | None = None) -> LoadedConfig:
    """Read the configuration named by ``path``, or the one found from ``start`` upwards, or the defaults."""
    found: Path | None
    if path is not None:
        found = Path(path)
        refused = _file_problem(str(path))
        if refused:
            raise ConfigError(f"{path}: {refused}")
    else:
        found = find_config(start)
        if found is None:
            return LoadedConfig(Config())
    settings, files = _settings(found, ())
    settings.pop("extends", None)
    try:
        config = Config.model_validate(settings, strict=True)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            where = ".".join(str(p) for p in error["loc"])
            problems.append(f"{found}: {where}: {error['msg']}")
        raise ConfigError("\n".join(problems)) from None
    return LoadedConfig(config, files)


__all__ = ["YAML_NAMES", "LoadedConfig", "find_config", "load_config", "presets"]
