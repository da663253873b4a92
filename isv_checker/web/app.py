"""The Flask application behind `isv-check serve`: `create_app(config)` builds one.

The app holds no business logic: a view writes the upload to a folder of its own and hands it to the
scheduler (`scheduler`), which checks it in a worker process (`isolation`: the pipeline and the
existing renderers, through `outputs`) while the page follows its progress; the views render
templates from `templates/web/`. Settings are Flask config keys; those of isv-checker start with ISV_:

  MAX_CONTENT_LENGTH   largest upload in bytes (25 MB), all files of a tender together; larger gives a
                       friendly 413 page. Each member of an uploaded ZIP may unpack to as much, all
                       members together to ARCHIVE_FACTOR times as much (the guards of `batch.sources`)
  ISV_RULES            a rules folder instead of the bundled rules/ (None)
  ISV_LANG             the pages' language unless `?lang=` asks for another: "nl" (the default) or "en"
  ISV_RESULT_TTL       seconds a result and its downloads stay available once the check is done (900)
  ISV_STORE_BYTES      memory all results together may hold (256 MB); the oldest go first
  ISV_TEMP_DIR         where the temporary folder of an upload is made (None: the system's)
  ISV_READ_OPTIONS     `ReadOptions` for reading uploads (None: the defaults)
  ISV_CHECK_TIMEOUT    seconds one check may take before its worker is stopped (600; 0: no limit)
  ISV_CHECK_MEMORY_MB  memory the worker of one check may use (2048; 0: no limit)
  ISV_WORKERS          checks run at once (None: the number of cores); one more for a quick check
                       while all of them are busy with long ones (`fairness`)
  ISV_QUEUE_LIMIT      checks that may wait (50); beyond, a friendly 503 page with Retry-After
  ISV_CLIENT_LIMIT     checks one client may have waiting or running (10); beyond, a 429 page
  ISV_PROXIES          reverse proxies in front whose X-Forwarded-For, -Proto, -Host and -Prefix are
                       trusted (0); a client is told apart by its address, so behind a proxy set this
  ISV_LOG_FILE_NAMES   put uploaded files' names in the access log (False: never)
  ISV_WARM_UP          start the fork server and a worker with the app, before the first upload;
                       GET /health says "starting" until then (False)
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from ..batch.runner import default_workers
from ..batch.sources import ArchiveLimits
from ..i18n.languages import LANGUAGES
from ..render.templates import DEFAULT_TEMPLATES_DIR
from ..ruleset.load import Ruleset, cached_ruleset, load_ruleset
from ..settings import ReadOptions
from . import isolation
from .access_log import log_check
from .isolation import CheckLimits, CheckSetup
from .results import ResultStore, Stored
from .scheduler import CheckScheduler, Job, Requeue

MB = 1024 * 1024
ARCHIVE_FACTOR = 10
TEMPLATES_DIR = DEFAULT_TEMPLATES_DIR / "web"
MIN_WORKER_MB = 1024  # less, and spaCy and pdfium fail on ordinary drafts
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
    "ISV_WORKERS": None,
    "ISV_QUEUE_LIMIT": 50,
    "ISV_CLIENT_LIMIT": 10,
    "ISV_PROXIES": 0,
    "ISV_LOG_FILE_NAMES": False,
    "ISV_WARM_UP": False,
}


@dataclass(frozen=True, eq=False)
class WebState:
    setup: CheckSetup
    store: ResultStore
    scheduler: CheckScheduler
    log_names: bool
    ready: threading.Event  # set once workers have been started (ISV_WARM_UP) or at once

    @property
    def ruleset(self) -> Ruleset:
        return self.setup.ruleset


class _WebApp(Flask):
    def select_jinja_autoescape(self, filename: str | None) -> bool:
        return True  # every template here is HTML, though named .html.j2


def size_pool(workers: int, budget_mb: int | None, worker_mb: int) -> tuple[int, int]:
    """(workers, MB each) that fit `budget_mb` for all worker processes together, counting the one
    more a quick check may get (`fairness`): fewer workers first, then a smaller cap, never below
    MIN_WORKER_MB nor below one worker. Without a budget, as asked."""
    if budget_mb is None or budget_mb <= 0:
        return max(1, workers), worker_mb
    fitting = budget_mb // worker_mb - 1 if worker_mb else workers
    if fitting >= 1:
        return max(1, min(workers, fitting)), worker_mb
    return 1, max(MIN_WORKER_MB, budget_mb // 2)


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
    limit = int(app.config["MAX_CONTENT_LENGTH"])
    setup = CheckSetup(
        ruleset=load_ruleset(rules) if rules is not None else cached_ruleset(),
        rules_dir=str(rules) if rules is not None else None,
        options=app.config["ISV_READ_OPTIONS"] or ReadOptions(),
        limits=CheckLimits(
            timeout=float(app.config["ISV_CHECK_TIMEOUT"] or 0) or None,
            memory_mb=int(app.config["ISV_CHECK_MEMORY_MB"] or 0) or None,
        ),
        archive=ArchiveLimits(max_member_bytes=limit, max_archive_bytes=ARCHIVE_FACTOR * limit),
    )
    ttl = float(app.config["ISV_RESULT_TTL"])
    store = ResultStore(ttl, int(app.config["ISV_STORE_BYTES"]))
    log_names = bool(app.config["ISV_LOG_FILE_NAMES"])

    def check(job: Job) -> Stored | Requeue:
        # the setup and the function are looked up at each check, so that a test can change them
        return isolation.run_check(
            job.upload,
            app.extensions["isv_checker"].setup,
            long=job.long,
            may_turn_long=not job.extra,
            label=f"{job.id} ({job.upload.name})" if log_names else job.id,
            cancelled=lambda: job.cancel,
        )

    def finish(token: str, result: Stored) -> bool:
        return store.put(result, token) is not None

    scheduler = CheckScheduler(
        check,
        finish,
        workers=int(app.config["ISV_WORKERS"] or default_workers()),
        queue_limit=int(app.config["ISV_QUEUE_LIMIT"]),
        client_limit=int(app.config["ISV_CLIENT_LIMIT"]),
        keep=ttl,
        on_done=lambda job, outcome: log_check(job, outcome, names=log_names),
    )
    ready = threading.Event()
    app.extensions["isv_checker"] = WebState(setup, store, scheduler, log_names, ready)
    if app.config["ISV_WARM_UP"]:
        threading.Thread(target=_warm_up, args=(setup, ready), name="isv-check-warm-up", daemon=True).start()
    else:
        ready.set()
    proxies = int(app.config["ISV_PROXIES"] or 0)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )
    app.register_blueprint(blueprint)
    register_error_pages(app)
    return app


def _warm_up(setup: CheckSetup, ready: threading.Event) -> None:
    isolation.warm_up(setup)
    ready.set()  # ready either way: where workers cannot start, checks run in the server


def web_state() -> WebState:
    state: WebState = current_app.extensions["isv_checker"]
    return state
