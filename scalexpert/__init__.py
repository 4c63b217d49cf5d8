"""scalexpert: a rule-based expert system that assesses software architectures for scalability.

The public API::

    import scalexpert

    report = scalexpert.check("architecture.yaml")          # a path, YAML text or an Architecture
    for finding in report.findings:
        print(finding.severity, finding.rule_id, finding.subjects, finding.message)
        for proof in finding.explanation.proof: ...
    print(report.capacity.system.breaking_component)      # the capacity model, typed
    print(scalexpert.render(report, "markdown"))          # any output format of the check command

Errors raised on purpose derive from :class:`ScalexpertError` (see :mod:`scalexpert.errors`).
Names are imported on first use, so that importing scalexpert stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import __version__ as __version__

_EXPORTS: dict[str, str] = {
    "check": "scalexpert.api",
    "load": "scalexpert.api",
    "render": "scalexpert.rendering",
    "RenderOptions": "scalexpert.reporters",
    "Config": "scalexpert.config",
    "Report": "scalexpert.findings",
    "Finding": "scalexpert.findings",
    "Explanation": "scalexpert.findings",
    "Proof": "scalexpert.findings",
    "Condition": "scalexpert.findings",
    "Location": "scalexpert.findings",
    "Assumption": "scalexpert.findings",
    "Catalogue": "scalexpert.findings",
    "RuleInfo": "scalexpert.findings",
    "CapacityReport": "scalexpert.analysis.capacity.records",
    "Severity": "scalexpert.severity",
    "SEVERITY_ORDER": "scalexpert.severity",
    "severity_rank": "scalexpert.severity",
    "RootCause": "scalexpert.findings",
    "Plan": "scalexpert.findings",
    "PlanStep": "scalexpert.findings",
    "Timeline": "scalexpert.findings",
    "Architecture": "scalexpert.model",
    "RuleSet": "scalexpert.language.ruleset",
    "load_ruleset": "scalexpert.language.ruleset",
    "ScalexpertError": "scalexpert.errors",
    "InputError": "scalexpert.errors",
    "RuleError": "scalexpert.errors",
    "ConfigError": "scalexpert.errors",
    "UsageError": "scalexpert.errors",
    "BudgetError": "scalexpert.errors",
    "Diagnostic": "scalexpert.errors",
}

# A literal list, so that type checkers read it (tests/test_typing.py keeps it equal to _EXPORTS)
__all__ = [
    "__version__",
    "Architecture",
    "Assumption",
    "BudgetError",
    "CapacityReport",
    "Catalogue",
    "Condition",
    "Config",
    "ConfigError",
    "Diagnostic",
    "Explanation",
    "Finding",
    "InputError",
    "Location",
    "Plan",
    "PlanStep",
    "Proof",
    "RenderOptions",
    "Report",
    "RootCause",
    "RuleError",
    "RuleInfo",
    "RuleSet",
    "SEVERITY_ORDER",
    "ScalexpertError",
    "Severity",
    "Timeline",
    "UsageError",
    "check",
    "load",
    "load_ruleset",
    "render",
    "severity_rank",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs; "X as X" marks an explicit re-export
    from .analysis.capacity.records import CapacityReport as CapacityReport
    from .api import check as check, load as load
    from .config import Config as Config
    from .errors import (
        BudgetError as BudgetError,
        ConfigError as ConfigError,
        Diagnostic as Diagnostic,
        InputError as InputError,
        RuleError as RuleError,
        ScalexpertError as ScalexpertError,
        UsageError as UsageError,
    )
    from .findings import (
        Assumption as Assumption,
        Catalogue as Catalogue,
        Condition as Condition,
        Explanation as Explanation,
        Finding as Finding,
        Location as Location,
        Plan as Plan,
        PlanStep as PlanStep,
        Proof as Proof,
        Report as Report,
        RootCause as RootCause,
        RuleInfo as RuleInfo,
        Timeline as Timeline,
    )
    from .language.ruleset import RuleSet as RuleSet, load_ruleset as load_ruleset
    from .model import Architecture as Architecture
    from .rendering import render as render
    from .reporters import RenderOptions as RenderOptions
    from .severity import (
        SEVERITY_ORDER as SEVERITY_ORDER,
        Severity as Severity,
        severity_rank as severity_rank,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scalexpert' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
