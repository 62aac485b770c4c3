"""Erasing a workshop on a real `workshop serve`: none of its texts stays in the data folder,
neither while the server runs nor after a `kill -9`."""

from __future__ import annotations

import re

import pytest
import requests
from serverproc import Server

pytestmark = pytest.mark.server

PRACTICES = ["whatsapp-users", "cloud-case-files"]


class Texts:
    """Marker strings, one per text field: easy to find in bytes, never in a deck."""

    def __init__(self) -> None:
        self.typed: dict[str, str] = {}

    def __getitem__(self, field: str) -> str:
        return self.typed.setdefault(field, f"Qzx{len(self.typed):02d}mark{field.title()}")


def _form(session: requests.Session, url: str, **data) -> requests.Response:
    response = session.post(url, data={"csrf": session.cookies["spheres_csrf"], **data}, timeout=10)
    response.raise_for_status()
    return response


def _found(folder, texts: Texts) -> dict[str, list[str]]:
    """Which files of the folder hold which markers (bytes: SQLite stores UTF-8)."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        hits = [field for field, text in texts.typed.items() if text.encode() in data]
        if hits:
            found[str(path.relative_to(folder))] = hits
    return found


def _fill_every_text(server: Server, texts: Texts) -> tuple[str, requests.Session]:
    """A workshop with a marker in every text reachable over HTTP: its code, and the
    facilitator's session."""
    base = server.base
    facilitator = server.facilitator()
    facilitator.get(f"{base}/f/new?wlang=fr", timeout=10).raise_for_status()
    created = _form(
        facilitator,
        f"{base}/f/new",
        wlang="fr",
        deck="social-work.fr",
        title=texts["title"],
        practices=PRACTICES,
        allow_proposals="on",
    )
    code = created.url.rsplit("/", 1)[1]
    control = f"{base}/f/w/{code}"

    phone = requests.Session()
    server.sessions.append(phone)
    phone.get(f"{base}/j/{code}", timeout=10).raise_for_status()
    phone.post(
        f"{base}/j/{code}/join", json={"pseudonym": texts["pseudonym"]}, timeout=10
    ).raise_for_status()
    server.set_phase(facilitator, code, "screening")

    _form(
        phone,
        f"{base}/j/{code}/propose",
        title=texts["proposal"],
        description=texts["proposal_description"],
    )
    proposal = re.search(r"/proposals/(\d+)", facilitator.get(control, timeout=10).text)
    _form(
        facilitator,
        f"{control}/proposals/{proposal.group(1)}",
        decision="accept",
        title=texts["card"],
        description=texts["card_description"],
    )
    for number in (1, 3):  # a card of the deck, and the one the room proposed
        _form(
            phone,
            f"{base}/j/{code}/card/{number}",
            means="fine",
            means_comment=texts[f"replaced_comment{number}"],
            go="overview",
        )
        _form(
            phone,
            f"{base}/j/{code}/card/{number}",
            means="problem",
            means_comment=texts[f"comment{number}"],
            values="discuss",
            values_comment=texts[f"second_comment{number}"],
            go="overview",
        )

    server.set_phase(facilitator, code, "map")
    server.set_phase(facilitator, code, "negotiation")
    _form(facilitator, f"{control}/focus", practice=PRACTICES[0])
    _form(
        facilitator,
        f"{control}/decision",
        practice=PRACTICES[0],
        kind="keep",
        detail=texts["detail"],
    )
    _form(facilitator, f"{control}/clauses", practice=PRACTICES[0], text=texts["clause"])
    clause = re.search(r"/clauses/(\d+)", facilitator.get(control, timeout=10).text).group(1)
    _form(facilitator, f"{control}/clauses/{clause}", action="edit", text=texts["amended_clause"])
    _form(facilitator, f"{control}/clauses/{clause}", action="commitment", who=texts["who"], by="")
    _form(facilitator, f"{control}/clauses/{clause}", action="open")
    page = phone.get(f"{base}/j/{code}", timeout=10).text
    round_id = re.search(r'name="round" value="(\d+)"', page).group(1)
    _form(
        phone,
        f"{base}/j/{code}/consent",
        round=round_id,
        value="objection",
        reason=texts["objection"],
    )
    _form(phone, f"{base}/j/{code}/suggest", text=texts["suggestion"])
    _form(facilitator, f"{control}/charter", team=texts["team"], place=texts["place"])
    return code, facilitator


def test_an_erased_workshop_leaves_none_of_its_texts_in_the_data_folder(tmp_path):
    data = tmp_path / "data"
    server = Server(data).start()
    try:
        texts = Texts()
        code, facilitator = _fill_every_text(server, texts)
        everywhere = {field for hits in _found(data, texts).values() for field in hits}
        assert everywhere == set(texts.typed)  # every text did reach the disk

        erased = _form(facilitator, f"{server.base}/f/w/{code}/delete", confirm=code)
        assert erased.url.rstrip("/").endswith("/f")
        assert facilitator.get(f"{server.base}/f/w/{code}", timeout=10).status_code == 404
        assert _found(data, texts) == {}  # while the server still runs
        server.kill()
        assert _found(data, texts) == {}  # and after a crash, nothing to recover
    finally:
        server.stop()
