"""The `serve` command: the web page for buyers who do not use a terminal, alone or as a team.

`register(app)` adds it to the `isv-check` app. It builds the Flask app (`isv_checker.web`) and runs
it under waitress, a pure-Python production server, bound to 127.0.0.1 unless told otherwise. Checks
run in a pool of worker processes (`--workers`, fitted to `--memory-mb`); the page's threads never
wait on one. It prints the address to open, writes an access log (JSON lines) to standard error, and
runs until Ctrl+C, which stops at once, or SIGTERM, which stops cleanly: no new uploads, running
checks get `--grace` seconds to finish, then are stopped with their OCR. Exit code 2 when the rules
cannot be used or the address cannot be bound.
"""

from __future__ import annotations

import _thread
import ipaddress
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from .command import Command
from .exits import EXIT_OK, fail
from .options import LangOption, RulesOption, output_lang, unusable_rules

LOOPBACK_NAMES = ("127.0.0.1", "localhost")
THREADS = 8  # the page's threads only read uploads and render pages: checks run in the workers
MEMORY_SHARE = 0.75  # of the machine's memory that the workers may take by default


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _bound_port(server: Any, asked: int) -> int:
    """The port actually bound (differs from `asked` for port 0); waitress has one server per address."""
    if hasattr(server, "effective_port"):
        return int(server.effective_port)
    listening = getattr(server, "effective_listen", None)
    return int(listening[0][1]) if listening else asked


