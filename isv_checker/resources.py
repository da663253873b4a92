"""Where the default rules and templates are.

They live at the top of the repository (`rules/`, `templates/`), where people edit them; a clone and
an editable install read them there. A wheel carries copies inside the package (`isv_checker/rules`,
`isv_checker/templates`, mapped in pyproject.toml), and an installed package reads those. The
package's own copy wins when it is there, so an installed wheel never picks up an unrelated `rules`
folder that happens to sit beside it in site-packages.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder `name` ("rules" or "templates"): inside the package if installed there, else the checkout's."""
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name
