"""Output targets, through the installed program: only regular files or standard output are written.

Issue 21, class 1 ("targets"): ``-o`` and ``--write-baseline`` must not write through device nodes,
named pipes, sockets, directories or symbolic links (dangling ones included), never into a folder
that a committed symlink redirects, never over an input of the same run; ``-``/``/dev/stdout`` is
the stream the process has, appended to and never truncated. A killed run's temporary files are
removed by the next run. The stream and exit-code cases (closed pipe, full device, closed stdout,
Ctrl-C) are classes 5 ("errors") and 6 ("edges"), below.

Nothing here touches the machine's real devices: device nodes are made in the test's folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import SHOP

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="POSIX file types and signals")]

COMPOSE = "services:\n  web:\n    image: nginx\n    depends_on: [api]\n  api:\n    image: example/api\n"
OLD = "old content: must survive\n"


def program() -> list[str]:
    """The installed console script beside this interpreter (else ``python -m scalexpert``)."""
    script = shutil.which("scalexpert", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "scalexpert"]


def run(*args: str, cwd: Path, **options: object) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key not in ("GITHUB_ACTIONS", "FORCE_COLOR")}
    settings: dict[str, object] = {"capture_output": True, "text": True, "encoding": "utf-8", "check": False,
                                   "timeout": 300, "env": environment, **options}
    if "stdout" in options:
        settings.pop("capture_output")
        settings.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([*program(), *args], cwd=cwd, **settings)  # type: ignore[call-overload,no-any-return]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "arch.yaml").write_text(SHOP, "utf-8")
    (tmp_path / "compose.yaml").write_text(COMPOSE, "utf-8")
    return tmp_path


def refused(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def leftovers(where: Path) -> list[str]:
    return sorted(name for name in os.listdir(where) if "scalexpert" in name and name.startswith("."))


# --- class 1: targets ---------------------------------------------------------------------------

@pytest.mark.hostile("targets")
def test_import_force_refuses_a_named_pipe_and_leaves_it_a_pipe(folder: Path) -> None:
    os.mkfifo(folder / "pipe")
    done = run("import", "compose.yaml", "-o", "pipe", "--force", cwd=folder)
    refused(done, "pipe", "named pipe")
    assert stat.S_ISFIFO((folder / "pipe").lstat().st_mode)
    assert leftovers(folder) == []


@pytest.mark.hostile("targets")
def test_import_force_refuses_a_device_node_and_leaves_it_a_device(folder: Path) -> None:
    """As root, `import -o /dev/null --force` used to replace the system's /dev/null; this node is our own."""
    device = folder / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("making a device node needs root")
    done = run("import", "compose.yaml", "-o", "null", "--force", cwd=folder)
    refused(done, "character device")
    assert stat.S_ISCHR(device.lstat().st_mode)


@pytest.mark.hostile("targets")
def test_import_force_refuses_a_symlink_and_keeps_both_ends(folder: Path) -> None:
    (folder / "real.yaml").write_text(OLD, "utf-8")
    (folder / "link.yaml").symlink_to("real.yaml")
    done = run("import", "compose.yaml", "-o", "link.yaml", "--force", cwd=folder)
    refused(done, "link.yaml", "symbolic link")
    assert (folder / "link.yaml").is_symlink() and (folder / "real.yaml").read_text("utf-8") == OLD


@pytest.mark.hostile("targets")
@pytest.mark.parametrize("option", [["import", "compose.yaml", "--force", "-o"], ["check", "arch.yaml", "-o"],
                                    ["check", "arch.yaml", "--write-baseline"]])
def test_a_dangling_symlink_committed_to_the_repository_is_not_written_through(folder: Path, option: list[str]) -> None:
    outside = folder / "outside"
    outside.mkdir()
    (folder / "report.out").symlink_to(outside / "planted")
    done = run(*option, "report.out", cwd=folder)
    refused(done, "report.out", "symbolic link", "does not exist")
    assert not (outside / "planted").exists() and (folder / "report.out").is_symlink()


@pytest.mark.hostile("targets")
@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_a_symlinked_folder_inside_the_checkout_is_not_written_through(folder: Path, option: str) -> None:
    outside = folder / "outside"
    outside.mkdir()
    (folder / "reports").symlink_to(outside)
    done = run("check", "arch.yaml", option, "reports/out.json", cwd=folder)
    refused(done, "reports", "symbolic link")
    assert os.listdir(outside) == []


@pytest.mark.hostile("targets")
@pytest.mark.parametrize("spelling", ["arch.yaml", "./arch.yaml", "hard-link.yaml", "{abs}"])
def test_check_never_overwrites_its_own_input(folder: Path, spelling: str) -> None:
    os.link(folder / "arch.yaml", folder / "hard-link.yaml")
    target = spelling.format(abs=folder / "arch.yaml")
    done = run("check", "arch.yaml", "-o", target, cwd=folder)
    refused(done, "input of this run")
    assert (folder / "arch.yaml").read_text("utf-8") == SHOP


@pytest.mark.hostile("targets")
def test_write_baseline_never_overwrites_the_architecture(folder: Path) -> None:
    done = run("check", "arch.yaml", "--write-baseline", "arch.yaml", cwd=folder)
    refused(done, "input of this run")
    assert (folder / "arch.yaml").read_text("utf-8") == SHOP


@pytest.mark.hostile("targets")
def test_plan_write_target_refuses_a_symlink_even_with_force(folder: Path) -> None:
    (folder / "real.yaml").write_text(OLD, "utf-8")
    (folder / "target.yaml").symlink_to("real.yaml")
    done = run("plan", "arch.yaml", "--write-target", "target.yaml", "--force", cwd=folder)
    refused(done, "symbolic link")
    assert (folder / "target.yaml").is_symlink() and (folder / "real.yaml").read_text("utf-8") == OLD