def machine_memory_mb() -> int | None:
    """The memory this process may use, in MB: the machine's, or its container's limit (cgroup v2) when lower."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit.isdigit():
            total = min(total, int(limit))
    except OSError:
        pass
    return total // (1024 * 1024)


def web_config(
    host: str,
    max_mb: int,
    rules: Path | None,
    lang: str = "nl",
    *,
    workers: int | None = None,
    memory_mb: int | None = None,
    queue_limit: int = 50,
    client_limit: int = 10,
    proxies: int = 0,
    log_file_names: bool = False,
    keep_minutes: float = 15,
) -> dict[str, Any]:
    """The Flask config for `serve`'s options. On 127.0.0.1 or localhost, and with no proxy in front,
    only those host names are answered, so a web site cannot reach the page through a DNS name that
    points here. The workers are as many as asked (default: the cores), fewer where the memory budget
    (default: three quarters of the machine's) would not hold them each at their cap."""
    from ..batch.runner import default_workers
    from ..web.app import MB, size_pool
    from ..web.isolation import CheckLimits

    budget = memory_mb if memory_mb is not None else _default_budget()
    count, each = size_pool(workers or default_workers(), budget, CheckLimits.memory_mb or 0)
    config: dict[str, Any] = {
        "MAX_CONTENT_LENGTH": max_mb * MB,
        "ISV_RULES": str(rules) if rules is not None else None,
        "ISV_LANG": lang,
        "ISV_WORKERS": count,
        "ISV_CHECK_MEMORY_MB": each,
        "ISV_QUEUE_LIMIT": queue_limit,
        "ISV_CLIENT_LIMIT": client_limit,
        "ISV_PROXIES": proxies,
        "ISV_LOG_FILE_NAMES": log_file_names,
        "ISV_RESULT_TTL": keep_minutes * 60,
        "ISV_WARM_UP": True,
    }
    if host in LOOPBACK_NAMES and not proxies:
        config["TRUSTED_HOSTS"] = list(LOOPBACK_NAMES)
    return config


def _default_budget() -> int | None:
    memory = machine_memory_mb()
    return int(memory * MEMORY_SHARE) if memory else None


def _access_log() -> None:
    """The access log's JSON lines, one a line, to standard error."""
    from ..web.access_log import ACCESS_LOG

    logger = logging.getLogger(ACCESS_LOG)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on; other machines can reach the page only if it is not 127.0.0.1 (0.0.0.0: all).",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port).", min=0, max=65535)] = 8765,
    max_mb: Annotated[int, typer.Option("--max-mb", help="Largest upload in megabytes.", min=1, max=2048)] = 25,
    lang: LangOption = None,
    rules: RulesOption = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", help="Checks run at once, each in a worker process (default: the number of cores).", min=1
        ),
    ] = None,
    memory_mb: Annotated[
        int | None,
        typer.Option(
            "--memory-mb",
            help="Memory all workers together may use, in MB; fewer workers run if they do not fit at 2048 MB each "
            "(default: three quarters of the machine's memory).",
            min=1024,
        ),
    ] = None,
    queue_limit: Annotated[
        int, typer.Option("--queue-limit", help="Checks that may wait; more get a 'try again later' page.", min=1)
    ] = 50,
    client_limit: Annotated[
        int, typer.Option("--client-limit", help="Checks one client may have waiting or running at once.", min=1)
    ] = 10,
    proxies: Annotated[
        int,
        typer.Option(
            "--proxies",
            help="Reverse proxies in front of the page whose X-Forwarded-For/-Proto/-Host/-Prefix headers to trust.",
            min=0,
        ),
    ] = 0,
    log_file_names: Annotated[
        bool, typer.Option("--log-file-names", help="Put uploaded files' names in the access log (off: never).")
    ] = False,
    keep_minutes: Annotated[
        float,
        typer.Option(
            "--keep-minutes", help="Minutes a result and its downloads stay available once the check is done.", min=1
        ),
    ] = 15,
    grace: Annotated[
        float,
        typer.Option("--grace", help="Seconds running checks get to finish on SIGTERM before they are stopped.", min=0),
    ] = 10.0,
) -> None:
    """Start the web page: upload a document (or a tender's files), see the verdict and the evidence, download the memo.

    The page opens in the language of --lang (default: the locale's); its switch shows the other."""
    from waitress.server import create_server  # type: ignore[import-untyped]

    from ..i18n.catalogue import catalogue
    from ..ruleset.load import RulesError
    from ..web import create_app

    language = output_lang(lang)
    t = catalogue(language)
    config = web_config(
        host,
        max_mb,
        rules,
        language,
        workers=workers,
        memory_mb=memory_mb,
        queue_limit=queue_limit,
        client_limit=client_limit,
        proxies=proxies,
        log_file_names=log_file_names,
        keep_minutes=keep_minutes,
    )
    try:
        app = create_app(config)
    except RulesError as exc:
        unusable_rules(exc)
    limit = app.config["MAX_CONTENT_LENGTH"]
    try:
        # waitress refuses far larger bodies itself; up to twice the limit the app answers with its own page.
        # It drops X-Forwarded-* headers unless told otherwise; behind a proxy the app reads them (ProxyFix).
        server = create_server(
            app,
            host=host,
            port=port,
            threads=THREADS,
            max_request_body_size=2 * limit + 1024 * 1024,
            clear_untrusted_proxy_headers=not proxies,
        )
    except (OSError, ValueError) as exc:
        fail(f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc}")
    scheduler = app.extensions["isv_checker"].scheduler
    _access_log()
    url = _url(host, _bound_port(server, port))
    typer.echo(t["serve.open"].format(url=url), err=True)
    workers_line = t["serve.workers"].format(
        workers=config["ISV_WORKERS"], mb=config["ISV_CHECK_MEMORY_MB"], queue=queue_limit, per_client=client_limit
    )
    typer.echo(workers_line, err=True)
    if not _is_loopback(host):
        typer.echo(t["serve.not_loopback"].format(host=host), err=True)

    stopping = threading.Event()

    def drain_then_stop() -> None:
        scheduler.drain(grace)
        # SIGTERM again, now handled in the main thread, where it ends server.run()
        _thread.interrupt_main(signal.SIGTERM)

    def on_sigterm(signum: int, frame: Any) -> None:
        if stopping.is_set():
            raise SystemExit(EXIT_OK)  # the grace is over, or a second SIGTERM: stop now
        stopping.set()
        typer.echo(t["serve.stopping"].format(grace=f"{grace:g}"), err=True)
        threading.Thread(target=drain_then_stop, name="isv-check-stop", daemon=True).start()

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        server.run()  # returns after Ctrl+C, or once a SIGTERM's grace is over
    finally:
        scheduler.close()  # what still runs is stopped, OCR included
        signal.signal(signal.SIGTERM, previous)
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add `serve` to the `isv-check` app."""
    app.command("serve", cls=Command)(serve)
