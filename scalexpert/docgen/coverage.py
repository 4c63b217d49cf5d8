"""The coverage page (docs/coverage.md): every heading of the seed document and the rules that cover it.

Regenerate it with ``python -m scalexpert.docgen coverage > docs/coverage.md``. The headings and the
reasons for what a file cannot show come from ``knowledge/coverage.yaml``; which rules cover a
heading comes from the ``seed:`` list of each rule's knowledge entry, so the page follows the rules.
"""

from __future__ import annotations

from ..knowledge_base import SeedSection, load_coverage
from ..language.ruleset import CompiledRule, load_ruleset


def covering_rules(rules: list[CompiledRule]) -> dict[str, list[CompiledRule]]:
    """Seed heading → the finding rules whose knowledge entry lists it, by id."""
    covered: dict[str, list[CompiledRule]] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        for heading in rule.knowledge.seed if rule.knowledge else ():
            covered.setdefault(heading, []).append(rule)
    return covered


def render(sections: list[SeedSection] | None = None) -> str:
    """The page, from the coverage target and the built-in rules."""
    sections = load_coverage() if sections is None else sections
    ruleset = load_ruleset()
    covered = covering_rules(ruleset.finding_rules)
    headings = [h for s in sections for h in s.headings]
    with_rules = sum(1 for h in headings if covered.get(h.heading))
    with_reason = sum(1 for h in headings if h.reason)
    lines = [
        "# Coverage of the seed document",
        "",
        "<!-- Generated from knowledge/coverage.yaml and the knowledge entries' `seed:` lists by\n"
        "     `python -m scalexpert.docgen coverage > docs/coverage.md`. Do not edit by hand. -->",
        "",
        "The knowledge base follows the scalability architect's seed document: each of its "
        f"{len(headings)} headings below lists the rules that check it (each rule's knowledge entry "
        "names the headings it covers) and, where an architecture file cannot show all of what the "
        "heading means, why. "
        f"{with_rules} headings have rules; {with_reason} say what a file cannot show.",
        "",
    ]
    for section in sections:
        lines += [f"## {section.section}", "", "| heading | rules | what a file cannot show |", "|---|---|---|"]
        for heading in section.headings:
            rules = covered.get(heading.heading, [])
            links = ", ".join(f"[{r.id}](rules/{r.id}.md)" for r in rules) or "—"
            lines.append(f"| {_cell(heading.heading)} | {links} | {_cell(heading.reason or '')} |")
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
