"""The `isv-check` command: parses flags, calls the library, prints. No checking logic lives here.

`app.py` builds the app (scan, rules, explain) and adds the later stages' commands from
`outputs.py` (memo, annotate, sdg-table), `batch.py` (batch, results, export) and `web.py` (serve).
Every command is made with `command.py`'s class, so `--help` names arguments as PATH..., DOSSIER....
`console` is the installed script's entry point (pyproject's `[project.scripts]`).

`main` imports the app only once it has started what a first `batch` run on this machine's workers
needs first: the workers' fork server, which takes a few tenths of a second to import the checker
and warm up, would otherwise start only after the app's own imports (typer and the report models,
some 150 ms), and every worker waits for it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: list[str] | None = None) -> int:
    """Entry point; `argv` lets tests call the CLI in-process, as yamllint's `cli.run` does."""
    _start_batch_workers(sys.argv[1:] if argv is None else argv)
    from .app import run

    return run(argv)


def console() -> None:
    sys.exit(main())


def _start_batch_workers(args: Sequence[str]) -> None:
    """Start the fork server now for `batch ... --db DB` on the local pool when DB has no documents yet
    (`fork_server.start_if_new`; the command itself asks again, which costs nothing then). Only the
    database is read from the command line here: a line the app refuses, or a path that is missing,
    costs the fork server's start-up in the background and nothing else (it exits with this process)."""
    if not args or args[0] != "batch" or "--help" in args:
        return
    db = None
    for before, arg in zip(args, args[1:], strict=False):
        if arg == "--scheduler" or arg.startswith("--scheduler="):
            return
        if before == "--db":
            db = arg
        elif arg.startswith("--db="):
            db = arg.removeprefix("--db=")
    if db:
        from ..batch.fork_server import start_if_new

        start_if_new(db, [])
