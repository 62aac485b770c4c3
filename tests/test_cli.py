"""The `workshop` command: serve by default, documented options, a per-user data folder."""

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from workshop import cli


def test_serve_is_the_default_command():
    result = CliRunner().invoke(cli.main, ["--no-such-option"])
    assert result.exit_code == 2
    assert "Usage: main serve" in result.output or "serve [OPTIONS]" in result.output


def test_help_lists_every_serve_option():
    result = CliRunner().invoke(cli.main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in (
        "--host",
        "--port",
        "--data",
        "--public-url",
        "--open",
        "--demo",
        "--decks",
        "--async-mode",
    ):
        assert option in result.output


def test_python_dash_m_works():
    result = subprocess.run(
        [sys.executable, "-m", "workshop", "--version"], capture_output=True, text=True, check=True
    )
    assert "workshop, version" in result.stdout


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("linux", {"XDG_DATA_HOME": "/x/data"}, Path("/x/data/spheres")),
        ("linux", {}, Path.home() / ".local/share/spheres"),
        ("darwin", {}, Path.home() / "Library/Application Support/Spheres"),
        (
            "win32",
            {"LOCALAPPDATA": "C:/Users/a/AppData/Local"},
            Path("C:/Users/a/AppData/Local/Spheres"),
        ),
    ],
)
def test_default_data_folder_per_platform(monkeypatch, platform, env, expected):
    monkeypatch.setattr(cli.sys, "platform", platform)
    for name in ("XDG_DATA_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.default_data_dir() == expected


def test_a_busy_port_gets_a_clear_message(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "workshop",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port 0" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_version_is_written_once():
    from importlib.metadata import version

    import workshop

    assert version("spheres-workshop") == workshop.__version__
    result = CliRunner().invoke(cli.main, ["--version"])
    assert workshop.__version__ in result.output
    changelog = (Path(__file__).resolve().parent.parent / "CHANGELOG.md").read_text("utf-8")
    assert f"## [{workshop.__version__}]" in changelog or "## [Unreleased]" in changelog
