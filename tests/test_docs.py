"""Documentation that is tested: every option, route and event is written down."""

import re
from pathlib import Path

from workshop import cli
from workshop.realtime import socketio

ROOT = Path(__file__).resolve().parent.parent


def test_readme_documents_every_serve_option():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for param in cli.serve.params:
        for option in param.opts:
            assert f"`{option}" in readme, option


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"<!-- test-command -->\s*```(?:sh|bash)?\n(.+?)\n```", readme, re.S)
    assert command, "the README marks its test command with <!-- test-command -->"
    assert command.group(1).strip() in ci


def test_protocol_documents_every_route(app):
    protocol = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            assert f"`{method} {path}`" in protocol, f"{method} {path}"


def test_protocol_documents_every_socketio_event():
    protocol = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    handled = {message for message, _handler, _ns in socketio.handlers}
    emitted = {"state", "phase", "map", "cards", "negotiation", "timer"}
    for event in handled | emitted:
        assert f"`{event}`" in protocol, event
