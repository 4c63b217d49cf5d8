"""The rule cache: the same rule set as reading the files, invalidated by any change to them, safe
with several writers at once, and never trusting an entry it cannot vouch for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scalexpert.api import check
from scalexpert import cache
from scalexpert.language import ruleset as ruleset_module
from scalexpert.language.ruleset import RuleSet, load_ruleset
from helpers import USER_RULE, user_rules

ROOT = Path(__file__).resolve().parents[1]


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("rules-*.pickle")) if folder.exists() else []


def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading rule files fail, so that only the cache can answer."""
    def refuse(*args: object, **kwargs: object) -> RuleSet:
        raise AssertionError("rule files were read")

    monkeypatch.setattr(ruleset_module, "_load", refuse)


def shape(rules: RuleSet) -> list[tuple[object, ...]]:
    return [(r.id, r.spec, r.elements, r.file, r.builtin, r.knowledge) for r in rules.rules]


def test_a_second_load_comes_from_the_cache_and_equals_reading_the_files(cache_dir: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder = user_rules(tmp_path / "rules")
    first = load_ruleset([folder])
    assert len(entries(cache_dir)) == 1
    monkeypatch.setenv("SCALEXPERT_CACHE", "off")
    fresh = load_ruleset([folder])
    monkeypatch.delenv("SCALEXPERT_CACHE")
    no_reading(monkeypatch)
    cached = load_ruleset([folder])
    assert shape(cached) == shape(fresh) == shape(first)
    assert cached.fact_types.keys() == fresh.fact_types.keys()
    assert cached.knowledge.thresholds == fresh.knowledge.thresholds


def test_findings_are_the_same_from_the_cache(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    example = ROOT / "examples" / "large-marketplace.yaml"
    monkeypatch.setenv("SCALEXPERT_CACHE", "off")
    fresh = check(example, rules=load_ruleset(), assess=False)
    monkeypatch.delenv("SCALEXPERT_CACHE")
    load_ruleset()  # stores the entry
    no_reading(monkeypatch)
    cached = check(example, rules=load_ruleset(), assess=False)
    assert [f.model_dump(mode="json") for f in cached.findings] == [f.model_dump(mode="json") for f in fresh.findings]


def test_a_changed_rule_file_is_read_again(cache_dir: Path, tmp_path: Path) -> None:
    folder = user_rules(tmp_path / "rules", severity="low")
    assert load_ruleset([folder]).find("USER-001").spec.severity == "low"  # type: ignore[union-attr]
    user_rules(folder, severity="high")  # same size, same second: only the content differs
    assert load_ruleset([folder]).find("USER-001").spec.severity == "high"  # type: ignore[union-attr]
    assert len(entries(cache_dir)) == 2


def test_a_new_rule_file_is_seen(cache_dir: Path, tmp_path: Path) -> None:
    folder = user_rules(tmp_path / "rules")
    load_ruleset([folder])
    (folder / "user-002.yaml").write_text(USER_RULE.format(severity="low", limit=2).replace("USER-001", "USER-002")
                                          .replace("user.single-replica", "user.other"), encoding="utf-8")
    assert load_ruleset([folder]).find("USER-002") is not None


def test_a_rule_file_with_errors_is_never_cached(cache_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "broken.yaml").write_text("id: X-1\nwhen: [\n", encoding="utf-8")
    with pytest.raises(Exception):
        load_ruleset([folder])
    assert entries(cache_dir) == []


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other key", "payload changed", "empty"])
def test_a_damaged_entry_is_ignored_and_replaced(damage: str, cache_dir: Path, tmp_path: Path) -> None:
    folder = user_rules(tmp_path / "rules")
    expected = shape(load_ruleset([folder]))
    (entry,) = entries(cache_dir)
    data = entry.read_bytes()
    header, payload = data.split(b"\n", 1)
    damaged = {
        "garbage": b"\x80\x04not a pickle at all",
        "truncated": data[: len(data) // 2],
        "other key": header.replace(header.split(b" ")[2], b"0" * 64) + b"\n" + payload,
        "payload changed": header + b"\n" + payload[:-10] + b"x" * 10,
        "empty": b"",
    }[damage]
    entry.write_bytes(damaged)
    assert shape(load_ruleset([folder])) == expected
    key = header.split(b" ")[2].decode()
    assert cache.read(cache_dir, key, RuleSet) is not None  # written again, whole


def test_an_entry_others_could_have_written_is_not_read(cache_dir: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = user_rules(tmp_path / "rules")
    load_ruleset([folder])
    (entry,) = entries(cache_dir)
    entry.chmod(0o666)
    key = entry.name
    monkeypatch.setattr(cache, "write", lambda *args: False)  # so the entry stays as it is
    no_reading_calls: list[bool] = []
    real = ruleset_module._load
    monkeypatch.setattr(ruleset_module, "_load", lambda *a: no_reading_calls.append(True) or real(*a))
    load_ruleset([folder])
    assert no_reading_calls == [True]  # the group/world-writable entry was not trusted
    assert (cache_dir / key).exists()


def test_a_pickle_that_is_not_a_rule_set_is_not_used(cache_dir: Path, tmp_path: Path) -> None:
    folder = user_rules(tmp_path / "rules")
    load_ruleset([folder])
    (entry,) = entries(cache_dir)
    key = entry.read_bytes().split(b" ", 3)[2].decode()
    assert cache.write(cache_dir, key, {"not": "a rule set"})
    assert isinstance(load_ruleset([folder]), RuleSet)


def test_the_cache_can_be_turned_off(cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALEXPERT_CACHE", "off")
    load_ruleset([user_rules(tmp_path / "rules")])
    assert not cache_dir.exists()


def test_xdg_cache_home_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCALEXPERT_CACHE_DIR", raising=False)
    monkeypatch.delenv("SCALEXPERT_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "scalexpert"
    load_ruleset([user_rules(tmp_path / "rules")])
    assert entries(tmp_path / "xdg" / "scalexpert")
    assert oct((tmp_path / "xdg" / "scalexpert").stat().st_mode & 0o777) == oct(0o700)


def test_a_read_only_cache_folder_is_no_error(cache_dir: Path, tmp_path: Path) -> None:
    cache_dir.parent.mkdir(exist_ok=True)
    cache_dir.write_text("a file where the folder should be", encoding="utf-8")
    assert load_ruleset([user_rules(tmp_path / "rules")]).find("USER-001") is not None


def test_device_in_a_rules_folder_is_reported_not_hashed(cache_dir: Path, tmp_path: Path) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "zero.yaml").symlink_to("/dev/zero")
    with pytest.raises(Exception, match="not a regular file"):
        load_ruleset([folder], builtin=False)
    assert entries(cache_dir) == []


def test_concurrent_writers_in_one_process_leave_one_whole_entry(tmp_path: Path) -> None:
    import threading

    folder = tmp_path / "cache"
    values = [{"writer": i, "data": list(range(20_000))} for i in range(8)]
    threads = [threading.Thread(target=cache.write, args=(folder, "k" * 64, value)) for value in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.name for p in folder.iterdir()] == [cache.entry_path(folder, "k" * 64).name]  # no temporary left
    assert cache.read(folder, "k" * 64, dict) in values


@pytest.mark.slow
def test_concurrent_processes_share_one_cache(tmp_path: Path) -> None:
    folder = user_rules(tmp_path / "rules")
    store = tmp_path / "cache"
    env = {**os.environ, "SCALEXPERT_CACHE_DIR": str(store)}
    env.pop("SCALEXPERT_CACHE", None)
    script = textwrap.dedent(f"""
        import json
        from scalexpert.language.ruleset import load_ruleset
        rules = load_ruleset([{str(folder)!r}])
        print(json.dumps([r.id for r in rules.rules]))
    """)
    runs = [subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(4)]
    outputs = [json.loads(run.communicate(timeout=300)[0]) for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert all(output == outputs[0] for output in outputs) and "USER-001" in outputs[0]
    kinds = {p.name.split("-")[0] for p in store.iterdir()}
    assert {"facts", "rules"} <= kinds <= {"facts", "rules", cache.STAMPS}  # no temporary files
    again = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert json.loads(again.stdout) == outputs[0]


def test_the_fact_types_come_back_from_the_cache_equal(cache_dir: Path) -> None:
    from scalexpert.facts import schema

    fresh = schema._base_fact_types()
    cache.cached([], "fact-types", schema._base_fact_types, dict, name="facts")
    assert [p.name.split("-")[0] for p in cache_dir.iterdir()] == ["facts"]

    def again() -> dict[str, object]:
        raise AssertionError("built again")

    assert cache.cached([], "fact-types", again, dict, name="facts") == fresh
