"""The rule catalogue (docs/rules/): one page per built-in rule and an index by category.

Regenerate every page with ``python -m scalexpert.docgen rules``. A page holds the rule's knowledge
entry (what, why, how to fix, trade-offs, thresholds, references), its severity and escalations,
its example architecture together with what scalexpert really reports on it (the example is
checked while the page is rendered), the near miss, and the rule file itself. The findings' help
links (``scalexpert.findings.rule_help_uri``, when ``docs_url`` is configured) point at these pages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..config import Config
from ..knowledge_base import KnowledgeEntry, Threshold
from ..language.ruleset import CompiledRule, RuleSet, builtin_rules_dir, load_ruleset
from ..loader import load_text
from ..review.suppressions import META_RULES

INDEX = "index.md"
_OPERATORS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "in", "not_in": "not in"}


def render_files() -> dict[str, str]:
    """File name (relative to docs/rules/) → Markdown, for every built-in rule and the index."""
    ruleset = load_ruleset()
    pages = {f"{rule.id}.md": render_rule(rule, ruleset) for rule in ruleset.finding_rules}
    pages[INDEX] = render_index(ruleset)
    return dict(sorted(pages.items()))


def render_index(ruleset: RuleSet) -> str:
    """The catalogue: finding rules by category, then the meta and derivation rules."""
    lines = [
        "# Rule catalogue",
        "",
        _generated_note("the rules and knowledge base"),
        "",
        f"scalexpert ships {len(ruleset.finding_rules)} rules that report findings, in "
        f"{len({r.category for r in ruleset.finding_rules})} categories, and "
        f"{len(ruleset.rules) - len(ruleset.finding_rules)} derivation rules that conclude intermediate facts "
        "for them. Each page says what the rule looks for, why it matters, how to fix it, what the fix "
        "costs, the thresholds it uses, an example that fires (with what scalexpert reports on it) and "
        "its sources. `scalexpert rules` lists the same rules in the terminal and `scalexpert explain "
        "RULE` prints one page. To write your own, see [custom rules](../custom-rules.md).",
        "",
    ]
    categories = ruleset.knowledge.categories
    by_category: dict[str, list[CompiledRule]] = {}
    for rule in ruleset.finding_rules:
        by_category.setdefault(rule.category, []).append(rule)
    lines += ["| category | rules |", "|---|---|"]
    order = sorted(by_category, key=lambda slug: (categories[slug].title if slug in categories else slug).lower())
    for slug in order:
        title = categories[slug].title if slug in categories else slug
        lines.append(f"| [{_cell(title)}](#{slug}) | {len(by_category[slug])} |")
    for slug in order:
        title = categories[slug].title if slug in categories else slug
        lines += ["", f'<a id="{slug}"></a>', "", f"## {title}", "", "| rule | severity | name | title |", "|---|---|---|---|"]
        for rule in by_category[slug]:
            lines.append(f"| [{rule.id}]({rule.id}.md) | {rule.spec.severity} | `{rule.name}` | {_cell(rule.title)} |")
    lines += ["", '<a id="suppressions"></a>', "", "## Suppressions", "",
              "Built into the engine rather than written as rule files; see "
              "[suppressions and baselines](../suppressions-and-baselines.md).", "",
              "| rule | severity | name | title |", "|---|---|---|---|"]
    for meta in sorted(META_RULES.values(), key=lambda m: m.id):
        lines.append(f"| {meta.id} | {meta.severity} | `{meta.name}` | {_cell(meta.title)} |")
    lines += ["", '<a id="derivations"></a>', "", "## Derivation rules", "",
              "They report nothing themselves: each concludes a derived fact that finding rules match, "
              "and appears in the proof of those findings (`scalexpert rules --all` lists them).", "",
              "| rule | derives | name | what it concludes |", "|---|---|---|---|"]
    for rule in ruleset.rules:
        if not rule.is_finding and rule.spec.then.derive is not None:
            lines.append(f"| {rule.id} | `{rule.spec.then.derive.fact}` | `{rule.name}` | "
                         f"{_cell(rule.spec.description or '')} |")
    return "\n".join(lines) + "\n"


def render_rule(rule: CompiledRule, ruleset: RuleSet) -> str:
    """One rule's page."""
    entry = rule.knowledge
    assert entry is not None, f"{rule.id} concludes findings and has a knowledge entry"
    lines = [f"# {rule.id}: {entry.title}", "", _generated_note(f"`{_rule_path(rule)}` and its knowledge entry"), ""]
    lines += [f"| id | `{rule.id}` |", "|---|---|", f"| name | `{rule.name}` |", f"| severity | {_severity(rule, ruleset)} |",
              f"| category | [{_cell(_category_title(rule, ruleset))}](index.md#{rule.category}) |"]
    if rule.spec.aliases:
        lines.append(f"| former names | {', '.join(f'`{a}`' for a in rule.spec.aliases)} |")
    lines.append(f"| status | {entry.status}" + (f", since {entry.since}" if entry.since else "") + " |")
    if entry.seed:
        lines.append(f"| seed headings | {_cell(', '.join(entry.seed))} ([coverage](../coverage.md)) |")
    lines.append(f"| rule file | `{_rule_path(rule)}` |")
    for heading, body in (("What it finds", entry.summary), ("Why it matters", entry.why),
                          ("How to fix it", entry.fix), ("Trade-offs", entry.trade_offs)):
        lines += ["", f"## {heading}", "", _prose(body)]
    used = used_thresholds(rule, ruleset)
    if used:
        lines += ["", "## Thresholds", "",
                  "Every number the rule compares with. Override them in the [configuration](../configuration.md) "
                  "(`thresholds:`).", "",
                  "| threshold | value | meaning | source |", "|---|---|---|---|"]
        for name, (threshold, owner) in used.items():
            value = f"{threshold.value:g}" + (f" {threshold.unit}" if threshold.unit else "")
            source = ("Heuristic: " if threshold.heuristic and "heuristic" not in threshold.source.lower()
                      else "") + threshold.source
            if owner != rule.id:
                source += f" (defined with [{owner}]({owner}.md))"
            lines.append(f"| `{name}` | {_cell(value)} | {_cell(threshold.description)} | {_cell(source)} |")
    lines += _examples(rule, entry, ruleset)
    lines += ["", "## References", ""]
    for ref in entry.references:
        lines.append(f"- [{_link_text(ref.title)}]({ref.url})" if ref.url else f"- {ref.title}")
    lines += ["", "## The rule", "", "```yaml", Path(rule.file).read_text("utf-8").rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"


def used_thresholds(rule: CompiledRule, ruleset: RuleSet) -> dict[str, tuple[Threshold, str]]:
    """The thresholds a rule uses (its own entry's, then those it names with ``@``), with the entry defining each."""
    known = ruleset.knowledge.thresholds
    own = list(rule.knowledge.thresholds) if rule.knowledge else []
    named = re.findall(r"@([A-Za-z_][A-Za-z0-9_]*)", Path(rule.file).read_text("utf-8"))
    return {name: known[name] for name in dict.fromkeys([*own, *named]) if name in known}


def _examples(rule: CompiledRule, entry: KnowledgeEntry, ruleset: RuleSet) -> list[str]:
    if entry.examples is None:
        return []
    bad, good = entry.examples.anti_pattern, entry.examples.good
    lines = ["", "## Example that fires", ""]
    if bad.description:
        lines += [_prose(bad.description), ""]
    lines += ["```yaml", bad.architecture.rstrip("\n"), "```", "", "scalexpert reports:", "", "```text"]
    lines += _reported(rule, bad.architecture, ruleset) or ["(nothing: the example no longer fires; see tests/test_rules.py)"]
    lines += ["```", "", "## A near miss", ""]
    if good.description:
        lines += [_prose(good.description), ""]
    lines += ["```yaml", good.architecture.rstrip("\n"), "```", "", "It reports nothing for this rule."]
    return lines


def _reported(rule: CompiledRule, architecture: str, ruleset: RuleSet) -> list[str]:
    """What a check with only this rule (and the derivations) reports, one finding after another."""
    from ..api import check

    report = check(load_text(architecture, file="example.yaml"), rules=ruleset,
                   config=Config(enable=[rule.id], suppressions=False))
    lines: list[str] = []
    for finding in report.findings:
        if finding.rule_id != rule.id:
            continue
        where = f"{finding.location.line}:{finding.location.column}" if finding.location else "-"
        lines.append(f"{finding.severity.upper()} {', '.join(finding.subjects)} (line {where}): {finding.message}")
        lines += [f"  would clear it: {change}" for change in finding.explanation.what_if]
    return lines


def _severity(rule: CompiledRule, ruleset: RuleSet) -> str:
    finding = rule.spec.then.finding
    text = rule.spec.severity
    if finding is None or not finding.escalate:
        return text
    steps = []
    for step in finding.escalate:
        conditions = " and ".join(f"`{var}` {_condition(ops, ruleset)}" for var, ops in step.when.items())
        steps.append(f"{step.severity} when {conditions}")
    return f"{text}; " + "; ".join(steps)


def _condition(ops: dict[str, Any], ruleset: RuleSet) -> str:
    return ", ".join(f"{_OPERATORS.get(op, op)} {_operand(value, ruleset)}" for op, value in ops.items())


def _operand(value: Any, ruleset: RuleSet | None = None) -> str:
    if isinstance(value, str) and value.startswith("@") and ruleset and value[1:] in ruleset.knowledge.thresholds:
        return f"`{value}` ({ruleset.knowledge.thresholds[value[1:]][0].value:g})"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_operand(v) for v in value) + "]"
    return f"`{value}`" if isinstance(value, str) else f"{value:g}" if isinstance(value, float) else str(value)


def _rule_path(rule: CompiledRule) -> str:
    try:
        return "rules/" + Path(rule.file).resolve().relative_to(builtin_rules_dir().resolve()).as_posix()
    except ValueError:
        return Path(rule.file).name


def _category_title(rule: CompiledRule, ruleset: RuleSet) -> str:
    category = ruleset.knowledge.categories.get(rule.category)
    return category.title if category else rule.category


def _generated_note(source: str) -> str:
    return (f"<!-- Generated from {source} by `python -m scalexpert.docgen rules`.\n"
            "     Do not edit by hand: change the rule or its knowledge entry and regenerate. -->")


def _prose(text: str) -> str:
    """Paragraphs of a knowledge text, each on one line (folded YAML keeps stray line breaks)."""
    paragraphs = [" ".join(part.split()) for part in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _link_text(text: str) -> str:
    return " ".join(text.split()).replace("[", "\\[").replace("]", "\\]")
