"""The `workshop` command: serve by default, documented options, a per-user data folder."""

import signal
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


def test_dash_h_is_help_everywhere():
    runner = CliRunner()
    top = runner.invoke(cli.main, ["-h"])
    assert top.exit_code == 0
    assert "-h, --help" in top.output
    for args in (
        ["serve"],
        ["export"],
        ["import"],
        ["demo"],
        ["deck"],
        ["deck", "check"],
        ["deck", "list"],
    ):
        result = runner.invoke(cli.main, [*args, "-h"])
        assert result.exit_code == 0, args
        assert f"Usage: main {' '.join(args)}" in result.output, args
        assert "-h, --help" in result.output, args


def test_top_level_help_names_the_default_command_and_lists_the_commands():
    result = CliRunner().invoke(cli.main, ["--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())  # as wrapped for the terminal's width
    assert "Without a command, runs `serve`" in text
    assert "`workshop --port 0` is `workshop serve --port 0`" in text
    for command in ("serve", "export", "import", "demo", "deck"):
        assert f"  {command} " in result.output, command


@pytest.mark.parametrize(
    ("args", "unknown", "suggested"),
    [
        (["expot"], "expot", "export"),
        (["serv", "--port", "0"], "serv", "serve"),
        (["deck", "chek"], "chek", "check"),
    ],
)
def test_an_unknown_command_is_named_with_a_suggestion(args, unknown, suggested):
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 2
    assert f"No such command '{unknown}'." in result.output
    assert f"Did you mean '{suggested}'?" in result.output
    assert "unexpected extra argument" not in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"port": 8000}),
        (["--port", "0", "--host", "127.0.0.1"], {"port": 0, "host": "127.0.0.1"}),
        (["--data", "export"], {"data_dir": Path("export")}),  # a value may be a command's name
    ],
)
def test_options_without_a_command_go_to_serve(monkeypatch, args, expected):
    calls = []
    monkeypatch.setattr(cli.serve, "callback", lambda **kwargs: calls.append(kwargs))
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 0, result.output
    assert len(calls) == 1
    assert expected.items() <= calls[0].items()


@pytest.mark.server
@pytest.mark.parametrize(
    ("sig", "async_mode"),
    [
        (signal.SIGINT, "gevent"),
        (signal.SIGTERM, "gevent"),
        (signal.SIGINT, "threading"),
    ],
)
def test_a_signal_stops_the_server_with_one_line(tmp_path, sig, async_mode):
    from serverproc import Server

    server = Server(tmp_path, 0, "--async-mode", async_mode).start()
    try:
        facilitator = server.facilitator()
        code = server.create_workshop(facilitator, ["whatsapp-users"])
        server.proc.send_signal(sig)
        server.proc.wait(20)
    finally:
        server.stop()
    log = server.log()
    assert server.proc.returncode == 0, log
    assert "Traceback" not in log and "KeyboardInterrupt" not in log, log
    assert server.output[-1] == f"Stopped. Your workshops are in {tmp_path.resolve()}.", log
    assert server.lines("Stopped.") == [f"Your workshops are in {tmp_path.resolve()}."]
    # The store was closed: SQLite folded its write-ahead log back into the database.
    assert not (tmp_path / "workshop.sqlite3-wal").exists()
    exported = subprocess.run(
        [
            sys.executable,
            "-m",
            "workshop",
            "export",
            code,
            "--data",
            str(tmp_path),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert exported.returncode == 0, exported.stderr  # the workshop was written
