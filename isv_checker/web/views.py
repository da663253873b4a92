"""The pages: upload, result, downloads, rules, and friendly error pages. Each view is a few lines.

Every page is in Dutch unless `?lang=en`; links keep the language. Responses are never cached and
carry a strict Content-Security-Policy: the page loads nothing from anywhere, and its one small
script and its style carry a nonce.
"""

from __future__ import annotations

import io
import secrets
import tempfile
import time
from pathlib import Path, PurePath
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .. import __version__
from ..readers.formats import ACCEPT
from ..render.messages import format_number
from .app import MB, web_state
from .isolation import check_isolated
from .messages import DEFAULT_LANG, page_lang, page_messages
from .outputs import OUTPUTS, display_name, download_key
from .page import result_view
from .results import Result

blueprint = Blueprint("web", __name__)

CSP = (
    "default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@blueprint.before_app_request
def _language() -> None:
    g.lang = page_lang(request.args.get("lang"))
    g.nonce = secrets.token_urlsafe(16)


@blueprint.after_app_request
def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP.format(nonce=g.get("nonce", "none"))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def lang_url(endpoint: str, **values: Any) -> str:
    """url_for that keeps the page's language (Dutch, the default, needs no parameter)."""
    lang = g.get("lang", DEFAULT_LANG)
    return url_for(endpoint, **values, lang=None if lang == DEFAULT_LANG else lang)


def _switch_url(other: str) -> str:
    lang = None if other == DEFAULT_LANG else other
    if request.method == "GET" and request.endpoint in ("web.index", "web.rules", "web.result"):
        return url_for(request.endpoint, **(request.view_args or {}), lang=lang)
    return url_for("web.index", lang=lang)


def _limit() -> int:
    return int(current_app.config["MAX_CONTENT_LENGTH"])


def _megabytes(size: int) -> str:
    return format_number(size / MB, g.get("lang", DEFAULT_LANG), 0 if size % MB == 0 else 1)


@blueprint.app_context_processor
def _page_context() -> dict[str, Any]:
    lang = g.get("lang", DEFAULT_LANG)
    state = web_state()
    t = page_messages(lang, state.ruleset.vocabulary)
    limit = _limit()
    info = state.ruleset.info
    return {
        "lang": lang,
        "t": t,
        "lang_url": lang_url,
        "switch_url": _switch_url(t["switch_lang"]),
        "csp_nonce": g.get("nonce", ""),
        "version": __version__,
        "ruleset_text": f"{info.id} {info.version}",
        "minutes": round(state.store.ttl / 60),
        "max_bytes": limit,
        "max_mb": _megabytes(limit),
        "accept": ACCEPT,
    }


def _upload_page(error: str = "", status: int = 200) -> tuple[str, int]:
    return render_template("upload.html.j2", error=error, active="check"), status


@blueprint.get("/")
def index() -> tuple[str, int]:
    return _upload_page()


@blueprint.post("/check")
def check() -> Any:
    upload = request.files.get("document")
    t = page_messages(g.lang, web_state().ruleset.vocabulary)
    if upload is None or not upload.filename:
        return _upload_page(t["error_no_file"], 400)
    name = display_name(upload.filename)
    state = web_state()
    suffix = "".join(c for c in PurePath(name).suffix if c.isalnum() or c == ".")[:10]
    # the upload is written to a folder of its own, read, and the folder removed before the check runs
    with tempfile.TemporaryDirectory(prefix="isv-check-", dir=current_app.config["ISV_TEMP_DIR"]) as folder:
        path = Path(folder) / f"upload{suffix}"
        upload.save(path)
        data = path.read_bytes()
    with state.checking:
        result = check_isolated(data, name, state.ruleset, state.rules_dir, state.options, state.limits)
    del data
    if not result.report.readable:
        return render_template("unreadable.html.j2", report=result.report, file=name, active="check"), 422
    token = state.store.put(result)
    if token is None:
        return _result_page(result, None)
    return redirect(lang_url("web.result", token=token), code=303)


def _result_page(result: Result, token: str | None) -> str:
    t = page_messages(g.lang, web_state().ruleset.vocabulary)
    view = result_view(result, web_state().ruleset, g.lang, t)
    expires = ""
    if token is not None:
        seconds = web_state().store.expires_in(token) or 0
        expires = time.strftime("%H:%M", time.localtime(time.time() + seconds))
    return render_template("result.html.j2", token=token, expires=expires, active="check", **view)


@blueprint.get("/result/<token>")
def result(token: str) -> Any:
    found = web_state().store.get(token)
    if found is None:
        return _gone()
    return _result_page(found, token)


@blueprint.get("/result/<token>/<output>")
def download(token: str, output: str) -> Any:
    if output not in OUTPUTS:
        abort(404)
    found = web_state().store.get(token)
    if found is None:
        return _gone()
    item = found.downloads.get(download_key(output, g.lang))
    if item is None:
        abort(404)
    return send_file(
        io.BytesIO(item.data), mimetype=item.mimetype, as_attachment=True, download_name=item.filename, max_age=0
    )


@blueprint.post("/result/<token>/delete")
def delete(token: str) -> Any:
    web_state().store.delete(token)
    t = page_messages(g.lang, web_state().ruleset.vocabulary)
    return render_template("message.html.j2", title=t["deleted"], text="", upload=True, active="check")


@blueprint.get("/rules")
def rules() -> str:
    ruleset = web_state().ruleset
    groups = [
        ("group_categories", ruleset.categories),
        ("group_authorities", ruleset.authorities),
        ("group_value", ruleset.value_contexts),
        ("group_procedures", ruleset.procedures),
        ("group_anchors", ruleset.anchors),
        ("group_elements", ruleset.elements),
        ("group_decoys", ruleset.decoys),
    ]
    return render_template(
        "rules.html.j2", groups=groups, info=ruleset.info, total=len(ruleset.rules()), active="rules"
    )


def _gone() -> tuple[str, int]:
    t = page_messages(g.lang, web_state().ruleset.vocabulary)
    minutes = round(web_state().store.ttl / 60)
    return render_template(
        "message.html.j2", title=t["gone_title"], text=t["gone_text"].format(minutes=minutes), upload=False
    ), 404


_ERROR_PAGES = {
    400: ("bad_request_title", "bad_request_text"),
    404: ("not_found_title", "not_found_text"),
    405: ("method_title", "method_text"),
}


def _error_page(error: HTTPException) -> Any:
    if request_ctx.url_adapter is None:  # a Host header that is not trusted: no links can be built
        return Response(f"{error.code} {error.name}\n", error.code or 400, mimetype="text/plain")
    if "lang" not in g:
        g.lang = page_lang(request.args.get("lang"))
    t = page_messages(g.lang, web_state().ruleset.vocabulary)
    if isinstance(error, RequestEntityTooLarge):
        message = t["error_too_large"].format(mb=_megabytes(_limit()))
        return render_template("upload.html.j2", error=message, error_title=t["too_large_title"], active="check"), 413
    code = error.code if error.code is not None and error.code >= 400 else 500
    title, text = _ERROR_PAGES.get(code, ("error_title", "error_text"))
    return render_template("message.html.j2", title=t[title], text=t[text], upload=False), code


def register_error_pages(app: Flask) -> None:
    """Every HTTP error a friendly page in the page's language. An exception in a view reaches the 500
    page through Flask, which logs it first; the page never shows it."""
    app.register_error_handler(HTTPException, _error_page)
