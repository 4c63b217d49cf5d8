"""The README's install section, done as documented: the command line as an isolated tool (pipx).

experta 1.9.4 pins frozendict==1.2 and schema==0.6.7, so the README recommends installing the
command line into an environment of its own. This test follows it offline: pipx installs the
wheel built from this checkout, its dependencies coming from a local wheelhouse packed from this
test environment (as tests/test_precommit.py does), and the command runs from pipx's bin folder
while this environment keeps whatever versions it has.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_installed import EXAMPLE, ROOT, build_wheel
from test_precommit import wheelhouse

pipx = Path(sys.executable).with_name("pipx")


@pytest.mark.slow
@pytest.mark.skipif(not pipx.exists(), reason="pipx is not installed (it is in the test extra)")
def test_pipx_install_as_the_readme_says(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "pipx install" in readme and "uv tool install" in readme  # the documented ways
    wheel = build_wheel(tmp_path)
    wheels = wheelhouse(tmp_path / "wheels")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PIPX_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(PIPX_HOME=str(tmp_path / "pipx"), PIPX_BIN_DIR=str(tmp_path / "bin"), PIPX_MAN_DIR=str(tmp_path / "man"),
               PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels), PIP_CONFIG_FILE=os.devnull,
               PIP_DISABLE_PIP_VERSION_CHECK="1", NO_COLOR="1", PIPX_DISABLE_SHARED_LIBS_AUTO_UPGRADE="1")
    done = subprocess.run([str(pipx), "install", "--python", sys.executable, str(wheel)], env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    command = tmp_path / "bin" / "scalexpert"
    assert command.exists()
    version = subprocess.run([str(command), "--version"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert version.returncode == 0 and version.stdout.startswith("scalexpert, version")
    checked = subprocess.run([str(command), "check", str(EXAMPLE), "--format", "json"], env=env, cwd=tmp_path,
                             capture_output=True, text=True, timeout=300, check=False)
    assert checked.returncode == 1 and '"findings"' in checked.stdout
    frozen = subprocess.run([str(tmp_path / "pipx" / "venvs" / "scalexpert" / "bin" / "python"), "-c",
                             "import scalexpert; print(scalexpert.__file__)"], capture_output=True, text=True,
                            cwd=tmp_path, check=False, timeout=120)
    assert frozen.returncode == 0 and str(tmp_path / "pipx") in frozen.stdout  # its own environment
    shutil.rmtree(tmp_path / "pipx", ignore_errors=True)
