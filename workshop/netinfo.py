"""The address phones use to reach the facilitator's laptop, and QR codes for it."""

from __future__ import annotations

import ipaddress
import re
import socket
from io import BytesIO
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg

#: A documentation address (RFC 5737): connecting a UDP socket to it sends no packet but
#: makes the system choose the interface it would route through, i.e. the LAN one.
_PROBE = ("192.0.2.1", 9)
_WILDCARDS = {"0.0.0.0", "::", ""}  # noqa: S104 - these are what we compare against


def lan_address(probe=_PROBE) -> str | None:
    """The machine's address on the room's network, or None when it has none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(probe)
            address = sock.getsockname()[0]
    except OSError:
        return None
    return None if ipaddress.ip_address(address).is_loopback else address


#: Names that always reach this machine only: a rebinding page can never carry them.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url(host: str, port: int, public_url: str | None = None, lan=lan_address) -> str:
    """The address to print and put in QR codes, without a trailing slash."""
    if public_url:
        return public_url.rstrip("/")
    if host in _WILDCARDS:
        host = lan() or "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def own_hosts(host: str, public_url: str | None = None, lan=lan_address) -> list[str]:
    """The names this server answers to: loopback, the address it listens on (the LAN
    address when it listens everywhere), and the public URL's host."""
    hosts = list(LOOPBACK_NAMES)
    if host in _WILDCARDS:
        address = lan()
        if address:
            hosts.append(address)
    else:
        hosts.append(host)
    try:
        name = urlsplit(public_url).hostname if public_url else None
    except ValueError:  # not a URL: base_url prints it as given, nothing reaches it
        name = None
    if name:
        hosts.append(name)
    return list(dict.fromkeys(h.lower() for h in hosts))


def qr_svg(data: str, label: str) -> str:
    """An SVG QR code for `data` (one path, sized by CSS), described by `label`."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    qr.add_data(data)
    qr.make(fit=True)
    buffer = BytesIO()
    qr.make_image().save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'width="[^"]*" height="[^"]*"', 'class="qr" role="img"', svg, count=1)
    title = label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return svg.replace(">", f"><title>{title}</title>", 1)
