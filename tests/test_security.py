"""Participants never gain facilitator powers; nothing outside the server is ever loaded."""

import re
from pathlib import Path

import pytest
from conftest import csrf

from workshop.paths import resource_dir
from workshop.security import token_hash

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["stranger", "participant"])
def intruder(request, app, make_workshop, join):
    """Someone without the facilitator secret: a stranger, or a joined participant."""
    workshop = make_workshop(phase="screening")
    if request.param == "stranger":
        client = app.test_client()
    else:
        client, _ = join(workshop)
    client.get("/f/?token=not-the-secret")  # a guess must not help either
    return client, workshop


HTTP_ACTIONS = [
    ("GET", "/f/", {}),
    ("GET", "/f/new", {}),
    (
        "POST",
        "/f/new",
        {"wlang": "fr", "deck": "social-work.fr", "title": "X", "practices": ["id-photos"]},
    ),
    ("GET", "/f/w/{code}", {}),
    ("POST", "/f/w/{code}/phase", {"phase": "map"}),
    ("POST", "/f/w/{code}/delete", {"confirm": "{code}"}),
    ("POST", "/f/w/{code}/proposals/1", {"decision": "accept", "title": "X"}),
    ("POST", "/f/w/{code}/focus", {"practice": "whatsapp-users"}),
    ("POST", "/f/w/{code}/revisit", {"action": "open", "practice": "whatsapp-users"}),
    ("POST", "/f/w/{code}/revisit", {"action": "close"}),
    ("POST", "/f/w/{code}/focus", {"practice": ""}),
    ("POST", "/f/w/{code}/timer", {"kind": "screening", "minutes": "5"}),
    ("POST", "/f/w/{code}/timer", {"action": "stop"}),
    ("POST", "/f/w/{code}/steer", {}),
    ("POST", "/f/w/{code}/decision", {"practice": "whatsapp-users", "kind": "stop"}),
    ("POST", "/f/w/{code}/clauses", {"text": "Une clause"}),
    ("POST", "/f/w/{code}/clauses/1", {"action": "open"}),
    ("POST", "/f/w/{code}/charter", {"team": "X"}),
    ("GET", "/f/w/{code}/export.json", {}),
    ("POST", "/f/import", {}),
    ("GET", "/f/w/{code}/ballots", {}),
    ("GET", "/f/w/{code}/paper", {}),
    ("POST", "/f/w/{code}/paper", {"sheet": "1", "whatsapp-users:means": "fine"}),
    ("POST", "/f/w/{code}/paper-consent", {"sheet": "1", "value": "consent"}),
    ("POST", "/f/w/{code}/comments/1", {"hidden": "1"}),
]


@pytest.mark.parametrize(
    ("method", "path", "form"), HTTP_ACTIONS, ids=[f"{m} {p}" for m, p, _ in HTTP_ACTIONS]
)
def test_facilitator_http_actions_are_refused(intruder, store, method, path, form):
    client, workshop = intruder
    path = path.format(code=workshop.code)
    data = {k: (v.format(code=workshop.code) if isinstance(v, str) else v) for k, v in form.items()}
    data["csrf"] = csrf(client)
    response = client.open(path, method=method, data=data if method == "POST" else None)
    assert response.status_code == 403
    assert "réservée à l'animation" in response.get_data(as_text=True).replace("&#39;", "'")
    assert store.workshop(workshop.code).phase.value == "screening"
    assert len(store.workshops()) == 1
    assert store.clauses(workshop.id) == [] and store.decisions(workshop.id) == {}
    assert store.workshop(workshop.code).focus is None
    assert store.workshop(workshop.code).timer is None
    assert store.paper_sheets(workshop.id) == []
    assert store.revisits(workshop.id) == []


def test_facilitator_socket_is_refused(intruder, sio):
    client, workshop = intruder
    socket = sio({"role": "facilitator", "code": workshop.code}, client=client)
    assert not socket.is_connected()


