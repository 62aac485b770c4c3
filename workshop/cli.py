"""The `workshop` command. `serve` is the default: `workshop --port 0` is `workshop serve --port 0`.

This module imports nothing heavy at the top: the server's concurrency model (gevent by
default) is chosen before Flask and Socket.IO are loaded.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from workshop import __version__, charter

ASYNC_MODES = ("gevent", "threading")


def default_data_dir() -> Path:
    """A per-user folder that survives reboots: the workshops live there between sessions."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "Spheres"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Spheres"
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "spheres"


data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=default_data_dir,
    show_default="a per-user folder",
    help="Folder holding the workshops' database (created if needed).",
)


HELP = {"help_option_names": ["-h", "--help"]}


class DefaultGroup(click.Group):
    """A group that runs `serve` when no command is named.

    Only an absent first argument or an option that is not the group's own (`--port 0`)
    means `serve`; a word that is no command is an error with click's suggestion
    ("No such command 'expot'. Did you mean 'export'?").
    """

    default_command = "serve"

    def parse_args(self, ctx, args):
        own = {opt for param in self.get_params(ctx) for opt in param.opts + param.secondary_opts}
        if not args or (args[0].startswith("-") and args[0] not in own):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings=HELP, subcommand_metavar="[COMMAND] [ARGS]...")
@click.version_option(__version__, prog_name="workshop")
def main() -> None:
    """Sphères: screen a team's digital practices together, offline, from phones.

    Without a command, runs `serve`: `workshop --port 0` is `workshop serve --port 0`.
    `workshop COMMAND -h` tells more about each command.
    """


@main.command()
@click.option(
    "--host",
    default="0.0.0.0",  # noqa: S104 - phones on the room's network must reach it
    show_default=True,
    help="Address to listen on. The default listens on every network so phones "
    "on the room's Wi-Fi can join; use 127.0.0.1 to try it alone (phones "
    "then cannot reach it).",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one.",
)
@data_option
@click.option(
    "--public-url",
    metavar="URL",
    help="Address to put in QR codes and join links, when phones reach this "
    "machine by another name (a proxy, a fixed hostname).",
)
@click.option(
    "--open", "open_browser", is_flag=True, help="Open the facilitator page in the default browser."
)
@click.option(
    "--demo", is_flag=True, help="Add a demo workshop whose simulated participants answer live."
)
@click.option(
    "--decks",
    "deck_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of your own decks, added to the shipped ones (repeatable).",
)
@click.option(
    "--async-mode",
    type=click.Choice(ASYNC_MODES),
    default="gevent",
    show_default=True,
    help="Concurrency model: gevent holds hundreds of phones; threading is a "
    "fallback for debugging.",
)
def serve(host, port, data_dir, public_url, open_browser, demo, deck_dirs, async_mode):
    """Start the workshop server and print the facilitator's and the room's links."""
    from workshop import netinfo, web
    from workshop.app import create_app
    from workshop.realtime import socketio

    data_dir = data_dir.expanduser().resolve()
    app = create_app(
        {
            "DATA_DIR": data_dir,
            "ASYNC_MODE": async_mode,
            "PUBLIC_URL": public_url,
            "DECK_DIRS": list(deck_dirs),
        }
    )
    try:
        server, port = web.bind(app, host, port, async_mode)
    except OSError as error:
        app.extensions["workshop.store"].close()
        raise click.ClickException(
            f"cannot listen on {host}:{port} ({error.strerror}). Another server may be using "
            "this port: choose another with --port, or --port 0 for any free one."
        ) from None
    base = netinfo.base_url(host, port, public_url)
    app.config["BASE_URL"] = base
    # The names and port this server answers to (security.Addresses): any other Host or
    # Origin is refused, so a page on a foreign name (DNS rebinding) cannot use it.
    app.config["ALLOWED_HOSTS"] = netinfo.own_hosts(host, public_url)
    app.config["PORT"] = port
    local = f"http://127.0.0.1:{port}" if host in ("0.0.0.0", "::", "") else base  # noqa: S104
    store = app.extensions["workshop.store"]

    if demo:
        _start_demo(app, socketio)

    click.echo(f"Sphères {__version__} · data: {data_dir} · {async_mode}")
    for problem in app.config["DECK_PROBLEMS"]:
        click.echo(f"Deck problem: {problem}", err=True)
    if netinfo.is_loopback(host):
        click.echo(
            f"Warning: listening on {host} only: phones cannot reach this server. "
            "Leave out --host (or use --host 0.0.0.0) to let them join.",
            err=True,
        )
    elif host in ("0.0.0.0", "::", "") and not public_url and netinfo.lan_address() is None:  # noqa: S104
        click.echo(
            "Warning: no network found. Connect this computer to the room's Wi-Fi or "
            "to a phone's hotspot, then restart.",
            err=True,
        )
    click.echo(f"Facilitator: {local}/f/?token={app.config['FACILITATOR_SECRET']}")
    for workshop in store.workshops():
        click.echo(f"Join: {base}/j/{workshop.code}")
        click.echo(f"Screen: {base}/s/{workshop.code}")
    sys.stdout.flush()
    if open_browser:
        import webbrowser

        webbrowser.open(f"{local}/f/?token={app.config['FACILITATOR_SECRET']}")
    web.stop_on_interrupt(server, async_mode)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        store.close()  # queued writes are finished first
    # Exit status 0: Ctrl-C and SIGTERM are how a server is asked to stop, not a failure.
    click.echo(f"Stopped. Your workshops are in {data_dir}.")