@pytest.mark.hostile("targets")
def test_output_to_a_device_is_refused_with_advice(folder: Path) -> None:
    done = run("check", "arch.yaml", "-o", "/dev/null", cwd=folder)
    refused(done, "/dev/null", "not a regular file", "'-'")


@pytest.mark.hostile("targets")
def test_dev_stdout_appends_to_a_log_opened_with_append(folder: Path) -> None:
    """`scalexpert check -o /dev/stdout >> log` used to reopen the log and truncate it."""
    log = folder / "log.txt"
    log.write_text(OLD, "utf-8")
    with open(log, "a", encoding="utf-8") as appended:
        done = run("check", "arch.yaml", "--fail-on", "never", "-o", "/dev/stdout", cwd=folder, stdout=appended)
    assert done.returncode == 0, done.stderr
    text = log.read_text("utf-8")
    assert text.startswith(OLD) and "SPOF-001" in text[len(OLD):]


@pytest.mark.hostile("targets")
@pytest.mark.parametrize("spelling", ["-", "/dev/stdout"])
def test_standard_output_named_as_the_target_reaches_a_pipe(folder: Path, spelling: str) -> None:
    done = run("check", "arch.yaml", "--fail-on", "never", "--format", "json", "-o", spelling, cwd=folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout.lstrip().startswith("{") and not (folder / spelling.lstrip("/")).exists()


@pytest.mark.hostile("targets")
def test_a_killed_runs_temporary_file_is_removed_by_the_next_run(folder: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    stale = folder / f".report.txt.scalexpert-tmp-{gone}-0a1b2c3d"
    stale.write_text("half a report from a run killed with kill -9", "utf-8")
    alive = folder / f".report.txt.scalexpert-tmp-{os.getpid()}-0a1b2c3d"  # a run still writing: left alone
    alive.write_text("being written", "utf-8")
    done = run("check", "arch.yaml", "--fail-on", "never", "-o", "report.txt", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert not stale.exists() and alive.exists()
    assert (folder / "report.txt").read_text("utf-8").strip()


# --- classes 5 and 6: closed and full streams, interrupts --------------------------------------

@pytest.mark.hostile("errors")
def test_standard_output_on_a_full_device_is_a_clear_error(folder: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = run("check", "arch.yaml", cwd=folder, stdout=full)
    refused(done, "standard output", "No space left on device")


@pytest.mark.hostile("errors")
def test_any_command_on_a_full_device_is_a_clear_error(folder: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = run("rules", cwd=folder, stdout=full)
    refused(done, "standard output", "No space left on device")


@pytest.mark.hostile("errors")
def test_a_closed_standard_output_is_a_clear_error(folder: Path) -> None:
    done = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", *program(), "check", "arch.yaml"], cwd=folder,
                          capture_output=True, text=True, check=False, timeout=300)
    refused(done, "standard output", "closed")


@pytest.mark.hostile("errors")
def test_a_closed_standard_output_is_harmless_when_the_report_goes_to_a_file(folder: Path) -> None:
    done = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", *program(), "check", "arch.yaml", "--fail-on", "never",
                           "-o", "report.txt"], cwd=folder, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "SPOF-001" in (folder / "report.txt").read_text("utf-8")


def _reader_left(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    reader, writer = os.pipe()
    os.close(reader)  # the reader has left before the first byte
    try:
        return run(*command, cwd=folder, stdout=writer)
    finally:
        os.close(writer)


@pytest.mark.hostile("edges")
def test_a_reader_that_left_ends_the_output_quietly_with_the_runs_exit_code(folder: Path) -> None:
    """`scalexpert rules | head -1` is exit 0 (it was 1, which says "findings"); nothing on stderr."""
    done = _reader_left(folder, "rules")
    assert done.returncode == 0 and done.stderr == "", (done.returncode, done.stderr)


def test_a_report_whose_reader_left_keeps_the_exit_code_of_its_findings(folder: Path) -> None:
    """`scalexpert check x | head -1` under `set -o pipefail`: 1 still means findings, 0 none."""
    assert _reader_left(folder, "check", "arch.yaml", "--fail-on", "high").returncode == 1
    done = _reader_left(folder, "check", "arch.yaml", "--fail-on", "never")
    assert done.returncode == 0 and done.stderr == "", (done.returncode, done.stderr)


def _caught_signals(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("SigCgt:"):
                    return int(line.split()[1], 16)
    except OSError:
        pass
    return 0


def _interrupt(folder: Path, signum: int) -> tuple[int, str]:
    """Start `import -` waiting on its standard input, send ``signum`` once its handlers are in place.

    The program starts with SIGINT at its default, as from a terminal: a suite run as a background
    job ('&') inherits an ignored SIGINT, which the program rightly keeps ignored.
    """
    process = subprocess.Popen([*program(), "import", "-"], cwd=folder, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for _ in range(600):  # wait (at most about a minute) until SIGTERM is caught: the program is running
            if _caught_signals(process.pid) & (1 << (signal.SIGTERM - 1)) or process.poll() is not None:
                break
            time.sleep(0.1)
        process.send_signal(signum)
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, err


@pytest.mark.hostile("edges")
@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc to see the program running")
def test_ctrl_c_exits_130_with_one_line_never_1(folder: Path) -> None:
    code, err = _interrupt(folder, signal.SIGINT)
    assert code == 130, (code, err)
    assert err.strip() == "scalexpert: interrupted"


@pytest.mark.hostile("edges")
@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc to see the program running")
def test_sigterm_exits_143_with_one_line(folder: Path) -> None:
    code, err = _interrupt(folder, signal.SIGTERM)
    assert code == 143, (code, err)
    assert err.strip() == "scalexpert: terminated"
