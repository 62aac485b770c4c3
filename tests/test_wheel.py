"""The wheel carries templates, static files and decks: install it alone and serve from it."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
import requests
from serverproc import Server, wait_for

import workshop

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def test_the_installed_wheel_serves_pages(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("spheres_workshop-*.whl"))
    with zipfile.ZipFile(wheel) as contents:
        names = contents.namelist()
        metadata = contents.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert b"License-Expression: AGPL-3.0-or-later" in metadata
    assert f"Version: {workshop.__version__}".encode() in metadata  # the version, once
    env = tmp_path / "venv"
    # The dependencies come from this environment (its site-packages as a plain path: its
    # own .pth files, such as the checkout's editable install, are not run); the package
    # itself only from the wheel.
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    where = subprocess.run(
        [str(python), "-c", "import workshop; print(workshop.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert str(env) in where, where  # not the source checkout

    server = Server(tmp_path / "data", 0, "--demo", python=str(python), cwd=tmp_path).start()
    try:
        joins = wait_for(lambda: server.lines("Join: "))  # the demo deck came from the wheel
        code = joins[0].rsplit("/", 1)[1]
        page = requests.get(f"{server.base}/j/{code}", timeout=10)
        assert page.status_code == 200 and "Entrer dans l" in page.text
        css = requests.get(f"{server.base}/static/css/spheres.css", timeout=10)
        assert css.status_code == 200 and ":root" in css.text
        script = requests.get(f"{server.base}/static/vendor/socket.io-4.8.4.min.js", timeout=10)
        assert script.status_code == 200 and "Socket.IO v4.8.4" in script.text
    finally:
        server.stop()
