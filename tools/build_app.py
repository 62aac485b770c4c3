"""Build the one-file app: `dist/spheres` (Linux, macOS) or `dist/spheres.exe` (Windows).

    pip install ".[app]" && python tools/build_app.py

The executable holds Python, the `workshop` package of this checkout, its templates, static
files, card decks and catalogues, and every dependency; it needs nothing installed and no
network. A double-click runs `workshop serve --open` (workshop/app_main.py).

PyInstaller cannot see what is imported by name at run time; what it is told here, and why:

- engineio loads its concurrency driver with importlib (`engineio.async_drivers.<mode>`):
  the gevent one for `serve`, the threading one for `--async-mode threading`. Both use
  simple_websocket (through `engineio.async_drivers._websocket_wsgi`) for WebSockets.
- gevent: its C extensions and lazily imported submodules come from PyInstaller's own
  hook for gevent; `gevent.selectors` and `gevent.event` are named too because engineio
  imports them inside a function.
- jsonschema checks decks against `workshop/deck.schema.json`; its meta-schemas are data
  files of `jsonschema_specifications` (collected by the contributed hook, and named here
  so a missing hook fails the build rather than the first deck check).
- The package's own data: `workshop/locales/*.json`, `workshop/deck.schema.json`; and the
  top-level templates/, static/ and card_decks/, placed under `workshop/` as in the wheel
  (workshop/paths.py finds them there, or under `sys._MEIPASS`).

Options: `--dist DIR` (default dist/), `--work DIR` (PyInstaller's build folder and spec
file; default build/app), `--name NAME` (default spheres).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HIDDEN_IMPORTS = [
    "engineio.async_drivers.gevent",
    "engineio.async_drivers.threading",
    "engineio.async_drivers._websocket_wsgi",
    "simple_websocket",
    "gevent.event",
    "gevent.queue",
    "gevent.selectors",
    "gevent.pywsgi",
    "qrcode.image.svg",
    # cli.py imports these lazily (the command starts fast); the analysis follows imports
    # inside functions, but naming the entry points of each command keeps them in for sure.
    "workshop.app",
    "workshop.realtime",
    "workshop.netinfo",
    "workshop.demo",
    "workshop.archive.build",
    "workshop.store",
]
COLLECT_SUBMODULES = ["workshop"]  # views, store, charter, archive: all of them
COLLECT_DATA = ["jsonschema_specifications", "jsonschema"]
#: (source in the checkout, folder in the bundle)
DATA = [
    ("templates", "workshop/templates"),
    ("static", "workshop/static"),
    ("card_decks", "workshop/card_decks"),
    ("workshop/locales", "workshop/locales"),
    ("workshop/deck.schema.json", "workshop"),
]
#: Not used by the app; left out to keep the executable small.
EXCLUDES = ["tkinter", "pytest", "playwright", "PyInstaller", "gevent.tests", "gevent.testing"]

LAUNCHER = '''\
"""The one-file app's script: see workshop/app_main.py."""
from workshop.app_main import main

main()
'''


def executable_name(name: str = "spheres") -> str:
    return f"{name}.exe" if sys.platform == "win32" else name


def pyinstaller_args(dist: Path, work: Path, name: str) -> list[str]:
    """The PyInstaller command line for this checkout."""
    launcher = work / "spheres_launcher.py"
    work.mkdir(parents=True, exist_ok=True)
    launcher.write_text(LAUNCHER, encoding="utf-8")
    args = [
        str(launcher),
        "--onefile",
        "--console",  # on Windows the window shows the links; closing it stops the server
        "--name",
        name,
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        "--specpath",
        str(work),
        "--paths",
        str(ROOT),  # the package of this checkout, whatever else is installed
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
    ]
    for module in HIDDEN_IMPORTS:
        args += ["--hidden-import", module]
    for package in COLLECT_SUBMODULES:
        args += ["--collect-submodules", package]
    for package in COLLECT_DATA:
        args += ["--collect-data", package]
    for source, target in DATA:
        args += ["--add-data", f"{ROOT / source}{os.pathsep}{target}"]
    for module in EXCLUDES:
        args += ["--exclude-module", module]
    return args


def build(dist: Path, work: Path, name: str = "spheres") -> Path:
    """Build the executable; return its path."""
    try:
        import PyInstaller.__main__
    except ImportError:
        sys.exit('PyInstaller is missing: pip install ".[app]"')
    for source, _target in DATA:
        if not (ROOT / source).exists():
            sys.exit(f"{ROOT / source} is missing: run this from a full checkout")
    PyInstaller.__main__.run(pyinstaller_args(dist.resolve(), work.resolve(), name))
    return dist.resolve() / executable_name(name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "app")
    parser.add_argument("--name", default="spheres")
    options = parser.parse_args(argv)
    started = time.monotonic()
    path = build(options.dist, options.work, options.name)
    size = path.stat().st_size / 1e6
    print(f"{path}: {size:.1f} MB, built in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
