"""Hostile paths: symlinks, loops, directories, devices, pipes, unreadable and oversized files.

Each ends in a clean error (``InputError`` in the library; exit 2 and a ``file: message`` line on
the command line) and none can make reading hang: only regular files are read, and never more
than ``Limits.max_bytes``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scalexpert.api import check
from scalexpert.errors import InputError
from scalexpert.loader import Limits, load_file, read_text
from helpers import time_limit

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ecommerce-monolith.yaml"
SMALL = "version: 1\ncomponents:\n  api: {kind: service, replicas: 2}\n"




def refused(path: Path | str, limits: Limits = Limits()) -> str:
    """The one-line error for ``path``, both from the loader and from ``check`` (which also tries importers)."""
    with time_limit(30):
        with pytest.raises(InputError) as caught:
            load_file(path, limits)
        with pytest.raises(InputError) as checked:
            check(Path(path), limits=limits)
    assert all(d.file == str(path) for d in caught.value.diagnostics)
    assert checked.value.diagnostics
    return str(caught.value)


def cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scalexpert", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, encoding="utf-8", errors="replace")


def test_symlink_to_a_file_is_read(tmp_path: Path) -> None:
    link = tmp_path / "linked.yaml"
    link.symlink_to(EXAMPLE)
    report = check(link)
    assert report.file == str(link) and report.findings


def test_symlink_loop_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    assert "cannot read" in refused(tmp_path / "a.yaml")


def test_dangling_symlink_is_no_such_file(tmp_path: Path) -> None:
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "missing.yaml")
    assert refused(tmp_path / "gone.yaml").endswith("no such file")


def test_directory_is_a_clean_error(tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert refused(folder).endswith("is a directory, not a file")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_without_reading_them(device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    assert "not a regular file" in refused(device)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_symlinks_to_devices_are_refused(device: str, tmp_path: Path) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    link = tmp_path / "arch.yaml"
    link.symlink_to(device)
    assert "not a regular file" in refused(link)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)  # opening it for reading would wait for a writer forever
    assert "not a regular file" in refused(pipe)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(SMALL, encoding="utf-8")
    path.chmod(0)
    try:
        assert "cannot read: Permission denied" in refused(path)
    finally:
        path.chmod(0o644)


def test_unreadable_file_message_without_chmod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same path through the loader when running as root (CI): open() fails with EACCES."""
    path = tmp_path / "secret.yaml"
    path.write_text(SMALL, encoding="utf-8")
    real_open = open

    def denied(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", denied)
    with pytest.raises(InputError) as caught:
        read_text(path)
    assert str(caught.value) == f"{path}: cannot read: Permission denied"


def ten_megabytes(tmp_path: Path) -> Path:
    """A valid architecture padded with comments to 10 MiB."""
    path = tmp_path / "big.yaml"
    line = "# " + "x" * 1021 + "\n"
    path.write_text(SMALL + line * (10 * 1024), encoding="utf-8")
    assert path.stat().st_size > 10 * 1024 * 1024
    return path


def test_ten_megabyte_file_is_refused_by_default(tmp_path: Path) -> None:
    path = ten_megabytes(tmp_path)
    assert refused(path) == f"{path}: file of {path.stat().st_size:,} bytes is larger than the limit of 8,388,608"


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    path = ten_megabytes(tmp_path)
    larger = Limits(max_bytes=16 * 1024 * 1024)
    assert load_file(path, larger).model.components["api"].replicas == 2
    assert check(path, limits=larger).file == str(path)
    assert "larger than the limit of 1,000" in refused(tmp_path / "big.yaml", Limits(max_bytes=1_000))


def test_text_given_directly_is_bounded_too() -> None:
    with pytest.raises(InputError) as caught:
        check(SMALL + "#" * 2_000, limits=Limits(max_bytes=1_000))
    assert "larger than the limit of 1,000 bytes" in str(caught.value)


def test_extends_cannot_read_devices_or_directories(tmp_path: Path) -> None:
    for target in ("/dev/zero", ".", "sub"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        path = tmp_path / "overlay.yaml"
        path.write_text(f"version: 1\nextends: {target}\ncomponents: {{api: {{kind: service}}}}\n", encoding="utf-8")
        with time_limit(30), pytest.raises(InputError) as caught:
            load_file(path)
        first = caught.value.diagnostics[0]
        assert (first.line, first.column, first.message) == (2, 1, f"cannot use {target!r}")


def test_extends_of_a_file_that_is_not_an_architecture_says_so_without_quoting_it(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("API_TOKEN=hunter2-do-not-print\n", encoding="utf-8")
    path = tmp_path / "overlay.yaml"
    path.write_text(f"version: 1\nextends: {secret}\ncomponents: {{api: {{kind: service}}}}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_file(path)
    assert "not an architecture file" in str(caught.value)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("name", ["loop", "folder", "zero", "pipe", "big"])
def test_command_line_exits_2_with_the_file_name(name: str, tmp_path: Path) -> None:
    target = tmp_path / f"{name}.yaml"
    if name == "loop":
        target.symlink_to(target)
    elif name == "folder":
        target.mkdir()
    elif name == "zero":
        target.symlink_to("/dev/zero")
    elif name == "pipe":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes")
        os.mkfifo(target)
    else:
        target = ten_megabytes(tmp_path)
    done = cli(["check", str(target)], tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"{target}:"), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


LAUGHS = "".join(f"  b{i}: &b{i} {{image: [{', '.join([f'*b{i - 1}' if i else '*a'] * 10)}]}}\n" for i in range(8))
DEPLOYMENT_FILES = {
    "bomb": ("docker-compose.yml", "services:\n  a: &a {image: nginx, environment: [x, x, x, x, x, x, x, x]}\n" + LAUGHS,
             "aliases expand to more than"),
    "tag": ("docker-compose.yml", "services:\n  a: {image: !!python/object/apply:os.system ['touch {marker}']}\n",
            "is not allowed"),
    "huge-int": ("docker-compose.yml", "services:\n  a: {image: nginx, deploy: {replicas: 0x" + "f" * 3_000 + "}}\n",
                 "an integer written with"),
    "k8s-tag": ("deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: !custom web}\n", "is not allowed"),
}


@pytest.mark.parametrize("case", sorted(DEPLOYMENT_FILES))
def test_hostile_deployment_files_given_to_check_are_clean_errors(case: str, tmp_path: Path) -> None:
    """``check`` also imports Compose and Kubernetes files: they go through the same safe reader."""
    name, text, expected = DEPLOYMENT_FILES[case]
    marker = tmp_path / "MARKER"
    path = tmp_path / name
    path.write_text(text.replace("{marker}", str(marker)), encoding="utf-8")
    with time_limit(60), pytest.raises(InputError) as caught:
        check(path)
    assert expected in str(caught.value)
    assert not marker.exists()
