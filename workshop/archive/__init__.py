"""The JSON archive of a workshop (docs/archive-format.md).

`format` is pure (what an archive is, and its checks); `build` makes an archive from the
store and restores one into it. Importing this package loads only `format`, so that the
charter renders from an archive with neither a database nor a server.
"""

from workshop.archive.format import FORMAT, VERSION, check_archive

__all__ = ["FORMAT", "VERSION", "check_archive"]