def _start_demo(app, socketio) -> None:
    """Create the demo workshop once per data folder and let it come alive."""
    from workshop import demo

    store = app.extensions["workshop.store"]
    if any(w.demo for w in store.workshops()):
        return
    decks = app.extensions["workshop.decks"]
    deck = decks.get("social-work.fr") or next(iter(decks.values()))
    workshop = store.workshop_by_id(demo.create(store, deck))
    broadcaster = app.extensions["workshop.realtime"]

    def run():
        try:
            demo.simulate(
                store, workshop, lambda seconds=0.15: socketio.sleep(seconds), broadcaster.mark
            )
        except Exception:  # noqa: BLE001 - the demo workshop was erased meanwhile
            app.logger.info("demo simulation stopped")

    socketio.start_background_task(run)


@main.group()
def deck() -> None:
    """Check and list card decks."""


@deck.command("check")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def deck_check(files):
    """Check deck files; print every problem with its file, line and field."""
    from workshop.decks import InvalidDeck, load_deck

    failed = False
    for path in files:
        try:
            loaded = load_deck(path)
        except InvalidDeck as error:
            failed = True
            for problem in error.errors:
                click.echo(str(problem), err=True)
            continue
        click.echo(f"{path}: OK, {len(loaded.practices)} practices ({loaded.lang})")
    if failed:
        sys.exit(1)


@deck.command("list")
@click.option(
    "--decks",
    "deck_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of your own decks, listed with the shipped ones (repeatable).",
)
def deck_list(deck_dirs):
    """List the decks a workshop can use: key, language, practices, title, file."""
    from workshop.decks import available_decks

    problems = []
    decks = available_decks(list(deck_dirs), problems)
    for key in sorted(decks):
        d = decks[key]
        click.echo(f"{key}\t{d.lang}\t{len(d.practices)} practices\t{d.title}\t{d.path}")
    for problem in problems:
        click.echo(f"not loaded: {problem}", err=True)


def _open_store(data_dir: Path):
    from workshop.store import Store

    path = data_dir.expanduser() / "workshop.sqlite3"
    if not path.exists():
        raise click.ClickException(f"no workshop data in {data_dir} (no workshop.sqlite3 there)")
    return Store(path)


@main.command()
@click.argument("workshop_code", metavar="WORKSHOP")
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(charter.RENDERERS)),
    default="html",
    show_default=True,
    help="html (print-ready A4), md, odt (LibreOffice) are the charter; csv and ods are "
    "spreadsheets of every answer; json is the whole workshop's archive.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write; '-' or nothing writes to standard output.",
)
def export(workshop_code, data_dir, fmt, output):
    """Export a workshop's charter, or its archive, without starting the server."""
    from workshop import charter
    from workshop.archive.build import build_archive
    from workshop.model import normalise_code

    store = _open_store(data_dir)
    try:
        workshop = store.workshop(normalise_code(workshop_code))
        if workshop is None:
            codes = ", ".join(w.code for w in store.workshops()) or "none"
            raise click.ClickException(f"no workshop {workshop_code!r} here (workshops: {codes})")
        renderer = charter.RENDERERS[fmt]
        body = renderer.render(build_archive(store, workshop))
    finally:
        store.close()
    if output is None or str(output) == "-":
        if renderer.media_type.startswith(("text/", "application/json")):
            click.echo(body, nl=False)
        else:
            sys.stdout.buffer.write(body)
    else:
        output.write_bytes(body)
        click.echo(f"{output}: {fmt}, {len(body)} bytes", err=True)


@main.command()
@data_option
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="The demo's language.",
)
def demo(data_dir, lang):
    """Create a finished demo workshop (answers, map, decisions, consent rounds, charter)."""
    from workshop import demo as demos
    from workshop.decks import available_decks
    from workshop.store import Store

    data_dir = data_dir.expanduser()
    store = Store(data_dir / "workshop.sqlite3")
    try:
        deck = available_decks()[f"social-work.{lang}"]
        workshop = store.workshop_by_id(demos.create_finished(store, deck))
    finally:
        store.close()
    click.echo(f"Demo workshop {workshop.code} created in {data_dir}.")
    click.echo(f"See it:    workshop serve --data {data_dir}")
    click.echo(
        f"Export it: workshop export {workshop.code} --data {data_dir} --format html "
        f"-o charter.html"
    )


@main.command("import")
@click.argument(
    "archive_file", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@data_option
def import_(archive_file, data_dir):
    """Bring back a workshop from its JSON archive (to review it, or to compare with it)."""
    import json

    from workshop import i18n
    from workshop.archive.build import restore_archive
    from workshop.model import Invalid
    from workshop.store import Store

    try:
        archive = json.loads(archive_file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise click.ClickException(f"{archive_file} is not a JSON file ({error})") from None
    store = Store(data_dir.expanduser() / "workshop.sqlite3")
    try:
        workshop = store.workshop_by_id(restore_archive(store, archive))
    except Invalid as error:
        raise click.ClickException(
            f"{archive_file}: {i18n.translate('en', error.key, **error.params)}"
        ) from None
    finally:
        store.close()
    click.echo(f"Imported {archive_file} as workshop {workshop.code} ({workshop.title}).")
