"""The entry point of the one-file app (`spheres` / `spheres.exe`, built by tools/build_app.py).

Started with no argument, as a double-click does, it runs `workshop serve --open`: the
server listens on the room's network, keeps its workshops in the per-user data folder and
opens the facilitator's page in the default browser. On Windows the console window that
opens with it shows the links; closing it stops the server. With arguments it is exactly
the `workshop` command: `spheres.exe export K7QPM -o charte.html`.
"""

from __future__ import annotations

import sys

#: What a double-click runs.
DOUBLE_CLICK = ["serve", "--open"]


def main(argv: list[str] | None = None) -> None:
    """Run the `workshop` command with `argv` (default: the process's arguments)."""
    from workshop import cli

    args = list(sys.argv[1:] if argv is None else argv)
    double_click = not args
    if double_click:
        args = list(DOUBLE_CLICK)
    try:
        cli.main.main(args=args, prog_name="spheres")
    except SystemExit as stop:
        if double_click and stop.code not in (0, None):
            _keep_window_open()
        raise


def _keep_window_open() -> None:
    """After a failed double-click start, let the reader see why before the window closes."""
    if sys.stdin is None or not sys.stdin.isatty():
        return
    try:
        input("Press Enter to close this window.")
    except (EOFError, KeyboardInterrupt):
        pass


if __name__ == "__main__":
    main()
