"""``--output`` never leaves a partial file and never truncates an existing report when the run fails.

Reports are written with :func:`scalexpert.output.write_file`: a temporary file beside the
target, then an atomic rename. Only regular files are written (devices, pipes and symlinks are
refused: tests/test_hostile_targets.py), and permissions are the usual ones.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from scalexpert.cli import main
from scalexpert.output import OutputError, write_atomic

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ecommerce-monolith.yaml"
OLD_REPORT = "old report: must survive a failed run\n"


def run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(argv)
    return int(done.value.code or 0)


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.startswith(".scalexpert-") or "scalexpert-tmp" in name)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no configuration file found upwards
    for name in ("GITHUB_ACTIONS", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "html"])
def test_invalid_input_leaves_an_existing_report_unchanged(fmt: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\ncomponents:\n  api: {kind: servic}\n", encoding="utf-8")
    report = tmp_path / "report.out"
    report.write_text(OLD_REPORT, encoding="utf-8")
    assert run(["check", "--format", fmt, "--output", str(report), str(broken)]) == 2
    assert report.read_text(encoding="utf-8") == OLD_REPORT
    assert leftovers(tmp_path) == []


def test_one_bad_file_among_good_ones_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: [\n", encoding="utf-8")
    report = tmp_path / "report.json"
    report.write_text(OLD_REPORT, encoding="utf-8")
    assert run(["check", "-o", str(report), "--format", "json", str(EXAMPLE), str(broken)]) == 2
    assert report.read_text(encoding="utf-8") == OLD_REPORT


def test_missing_input_leaves_an_existing_report_unchanged(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text(OLD_REPORT, encoding="utf-8")
    assert run(["check", "-o", str(report), str(tmp_path / "missing.yaml")]) == 2
    assert report.read_text(encoding="utf-8") == OLD_REPORT


def test_a_crash_while_rendering_leaves_the_report_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "report.txt"
    report.write_text(OLD_REPORT, encoding="utf-8")

    def broken_render(*args: object, **kwargs: object) -> str:
        raise RuntimeError("reporter bug")

    monkeypatch.setattr("scalexpert.reporters.render", broken_render)
    monkeypatch.setattr("scalexpert.reporters.render_bytes", broken_render)
    with pytest.raises(SystemExit) as stopped:  # an internal error: one line, exit 2
        main(["check", "-o", str(report), str(EXAMPLE)])
    assert stopped.value.code == 2
    assert report.read_text(encoding="utf-8") == OLD_REPORT
    assert leftovers(tmp_path) == []


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.txt"
    target.write_text(OLD_REPORT, encoding="utf-8")

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(str(target), "new text")
    assert target.read_text(encoding="utf-8") == OLD_REPORT
    assert leftovers(tmp_path) == []


def test_successful_run_writes_the_whole_report_and_no_temporary(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(OLD_REPORT, encoding="utf-8")
    assert run(["check", "--format", "json", "--fail-on", "never", "-o", str(report), str(EXAMPLE)]) == 0
    text = report.read_text(encoding="utf-8")
    assert text.startswith("{") and text.endswith("}\n")
    assert leftovers(tmp_path) == []


def test_output_into_a_missing_folder_creates_it(tmp_path: Path) -> None:
    """CI jobs write reports into folders of their own (reports/scalexpert.sarif): they are made."""
    assert run(["check", "-o", str(tmp_path / "no" / "such" / "report.txt"), "--fail-on", "never", str(EXAMPLE)]) == 0
    assert (tmp_path / "no" / "such" / "report.txt").read_text("utf-8").strip()


def test_output_under_a_file_is_a_clean_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x", "utf-8")
    assert run(["check", "-o", str(tmp_path / "file" / "report.txt"), "--fail-on", "never", str(EXAMPLE)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_output_onto_a_directory_is_a_clean_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    assert run(["check", "-o", str(folder), "--fail-on", "never", str(EXAMPLE)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_failed_run_does_not_write_a_baseline(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\ncomponents: {api: {kind: nope}}\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    baseline.write_text(OLD_REPORT, encoding="utf-8")
    assert run(["check", "--write-baseline", str(baseline), str(broken)]) == 2
    assert baseline.read_text(encoding="utf-8") == OLD_REPORT


def test_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        write_atomic(str(tmp_path / "new.txt"), "x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


def test_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "kept.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(str(target), "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text(encoding="utf-8") == "new"


def test_symlink_is_refused_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with pytest.raises(OutputError, match="symbolic link"):
        write_atomic(str(link), "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "old"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_stays_a_pipe(tmp_path: Path) -> None:
    """Like /dev/null: never renamed over (that would replace the device) and never opened (a FIFO blocks)."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(OutputError, match="named pipe"):
        write_atomic(str(pipe), "through the pipe\n")
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert leftovers(tmp_path) == []