def test_facilitator_socket_is_admitted_with_the_cookie(facilitator, make_workshop, sio):
    workshop = make_workshop()
    assert sio({"role": "facilitator", "code": workshop.code}, client=facilitator).is_connected()


def test_answer_is_refused_to_everyone_but_participants(make_workshop, sio, facilitator):
    workshop = make_workshop(phase="screening")
    answer = {"practice": "whatsapp-users", "sphere": "means", "value": "fine"}
    for socket in (
        sio({"role": "screen", "code": workshop.code}),
        sio({"role": "facilitator", "code": workshop.code}, client=facilitator),
    ):
        reply = socket.emit("answer", answer, callback=True)
        assert reply["ok"] is False and "Seuls les participants" in reply["error"]


@pytest.mark.parametrize(
    "auth",
    [
        {"role": "participant", "code": "T2ABC", "token": "forged"},
        {"role": "participant", "code": "T2ABC"},
        {"role": "admin", "code": "T2ABC"},
        {"role": "screen", "code": "NOPE9"},
        None,
    ],
)
def test_bad_socket_credentials_are_refused(make_workshop, sio, auth):
    make_workshop()
    assert not sio(auth).is_connected()


def test_tokens_are_long_random_and_stored_hashed(store, make_workshop, join):
    workshop = make_workshop()
    _, token = join(workshop)
    _, other = join(workshop)
    assert token != other and len(token) >= 22  # ≥ 128 bits in URL-safe base64
    rows = store.read(lambda c: c.execute("SELECT token_hash FROM participant").fetchall())
    assert {r[0] for r in rows} == {token_hash(token), token_hash(other)}
    assert token.encode() not in Path(store.path).read_bytes()


def test_forms_need_the_csrf_token(client, make_workshop, store):
    workshop = make_workshop()
    response = client.post(f"/j/{workshop.code}/join", data={"pseudonym": "x"})
    assert response.status_code == 400
    assert store.progress(workshop.id)["participants"] == 0


def test_oversized_requests_are_refused(client, make_workshop):
    workshop = make_workshop()
    response = client.post(f"/j/{workshop.code}/join", json={"pseudonym": "x" * 200_000})
    assert response.status_code == 413


def test_socketio_refuses_other_origins(client, make_workshop):
    url = "/socket.io/?EIO=4&transport=polling"
    assert client.get(url, headers={"Origin": "http://evil.example"}).status_code == 400
    assert client.get(url, headers={"Origin": "http://localhost"}).status_code == 200


@pytest.mark.parametrize("path", ["/", "/f/", "/j/{code}", "/s/{code}", "/static/css/spheres.css"])
def test_every_response_carries_the_csp(facilitator, make_workshop, path):
    workshop = make_workshop()
    response = facilitator.get(path.format(code=workshop.code))
    response.close()
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "*" not in csp and "unsafe" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_user_text_is_escaped_everywhere(facilitator, make_workshop, store, join):
    evil = '<img src=x onerror="alert(1)">'
    workshop = make_workshop(title=evil, phase="screening", hidden=False)
    join(workshop, pseudonym=evil)
    for path in ("/f/", f"/f/w/{workshop.code}", f"/s/{workshop.code}", f"/j/{workshop.code}"):
        page = facilitator.get(path).get_data(as_text=True)
        assert evil not in page and "&lt;img src=x" in page, path


def test_no_external_reference_in_templates_or_static():
    pattern = re.compile(r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//""", re.I)
    for folder in (resource_dir("templates"), resource_dir("static")):
        for path in folder.rglob("*"):
            if path.suffix in {".html", ".css", ".js", ".svg"}:
                content = path.read_text(encoding="utf-8")
                assert not pattern.search(content), path
                assert "url(http" not in content and "@import" not in content, path


def test_vendored_files_carry_version_and_licence():
    vendor = resource_dir("static") / "vendor"
    scripts = list(vendor.glob("*.js"))
    assert scripts
    for script in scripts:
        assert re.search(r"-\d+\.\d+\.\d+", script.name), script.name
        licence = script.with_name(script.name.replace(".min.js", ".LICENSE"))
        assert licence.exists(), licence
