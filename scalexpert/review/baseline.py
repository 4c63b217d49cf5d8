"""Baselines: accept the findings a project has today, fail only on new ones.

A baseline file lists findings by file and fingerprint (``rule@subject[@subject]``), never by
line, so edits that move lines keep matching. It is compared as a multiset: an entry accepts one
finding, so one old finding never hides a new one with the same fingerprint. File names are
stored relative to the baseline file's folder, so a run from another directory still matches.
"""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ConfigError, UsageError
from ..findings import Report
from ..loader.load import path_problem

FORMAT_VERSION = 1


class BaselineEntry(BaseModel):
    """Findings of one fingerprint in one file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str = Field(description="Architecture file, relative to the baseline file's folder ('/' separators).")
    fingerprint: str = Field(min_length=1, description="rule@subject[@subject].")
    count: int = Field(default=1, ge=1, le=1_000_000_000, description="How many such findings are accepted (at most 1,000,000,000).")


class BaselineFile(BaseModel):
    """The whole baseline file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scalexpert_baseline: int = Field(description=f"Format version ({FORMAT_VERSION}).")
    findings: list[BaselineEntry] = Field(default_factory=list)


@dataclass(frozen=True)
class BaselineOutcome:
    """What applying a baseline did."""

    matched: int
    stale: tuple[tuple[str, str], ...]
    """(file, fingerprint) of accepted findings that no longer occur in the files checked (each once)."""
    stale_count: int = 0
    """How many accepted findings no longer occur (an entry's count is a number, never a list)."""


def file_key(file: str, base_dir: str) -> str:
    """An architecture file's name relative to ``base_dir``, with '/' separators."""
    if file.startswith("<"):
        return file
    absolute = os.path.abspath(file)
    try:
        relative = os.path.relpath(absolute, os.path.abspath(base_dir))
    except ValueError:  # another drive on Windows
        relative = absolute
    return Path(relative).as_posix()


def baseline_of(reports: Sequence[Report], base_dir: str) -> BaselineFile:
    """The baseline accepting every finding of the reports that is not suppressed (sorted)."""
    counts: Counter[tuple[str, str]] = Counter()
    for report in reports:
        key = file_key(report.file, base_dir)
        for finding in report.findings:
            if finding.suppressed is None:
                counts[(key, finding.fingerprint)] += 1
    entries = [BaselineEntry(file=f, fingerprint=fp, count=n) for (f, fp), n in sorted(counts.items())]
    return BaselineFile(scalexpert_baseline=FORMAT_VERSION, findings=entries)


def render_baseline(baseline: BaselineFile) -> str:
    """The baseline file's text (deterministic)."""
    return json.dumps(baseline.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def read_baseline(path: str) -> BaselineFile:
    """Read and validate a baseline file (usage error when missing, configuration error when invalid)."""
    refused = path_problem(path)
    if refused:
        raise UsageError(f"{path}: {refused}")
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block the run, a device never end
            raise UsageError(f"{path}: the baseline is not a regular file (device, pipe, socket or directory)")
        with open(path, encoding="utf-8") as handle:
            raw = json.loads(handle.read(64 * 1024 * 1024))  # bounded: the path may be a symlink to /dev/zero
    except FileNotFoundError:
        raise UsageError(f"{path}: baseline file not found (create one with --write-baseline)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the baseline: {exc.strerror if isinstance(exc, OSError) else exc}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}:{exc.colno}: baseline is not valid JSON: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # an integer of thousands of digits, [[[[...]]]] nested too deep
        what = "an integer too long to read" if isinstance(exc, ValueError) else "nesting too deep to read"
        raise ConfigError(f"{path}: baseline is not a valid baseline: {what}") from None
    try:
        baseline = BaselineFile.model_validate(raw, strict=True)  # a count is never true
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ConfigError(f"{path}: baseline: {where}: {first['msg']}") from None
    if baseline.scalexpert_baseline != FORMAT_VERSION:
        raise ConfigError(f"{path}: baseline format {baseline.scalexpert_baseline} is not supported (expected {FORMAT_VERSION})")
    return baseline


def apply_baseline(reports: Sequence[Report], baseline: BaselineFile, base_dir: str,
                   canonical: Callable[[str], str | None] | None = None) -> tuple[list[Report], BaselineOutcome]:
    """Mark findings the baseline accepts (each entry once per count); return the reports and the outcome.

    ``canonical`` maps a rule id or alias to the rule's current id, so that a baseline written before
    a rule was renamed still matches its findings."""
    remaining: Counter[tuple[str, str]] = Counter()
    for entry in baseline.findings:
        remaining[(entry.file, _current(entry.fingerprint, canonical))] += entry.count
    checked: set[str] = set()
    matched = 0
    result = []
    for report in reports:
        key = file_key(report.file, base_dir)
        checked.add(key)
        findings = []
        for finding in report.findings:
            slot = (key, finding.fingerprint)
            if finding.suppressed is None and remaining[slot] > 0:
                remaining[slot] -= 1
                matched += 1
                finding = finding.model_copy(update={"baseline": True})
            findings.append(finding)
        result.append(report.model_copy(update={"findings": tuple(findings)}))
    left = {slot: n for slot, n in remaining.items() if n > 0 and slot[0] in checked}
    return result, BaselineOutcome(matched=matched, stale=tuple(sorted(left)), stale_count=sum(left.values()))


def _current(fingerprint: str, canonical: Callable[[str], str | None] | None) -> str:
    """The fingerprint with its rule part under the rule's current id."""
    rule, at, rest = fingerprint.partition("@")
    return ((canonical(rule) if canonical else None) or rule) + at + rest


__all__ = ["FORMAT_VERSION", "BaselineEntry", "BaselineFile", "BaselineOutcome", "apply_baseline", "baseline_of",
           "file_key", "read_baseline", "render_baseline"]
