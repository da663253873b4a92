"""The Flask application behind `isv-check serve`: `create_app(config)` builds one.

The app holds no business logic: a view reads the upload, hands the bytes to `outputs.check_upload`
(the pipeline and the existing renderers), run in a worker process of its own (`isolation`), and
renders a template from `templates/web/`. Settings are Flask config keys; those of isv-checker start
with ISV_:

  MAX_CONTENT_LENGTH   largest upload in bytes (25 MB), all files of a tender together; larger gives a
                       friendly 413 page. Each member of an uploaded ZIP may unpack to as much, all
                       members together to ARCHIVE_FACTOR times as much (the guards of `batch.sources`)
  ISV_RULES            a rules folder instead of the bundled rules/ (None)
  ISV_LANG             the pages' language unless `?lang=` asks for another: "nl" (the default) or "en"
  ISV_RESULT_TTL       seconds a result and its downloads stay available (900)
  ISV_STORE_BYTES      memory all results together may hold (256 MB); the oldest go first
  ISV_TEMP_DIR         where the temporary folder of an upload is made (None: the system's)
  ISV_READ_OPTIONS     `ReadOptions` for reading uploads (None: the defaults)
  ISV_CHECK_TIMEOUT    seconds one upload may take before its worker is stopped (600; 0: no limit)
  ISV_CHECK_MEMORY_MB  memory the worker checking an upload may use (2048; 0: no limit)
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from ..i18n.languages import LANGUAGES
from ..render.templates import DEFAULT_TEMPLATES_DIR
from ..ruleset.load import Ruleset, cached_ruleset, load_ruleset
from ..settings import ReadOptions
from .isolation import CheckLimits
from .results import ResultStore

MB = 1024 * 1024
ARCHIVE_FACTOR = 10
TEMPLATES_DIR = DEFAULT_TEMPLATES_DIR / "web"
DEFAULTS: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": 25 * MB,
    "ISV_RULES": None,
    "ISV_LANG": "nl",
    "ISV_RESULT_TTL": 15 * 60,
    "ISV_STORE_BYTES": 256 * MB,
    "ISV_TEMP_DIR": None,
    "ISV_READ_OPTIONS": None,
    "ISV_CHECK_TIMEOUT": CheckLimits.timeout,
    "ISV_CHECK_MEMORY_MB": CheckLimits.memory_mb,
}


@dataclass(frozen=True, eq=False)
class WebState:
    ruleset: Ruleset
    rules_dir: str | None  # where the workers load `ruleset` from (None: the bundled rules)
    store: ResultStore
    options: ReadOptions
    limits: CheckLimits
    checking: threading.Lock  # one document at a time: the page serves one buyer, and memory stays bounded


class _WebApp(Flask):
    def select_jinja_autoescape(self, filename: str | None) -> bool:
        return True  # every template here is HTML, though named .html.j2


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """A configured app; a rules folder that cannot be used raises `RulesError` here, not on a request."""
    from .views import blueprint, register_error_pages

    app = _WebApp(__name__, template_folder=str(TEMPLATES_DIR), static_folder=None)
    app.jinja_options = {**app.jinja_options, "trim_blocks": True, "lstrip_blocks": True}
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    app.config["DEBUG"] = False  # never a traceback page, whatever the config says
    if app.config["ISV_LANG"] not in LANGUAGES:
        raise ValueError(f"ISV_LANG {app.config['ISV_LANG']!r}: choose one of {', '.join(LANGUAGES)}")
    rules = app.config["ISV_RULES"]
    app.extensions["isv_checker"] = WebState(
        ruleset=load_ruleset(rules) if rules is not None else cached_ruleset(),
        rules_dir=str(rules) if rules is not None else None,
        store=ResultStore(float(app.config["ISV_RESULT_TTL"]), int(app.config["ISV_STORE_BYTES"])),
        options=app.config["ISV_READ_OPTIONS"] or ReadOptions(),
        limits=CheckLimits(
            timeout=float(app.config["ISV_CHECK_TIMEOUT"] or 0) or None,
            memory_mb=int(app.config["ISV_CHECK_MEMORY_MB"] or 0) or None,
        ),
        checking=threading.Lock(),
    )
    app.register_blueprint(blueprint)
    register_error_pages(app)
    return app


def web_state() -> WebState:
    state: WebState = current_app.extensions["isv_checker"]
    return state
