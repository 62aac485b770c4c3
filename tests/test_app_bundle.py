"""The one-file app (tools/build_app.py): a double-click serves; with arguments it is `workshop`.

The build test makes the real executable with PyInstaller (about a minute on two cores) and
serves from it; it is skipped where PyInstaller is not installed, except in CI where it
fails (the test extra installs it). SPHERES_BUILD_APP=0 skips it on purpose.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import click
import pytest
import requests

from workshop import app_main, cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def served(monkeypatch):
    """Replace `serve`'s body: record the options it is called with, start nothing."""
    calls: list[dict] = []
    monkeypatch.setattr(cli.serve, "callback", lambda **options: calls.append(options))
    return calls


def run(argv):
    with pytest.raises(SystemExit) as stop:
        app_main.main(argv)
    return stop.value.code


def test_no_argument_serves_on_the_network_and_opens_the_browser(served, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["spheres.exe"])  # what a double-click starts
    assert run(None) == 0
    [options] = served
    assert options["open_browser"] is True
    assert options["host"] == "0.0.0.0"
    assert options["port"] == 8000
    assert options["data_dir"] == cli.default_data_dir()
    assert options["async_mode"] == "gevent"


def test_arguments_are_the_workshop_command(served, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["spheres", "--port", "0", "--data", "/x"])
    assert run(None) == 0
    [options] = served
    assert options["open_browser"] is False and options["port"] == 0
    assert options["data_dir"] == Path("/x")


def test_a_failed_double_click_start_exits_with_an_error(monkeypatch, capsys):
    def refuse(**_options):
        raise click.ClickException("cannot listen on 0.0.0.0:8000")

    monkeypatch.setattr(cli.serve, "callback", refuse)
    assert run([]) == 1
    assert "cannot listen" in capsys.readouterr().err


# --- the real executable -------------------------------------------------------------------


@pytest.fixture(scope="module")
def executable(tmp_path_factory):
    if sys.platform != "linux":
        pytest.skip(
            "the executable is built and served here on Linux only; "
            ".github/workflows/app.yml builds it on Windows and macOS"
        )
    if os.environ.get("SPHERES_BUILD_APP") == "0":
        pytest.skip("SPHERES_BUILD_APP=0")
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail('PyInstaller is required in CI: pip install -e ".[test]"')
        pytest.skip('PyInstaller is not installed (pip install ".[app]")')
    where = tmp_path_factory.mktemp("app")
    build = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build_app.py"),
            "--dist",
            str(where / "dist"),
            "--work",
            str(where / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    path = where / "dist" / "spheres"
    assert path.is_file() and os.access(path, os.X_OK)
    shutil.rmtree(where / "work")  # PyInstaller's intermediate files: hundreds of MB
    return path


def start(command: list[str], env: dict, timeout: float = 60):
    """Start the executable; return it, its output lines and the facilitator's URL."""
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    output: list[str] = []
    found: list[str] = []
    ready = threading.Event()

    def pump():
        for line in proc.stdout:
            output.append(line.rstrip("\n"))
            if line.startswith("Facilitator: "):
                found.append(line.split(" ", 1)[1].strip())
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(timeout):
        proc.kill()
        proc.wait(10)
        raise AssertionError("the app did not start:\n" + "\n".join(output))
    return proc, output, found[0]


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.timeout(1200)
def test_the_executable_serves_pages_from_its_bundle(executable, tmp_path):
    unpack = tmp_path / "tmp"  # where the one-file app unpacks itself; empty again after
    unpack.mkdir()
    env = {**os.environ, "TMPDIR": str(unpack), "PYTHONUNBUFFERED": "1"}
    env.pop("PYTHONPATH", None)
    command = [str(executable), "serve", "--port", "0", "--host", "127.0.0.1"]
    proc, output, facilitator = start([*command, "--data", str(tmp_path / "data"), "--demo"], env)
    try:
        assert "· gevent" in output[0]
        base = re.match(r"http://127\.0\.0\.1:\d+", facilitator).group(0)
        with requests.Session() as session:
            page = session.get(facilitator, timeout=10)
            assert page.status_code == 200 and "/f/w/" in page.text, page.text[:300]
            css = session.get(f"{base}/static/css/spheres.css", timeout=10)
            assert css.status_code == 200 and ":root" in css.text
            script = session.get(f"{base}/static/vendor/socket.io-4.8.4.min.js", timeout=10)
            assert script.status_code == 200 and "Socket.IO v4.8.4" in script.text
            # engineio found its gevent driver by name (a hidden import)
            handshake = session.get(f"{base}/socket.io/?EIO=4&transport=polling", timeout=10)
            assert handshake.status_code == 200 and '"sid"' in handshake.text
            decks = session.get(f"{base}/decks/", timeout=10)
            assert decks.status_code == 200
    finally:
        proc.terminate()
        code = proc.wait(20)
        proc.stdout.close()
    assert code == 0, "\n".join(output)
    assert list(unpack.iterdir()) == []


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_executable_is_the_workshop_command(executable, tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("PYTHONPATH", None)
    data = str(tmp_path / "data")

    def spheres(*args: str) -> str:
        done = subprocess.run(
            [str(executable), *args], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert "version" in spheres("--version")
    decks = spheres("deck", "list")
    assert "social-work.fr" in decks and "_MEI" in decks  # the decks inside the bundle
    code = re.search(r"Demo workshop (\w+) created", spheres("demo", "--data", data)).group(1)
    charter = tmp_path / "charte.html"
    spheres("export", code, "--data", data, "--format", "html", "-o", str(charter))
    assert "<html" in charter.read_text(encoding="utf-8")
    odt = tmp_path / "charte.odt"
    spheres("export", code, "--data", data, "--format", "odt", "-o", str(odt))
    assert odt.read_bytes().startswith(b"PK")
