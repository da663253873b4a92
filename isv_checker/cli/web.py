"""The `serve` command: the local web page for buyers who do not use a terminal.

`register(app)` adds it to the `isv-check` app. It builds the Flask app (`isv_checker.web`) and runs
it under waitress, a pure-Python production server, bound to 127.0.0.1 unless told otherwise. It
prints the address to open and runs until Ctrl+C. Exit code 2 when the rules cannot be used or the
address cannot be bound.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Any

import typer

from .command import Command
from .exits import EXIT_OK, fail
from .options import LangOption, RulesOption, output_lang, unusable_rules

LOOPBACK_NAMES = ("127.0.0.1", "localhost")
THREADS = 4


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


def web_config(host: str, max_mb: int, rules: Path | None, lang: str = "nl") -> dict[str, Any]:
    """The Flask config for `serve`'s options. On 127.0.0.1 or localhost only those host names are
    answered, so a web site cannot reach the page through a DNS name that points here."""
    from ..web.app import MB

    config: dict[str, Any] = {
        "MAX_CONTENT_LENGTH": max_mb * MB,
        "ISV_RULES": str(rules) if rules is not None else None,
        "ISV_LANG": lang,
    }
    if host in LOOPBACK_NAMES:
        config["TRUSTED_HOSTS"] = list(LOOPBACK_NAMES)
    return config


def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host", help="Address to listen on; other machines can reach the page only if it is not 127.0.0.1."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port).", min=0, max=65535)] = 8765,
    max_mb: Annotated[int, typer.Option("--max-mb", help="Largest upload in megabytes.", min=1, max=2048)] = 25,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """Start the local web page: upload a document (or a tender's files), see the verdict and the evidence, download the memo.

    The page opens in the language of --lang (default: the locale's); its switch shows the other."""
    from waitress.server import create_server  # type: ignore[import-untyped]

    from ..i18n.catalogue import catalogue
    from ..ruleset.load import RulesError
    from ..web import create_app

    language = output_lang(lang)
    t = catalogue(language)
    try:
        app = create_app(web_config(host, max_mb, rules, language))
    except RulesError as exc:
        unusable_rules(exc)
    limit = app.config["MAX_CONTENT_LENGTH"]
    try:
        # waitress refuses far larger bodies itself; up to twice the limit the app answers with its own page
        server = create_server(
            app, host=host, port=port, threads=THREADS, max_request_body_size=2 * limit + 1024 * 1024
        )
    except (OSError, ValueError) as exc:
        fail(f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc}")
    url = _url(host, _bound_port(server, port))
    typer.echo(t["serve.open"].format(url=url), err=True)
    if not _is_loopback(host):
        typer.echo(t["serve.not_loopback"].format(host=host), err=True)
    server.run()  # returns after Ctrl+C, having closed its sockets
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add `serve` to the `isv-check` app."""
    app.command("serve", cls=Command)(serve)
