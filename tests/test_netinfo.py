"""The address printed and put in QR codes. Tested with fakes: nothing leaves loopback."""

import pytest

from workshop import netinfo


def test_listening_everywhere_prints_the_lan_address():
    url = netinfo.base_url("0.0.0.0", 8000, lan=lambda: "192.0.2.44")
    assert url == "http://192.0.2.44:8000"


def test_without_a_network_it_falls_back_to_loopback():
    assert netinfo.base_url("0.0.0.0", 8000, lan=lambda: None) == "http://127.0.0.1:8000"


def test_public_url_wins():
    assert (
        netinfo.base_url("0.0.0.0", 8000, "https://atelier.example/", lan=lambda: "x")
        == "https://atelier.example"
    )


@pytest.mark.parametrize(
    ("host", "url"), [("127.0.0.1", "http://127.0.0.1:5"), ("::1", "http://[::1]:5")]
)
def test_explicit_hosts(host, url):
    assert netinfo.base_url(host, 5) == url


def test_lan_address_ignores_loopback(monkeypatch):
    class FakeSocket:
        def __init__(self, *args):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def connect(self, address):
            assert address == netinfo._PROBE

        def getsockname(self):
            return ("127.0.0.1", 0)

    monkeypatch.setattr(netinfo.socket, "socket", FakeSocket)
    assert netinfo.lan_address() is None
    FakeSocket.getsockname = lambda self: ("192.0.2.7", 0)
    assert netinfo.lan_address() == "192.0.2.7"


def test_qr_code_is_inline_svg_with_a_text_alternative():
    svg = netinfo.qr_svg("http://192.0.2.1:8000/j/ABCDE", "http://192.0.2.1:8000/j/ABCDE")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>http://192.0.2.1:8000/j/ABCDE</title>" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "").replace(
        "<title>http://192.0.2.1:8000/j/ABCDE</title>", ""
    )
