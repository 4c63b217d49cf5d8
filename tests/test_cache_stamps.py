"""The rule cache's stamps: the key of files whose metadata are unchanged is read back without reading
them, and any change to a file's content (even one that keeps its size and modification time) is seen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scalexpert import cache
from scalexpert.language.ruleset import load_ruleset
from helpers import user_rules


def stamps(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{cache.STAMPS}-*.pickle")) if folder.exists() else []


def rewrite_keeping_times(path: Path, text: str) -> None:
    """Write ``text`` and set the modification time back, once the clock has moved on from the file's
    change time (what a later edit does; the change time cannot be set back)."""
    before = os.stat(path)
    while True:
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        if os.stat(path).st_ctime_ns != before.st_ctime_ns:
            return


@pytest.fixture
def counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files whose bytes the cache reads to compute a key."""
    read: list[Path] = []
    real = cache._regular_file_bytes

    def counting(path: Path, *args: object) -> bytes | None:
        read.append(Path(path))
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "_regular_file_bytes", counting)
    return read


def test_unchanged_files_are_not_read_to_find_the_key(cache_dir: Path, tmp_path: Path, counted_reads: list[Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "SETTLED_NS", 0)  # the files count as settled at once
    folder = user_rules(tmp_path / "rules")
    first = load_ruleset([folder])
    assert folder / "user-001.yaml" in counted_reads and stamps(cache_dir)
    counted_reads.clear()
    again = load_ruleset([folder])
    assert counted_reads == []
    assert [r.id for r in again.rules] == [r.id for r in first.rules]


def test_a_change_that_keeps_size_and_modification_time_is_seen(cache_dir: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "SETTLED_NS", 0)
    folder = user_rules(tmp_path / "rules")
    assert load_ruleset([folder]).find("USER-001").knowledge.summary == "s"  # type: ignore[union-attr]
    assert load_ruleset([folder]).find("USER-001").knowledge.summary == "s"  # type: ignore[union-attr]  # stamped
    text = (folder / "user-001.yaml").read_text(encoding="utf-8")
    rewrite_keeping_times(folder / "user-001.yaml", text.replace("summary: s", "summary: t"))  # same size
    assert load_ruleset([folder]).find("USER-001").knowledge.summary == "t"  # type: ignore[union-attr]


def test_files_changed_just_now_get_no_stamp(cache_dir: Path, tmp_path: Path, counted_reads: list[Path]) -> None:
    folder = user_rules(tmp_path / "rules")  # written just now: a later write could keep its times
    load_ruleset([folder])
    counted_reads.clear()
    load_ruleset([folder])
    assert folder / "user-001.yaml" in counted_reads  # read and hashed again, not trusted by its times


def test_a_renamed_file_is_another_stamp(cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "SETTLED_NS", 0)
    folder = user_rules(tmp_path / "rules")
    (folder / "user-001.yaml").rename(folder / "renamed.yaml")
    assert load_ruleset([folder]).find("USER-001").file.endswith("renamed.yaml")  # type: ignore[union-attr]
    (folder / "renamed.yaml").rename(folder / "user-001.yaml")  # same inode, same times, other name
    assert load_ruleset([folder]).find("USER-001").file.endswith("user-001.yaml")  # type: ignore[union-attr]


def test_a_stamp_others_could_have_written_is_not_trusted(cache_dir: Path, tmp_path: Path, counted_reads: list[Path],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "SETTLED_NS", 0)
    folder = user_rules(tmp_path / "rules")
    load_ruleset([folder])
    for stamp in stamps(cache_dir):
        stamp.chmod(0o666)
    monkeypatch.setattr(cache, "write", lambda *args, **kwargs: False)  # the stamps stay as they are
    counted_reads.clear()
    load_ruleset([folder])
    assert folder / "user-001.yaml" in counted_reads


def test_the_resolved_names_are_those_of_path_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    (real / "sub" / "a.yaml").write_text("x: 1\n", encoding="utf-8")
    (tmp_path / "linked").symlink_to(real)
    (real / "sub" / "b.yaml").symlink_to(real / "sub" / "a.yaml")
    monkeypatch.chdir(tmp_path)
    folders: dict[str, str] = {}
    for path in (real / "sub" / "a.yaml", tmp_path / "linked" / "sub" / "a.yaml", Path("linked/sub/a.yaml"),
                 Path("linked/sub/b.yaml"), Path("linked/sub/../sub/a.yaml"), Path("missing.yaml")):
        assert cache._resolved(path, folders)[0] == str(path.resolve()), path


def test_a_link_loop_in_a_rules_folder_gets_no_key(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    assert cache._resolved(folder / "loop.yaml", {})[1] is None
    assert cache.cache_key([folder / "loop.yaml"], "k", tmp_path / "cache") is None
