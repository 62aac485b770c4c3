"""The archive format: its name, its version, and what an archive must hold to be read.

Pure (no Flask, no SQL), so the charter can be made from a JSON file alone.
"""

from __future__ import annotations

from workshop.model import Invalid

FORMAT = "spheres-workshop-archive"
VERSION = 1


def check_archive(archive: object) -> dict:
    """Refuse what is not an archive this version can read, saying why (`Invalid`)."""
    if not isinstance(archive, dict) or archive.get("format") != FORMAT:
        raise Invalid("error.archive_format")
    version = archive.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise Invalid("error.archive_version", version=version, supported=VERSION)
    required = {
        "workshop": dict,
        "spheres": dict,
        "practices": list,
        "participants": dict,
        "answers": list,
        "proposals": list,
        "decisions": list,
        "clauses": list,
        "suggestions": list,
    }
    for key, kind in required.items():
        if not isinstance(archive.get(key), kind):
            raise Invalid("error.archive_invalid")
    return archive