def test_an_interrupt_while_writing_leaves_the_old_file_and_no_temporary(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C or SIGTERM (the program raises them as BaseExceptions) in the middle of a write."""
    target = tmp_path / "report.txt"
    target.write_text(OLD_REPORT, encoding="utf-8")

    def interrupted(descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(str(target), "new text")
    assert target.read_text(encoding="utf-8") == OLD_REPORT
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="liveness of a process id is a POSIX test")
def test_only_temporaries_of_gone_processes_for_this_target_are_removed(tmp_path: Path) -> None:
    import subprocess
    import sys

    from scalexpert.output import remove_stale

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    names = {
        f".report.txt.scalexpert-tmp-{gone}-aaaa": False,  # its process is gone: removed
        f".report.txt.scalexpert-tmp-{os.getpid()}-bbbb": True,  # a run still writing
        f".other.txt.scalexpert-tmp-{gone}-cccc": True,  # another target
        ".report.txt.scalexpert-tmp-notapid-dddd": True,  # not ours
    }
    for name in names:
        (tmp_path / name).write_text("x", encoding="utf-8")
    removed = remove_stale(str(tmp_path), "report.txt")
    assert [os.path.basename(path) for path in removed] == [f".report.txt.scalexpert-tmp-{gone}-aaaa"]
    assert {name: (tmp_path / name).exists() for name in names} == names


def test_targets_are_compared_as_files_not_spellings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scalexpert.output import same_target

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    os.link(tmp_path / "a.txt", tmp_path / "b.txt")
    assert same_target("a.txt", str(tmp_path / "b.txt")) and same_target("new.txt", "./new.txt")
    assert not same_target("a.txt", "new.txt") and not same_target("new.txt", "other.txt")


def test_a_crash_between_the_parts_of_a_report_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    """A large report is written part by part as it is serialized: a failure after the first part still
    leaves the old file whole and no temporary."""
    from scalexpert.output import write_file

    target = tmp_path / "report.json"
    target.write_text(OLD_REPORT, encoding="utf-8")

    def parts() -> Iterator[bytes]:
        yield b"{\n"
        raise RuntimeError("reporter bug")

    with pytest.raises(RuntimeError, match="reporter bug"):
        write_file(str(target), parts())
    assert target.read_text(encoding="utf-8") == OLD_REPORT
    assert leftovers(tmp_path) == []
    write_file(str(target), iter([b"{\n", b"", b'  "a": 1\n', b"}\n"]))
    assert target.read_bytes() == b'{\n  "a": 1\n}\n'
    assert leftovers(tmp_path) == []


def test_a_json_report_file_written_in_parts_is_the_whole_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``-o report.json`` writes a large report in parts (json_report.PIECES_FROM): the file holds the bytes of
    the report rendered whole."""
    from scalexpert.api import check
    from scalexpert.reporters import RenderOptions, json_report, render_bytes, render_parts

    monkeypatch.setattr(json_report, "PIECES_FROM", 0)
    monkeypatch.setattr(json_report, "_FINDINGS_PER_PIECE", 1)
    report = tmp_path / "report.json"
    assert run(["check", "--format", "json", "--fail-on", "never", "-o", str(report), str(EXAMPLE)]) == 0
    reports = [check(str(EXAMPLE))]
    assert len(list(render_parts("json", reports, RenderOptions(fail_on="never")))) > 2
    whole = render_bytes("json", reports, RenderOptions(fail_on="never"))
    assert report.read_bytes().replace(str(tmp_path).encode(), b"") == whole.replace(str(tmp_path).encode(), b"")
