"""The OpenDocument package both hand-written formats share (the ODT charter, the ODS
spreadsheet): user text as paragraph content, the metadata, and the zip itself.

Written by hand to need no library, and byte for byte the same for the same archive: the
`mimetype` entry comes first and is stored uncompressed, as the package format requires to
recognise the file, and every entry carries the same fixed date.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from xml.sax.saxutils import escape

from workshop.charter.document import clean


def odf_text(text: object) -> str:
    """User text as ODF paragraph content: escaped, with its line breaks and runs of
    spaces kept (ODF collapses whitespace unless told)."""
    lines = [escape(line) for line in clean(text).split("\n")]
    lines = [
        re.sub(r"  +", lambda m: f' <text:s text:c="{len(m[0]) - 1}"/>', line).replace(
            "\t", "<text:tab/>"
        )
        for line in lines
    ]
    return "<text:line-break/>".join(lines)


def meta(namespaces: str, title: str, lang: str, exported_at: object) -> str:
    """meta.xml: the generator, the title, the language, and when the archive was made."""
    created = ""
    try:
        stamp = datetime.fromisoformat(str(exported_at))
        created = (
            f"<meta:creation-date>{stamp.replace(tzinfo=None).isoformat()}</meta:creation-date>"
        )
    except ValueError:
        pass
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {namespaces}>'
        "<office:meta><meta:generator>Sphères</meta:generator>"
        f"<dc:title>{escape(clean(title))}</dc:title>"
        f"<dc:language>{escape(lang)}</dc:language>{created}"
        "</office:meta></office:document-meta>"
    )


def package(mimetype: str, content: str, styles: str, meta_xml: str) -> bytes:
    """The zip of one document: mimetype, manifest, content, styles, metadata."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
        f'manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    entries = [
        ("mimetype", mimetype, zipfile.ZIP_STORED),
        ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED),
        ("content.xml", content, zipfile.ZIP_DEFLATED),
        ("styles.xml", styles, zipfile.ZIP_DEFLATED),
        ("meta.xml", meta_xml, zipfile.ZIP_DEFLATED),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text, method in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
