"""The jinja2 templates the Markdown and HTML outputs are made from, and the user's replacements.

The bundled templates live in `templates/` beside the package (like `rules/`); `--template FILE`
replaces one with the user's own file, which gets the same view model.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2

from ..resources import data_dir

DEFAULT_TEMPLATES_DIR = data_dir("templates")


class TemplateError(Exception):
    """A template that cannot be loaded or rendered; the message names the file and the line."""


def _md_cell(value: object) -> str:
    """Text made safe for one Markdown table cell: no pipes breaking the row, no newlines."""
    text = "" if value is None else str(value)
    return " ".join(text.replace("|", "\\|").split())


def _environment(folder: Path, autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md_cell"] = _md_cell
    return env


def render_template(name: str, context: dict[str, object], *, template: str | os.PathLike[str] | None = None) -> str:
    """Render the bundled template `name` (e.g. 'memo.html.j2'), or the user's `template` file instead.

    HTML templates (name ending .html.j2 or a user file ending .html/.htm/.html.j2) are autoescaped.
    """
    path = Path(template) if template is not None else DEFAULT_TEMPLATES_DIR / name
    html = name.endswith((".html.j2", ".htm.j2"))
    if template is not None:
        html = path.name.lower().endswith((".html", ".htm", ".html.j2", ".htm.j2")) or html
    try:
        tmpl = _environment(path.parent, html).get_template(path.name)
    except jinja2.TemplateNotFound:
        raise TemplateError(f"{path}: template not found") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{path}:{exc.lineno}: template syntax error: {exc.message}") from None
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read the template: {exc.strerror or exc}") from None
    try:
        return tmpl.render(**context)
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"{path}: the template uses something the view model does not have: {exc.message}"
        ) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{path}: the template failed: {exc}") from None
