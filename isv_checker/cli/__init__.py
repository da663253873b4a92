"""The `isv-check` command: parses flags, calls the library, prints. No checking logic lives here.

`main` builds the app (`main.py`: scan, rules, explain) and adds the later stages' commands from
`outputs.py` (memo, annotate, sdg-table), `batch.py` (batch, results, export) and `web.py` (serve).
Every command is made with `command.py`'s class, so `--help` names arguments as PATH..., DOSSIER....
`console` is the installed script's entry point (pyproject's `[project.scripts]`).
"""

from .main import console, main

__all__ = ["console", "main"]
