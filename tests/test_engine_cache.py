"""The compiled rules in the rule cache: a later process reads the prepared experta conditions back
instead of compiling and preparing every rule, finds exactly what a fresh compilation finds, and
never uses an entry made for other rules, thresholds, code or experta, or one it cannot vouch for."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from scalexpert import cache
from scalexpert.api import check, load
from scalexpert.analysis.capacity import analyse
from scalexpert.analysis.graph import analyse_graph
from scalexpert.engine import rete, run
from scalexpert.engine.compile import ExpertaBuilder
from scalexpert.engine.run import CompiledRules, compiled_rules
from scalexpert.facts.build import build_facts
from scalexpert.language.ruleset import load_ruleset
from helpers import user_rules

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "large-marketplace.yaml"

ARCHITECTURE = """\
version: 1
system:
  name: small
components:
  api:
    kind: service
    replicas: 2
"""


def engine_entries(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{run.ENGINE_CACHE}-*.pickle")) if folder.exists() else []


def findings(example: Path = EXAMPLE, **kwargs: Any) -> list[dict[str, Any]]:
    return [f.model_dump(mode="json") for f in check(example, assess=False, **kwargs).findings]


def refuse_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make compiling and preparing rules fail, so that only the cache can answer."""
    def refuse(*args: object, **kwargs: object) -> Any:
        raise AssertionError("rules were compiled again")

    monkeypatch.setattr(ExpertaBuilder, "conditions", refuse)
    monkeypatch.setattr(rete, "prepare_rule", refuse)


def test_a_later_run_reads_the_compiled_rules_and_finds_the_same(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALEXPERT_CACHE", "off")
    fresh = findings(rules=load_ruleset())
    monkeypatch.delenv("SCALEXPERT_CACHE")
    assert findings(rules=load_ruleset()) == fresh  # compiles and stores
    assert len(engine_entries(cache_dir)) == 1
    refuse_compiling(monkeypatch)
    assert findings(rules=load_ruleset()) == fresh  # a new rule set object: read back from the entry


def test_the_compiled_rules_read_back_equal_the_compiled_ones(cache_dir: Path) -> None:
    made = compiled_rules(load_ruleset(), {})
    read = compiled_rules(load_ruleset(), {})
    assert read is not made
    assert repr(read.prepared) == repr(made.prepared)
    assert read.used == made.used
    loaded = load(EXAMPLE)
    for record in build_facts(loaded, analyse_graph(loaded.model), analyse(loaded.model)):
        assert read.builder.pattern_ids(record.type, record.values) == made.builder.pattern_ids(record.type, record.values)
    assert set(read.builder.fact_classes) == set(made.builder.fact_classes)
    assert all(read.builder.fact_classes[name].__name__ == made.builder.fact_classes[name].__name__
               for name in made.builder.fact_classes)


def test_changed_rules_are_compiled_again(cache_dir: Path, tmp_path: Path) -> None:
    arch = tmp_path / "small.yaml"
    arch.write_text(ARCHITECTURE, encoding="utf-8")
    folder = user_rules(tmp_path / "rules", limit=2)

    def user_findings() -> list[str]:
        return [f["rule_id"] for f in findings(arch, rules=load_ruleset([folder])) if f["rule_id"] == "USER-001"]

    assert user_findings() == []  # replicas 2 is not < 2
    assert user_findings() == []  # from the entry
    user_rules(folder, limit=3)  # same size: only the content differs
    assert user_findings() == ["USER-001"]
    assert len(engine_entries(cache_dir)) == 2


def test_other_thresholds_other_folding_and_other_experta_are_other_entries(cache_dir: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    ruleset = load_ruleset()
    name = next(iter(ruleset.knowledge.thresholds))
    compiled_rules(ruleset, {})
    compiled_rules(ruleset, {name: 12345.0})
    compiled_rules(ruleset, {}, fold=False)
    assert len(engine_entries(cache_dir)) == 3
    monkeypatch.setattr(run, "experta_version", lambda: "0.0-other")
    compiled_rules(load_ruleset(), {})
    assert len(engine_entries(cache_dir)) == 4
    specs = compiled_rules(load_ruleset(), {name: 12345.0}).builder._specs.values()
    assert any(spec[0] == "is" and spec[3] == 12345.0 for spec in specs)  # the threshold given, not the default


def test_changed_code_is_compiled_again(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled_rules(load_ruleset(), {})
    monkeypatch.setattr(cache, "_CODE", ["another scalexpert"])  # as after editing any source file
    compiled_rules(load_ruleset(), {})
    assert len(engine_entries(cache_dir)) == 2


@pytest.mark.parametrize("damage", ["garbage", "not compiled rules", "writable by others"])
def test_an_entry_that_cannot_be_vouched_for_is_compiled_again(damage: str, cache_dir: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = findings(rules=load_ruleset())
    (entry,) = engine_entries(cache_dir)
    header = entry.read_bytes().split(b"\n", 1)[0]
    key = header.split(b" ")[2].decode()
    if damage == "garbage":
        entry.write_bytes(header + b"\n" + b"\x80\x04 not a pickle")
    elif damage == "not compiled rules":
        assert cache.write(cache_dir, key, {"not": "compiled rules"}, run.ENGINE_CACHE)
    else:
        entry.chmod(0o666)
        monkeypatch.setattr(cache, "write", lambda *args, **kwargs: False)  # the entry stays as it is
    compiled: list[bool] = []
    original = ExpertaBuilder.conditions
    monkeypatch.setattr(ExpertaBuilder, "conditions", lambda *a, **k: compiled.append(True) or original(*a, **k))
    assert findings(rules=load_ruleset()) == fresh
    assert compiled  # the entry was not used
    if damage != "writable by others":
        assert isinstance(cache.read(cache_dir, key, CompiledRules, run.ENGINE_CACHE), CompiledRules)  # stored again


def test_a_rule_set_not_read_through_the_cache_is_not_cached(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scalexpert.knowledge_base import load_knowledge

    compiled_rules(load_ruleset(knowledge=load_knowledge()), {})
    assert engine_entries(cache_dir) == []
    monkeypatch.setenv("SCALEXPERT_CACHE", "off")
    compiled_rules(load_ruleset(), {})
    assert engine_entries(cache_dir) == []


def test_a_rule_set_read_from_the_cache_remembers_its_entry(cache_dir: Path) -> None:
    ruleset = load_ruleset()
    assert cache.origin(ruleset) is not None
    assert cache.origin(load_ruleset()) == cache.origin(ruleset)
    assert cache.origin(pickle.loads(pickle.dumps(ruleset))) is None  # an equal object is not the entry's
