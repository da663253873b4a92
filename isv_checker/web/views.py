"""The pages: upload, result, downloads, rules, and friendly error pages. Each view is a few lines.

Every page is in the app's language (`ISV_LANG`, Dutch unless `serve --lang` or the locale says
otherwise) unless `?lang=` asks for the other; links keep the language. Responses are never cached and
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
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .. import __version__
from ..batch.sources import ArchiveLimits
from ..document import ReadStatus
from ..i18n.catalogue import messages
from ..i18n.languages import LANGUAGES
from ..i18n.notation import format_number
from ..i18n.reading import message_text
from ..readers.formats import ACCEPT
from .app import ARCHIVE_FACTOR, MB, web_state
from .isolation import check_isolated, check_tender_isolated
from .outputs import OUTPUTS, display_name, download_key, is_zip, tender_name, unique_names
from .page import result_view
from .results import Result, Stored, TenderResult
from .tender_page import tender_view

blueprint = Blueprint("web", __name__)

CSP = (
    "default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _default_lang() -> str:
    return str(current_app.config["ISV_LANG"])


def page_lang(value: str | None) -> str:
    """The page language from a `?lang=` value: one of the languages there are, else the app's."""
    return value if value in LANGUAGES else _default_lang()


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
    """url_for that keeps the page's language (the app's own needs no parameter)."""
    lang = g.get("lang", _default_lang())
    return url_for(endpoint, **values, lang=None if lang == _default_lang() else lang)


def _switch_url(other: str) -> str:
    lang = None if other == _default_lang() else other
    if request.method == "GET" and request.endpoint in ("web.index", "web.rules", "web.result", "web.tender_file"):
        return url_for(request.endpoint, **(request.view_args or {}), lang=lang)
    return url_for("web.index", lang=lang)


def _limit() -> int:
    return int(current_app.config["MAX_CONTENT_LENGTH"])


def _megabytes(size: int) -> str:
    return format_number(size / MB, g.get("lang", _default_lang()), 0 if size % MB == 0 else 1)


@blueprint.app_context_processor
def _page_context() -> dict[str, Any]:
    lang = g.get("lang", _default_lang())
    state = web_state()
    t = messages(lang, state.ruleset.vocabulary)
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
    uploads = [u for u in request.files.getlist("document") if u.filename]
    t = messages(g.lang, web_state().ruleset.vocabulary)
    if not uploads:
        return _upload_page(t["error_no_file"], 400)
    if len(uploads) > 1 or is_zip(display_name(uploads[0].filename or "")):
        return _check_tender(uploads)
    (upload,) = uploads
    name = display_name(upload.filename or "")
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
    return _checked(result, name)


def _check_tender(uploads: list[FileStorage]) -> Any:
    """Several files, or one ZIP: one tender. The files are written to a folder of their own that
    lives as long as the check (the worker reads them from there) and is removed whatever happens."""
    state = web_state()
    names = unique_names([display_name(u.filename or "") for u in uploads])
    with tempfile.TemporaryDirectory(prefix="isv-tender-", dir=current_app.config["ISV_TEMP_DIR"]) as folder:
        if len(uploads) == 1:
            path = Path(folder) / "tender.zip"
            uploads[0].save(path)
            name = names[0]
        else:
            path = Path(folder) / "tender"
            path.mkdir()
            for upload, file_name in zip(uploads, names, strict=True):
                upload.save(path / file_name)
            name = tender_name(names)
        limit = _limit()
        archive = ArchiveLimits(max_member_bytes=limit, max_archive_bytes=ARCHIVE_FACTOR * limit)
        with state.checking:
            result = check_tender_isolated(
                str(path), name, state.ruleset, state.rules_dir, state.options, state.limits, archive
            )
    return _checked(result, name, tender=True)


def _checked(result: Stored, name: str, *, tender: bool = False) -> Any:
    """The result kept and its page shown by a redirect; a file or tender that could not be checked
    at all gets the page that says why, at once."""
    state = web_state()
    if isinstance(result, Result) and not result.report.readable:
        words: dict[str, str] = {}
        if tender:
            t = messages(g.lang, state.ruleset.vocabulary)
            words["heading"] = t["unreadable_tender_title"]
            if result.report.status is ReadStatus.EMPTY:
                words["status_text"] = t["status_empty_tender"]
        report = result.report
        detail = message_text(report.status_message, report.coded_status_message, g.lang)
        return render_template(
            "unreadable.html.j2", report=report, file=name, detail=detail, active="check", **words
        ), 422
    token = state.store.put(result)
    if token is None:
        return _tender_page(result, None) if isinstance(result, TenderResult) else _result_page(result, None)
    return redirect(lang_url("web.result", token=token), code=303)


def _expires(token: str | None) -> str:
    if token is None:
        return ""
    seconds = web_state().store.expires_in(token) or 0
    return time.strftime("%H:%M", time.localtime(time.time() + seconds))


def _result_page(result: Result, token: str | None, file: int | None = None, tender: TenderResult | None = None) -> str:
    """A document's page; `file` and `tender` when it is one file of a checked tender."""
    t = messages(g.lang, web_state().ruleset.vocabulary)
    view = result_view(result, web_state().ruleset, g.lang, t)
    if token is not None:
        for d in view["downloads"]:
            if file is None:
                d["url"] = lang_url("web.download", token=token, output=d["output"])
            else:
                d["url"] = lang_url("web.file_download", token=token, index=file, output=d["output"])
    if tender is not None and token is not None:
        view["annotated_note"] = t["tender_file_downloads"]
        view["tender"] = {"name": tender.report.tender, "url": lang_url("web.result", token=token)}
    return render_template("result.html.j2", token=token, expires=_expires(token), active="check", **view)


def _tender_page(result: TenderResult, token: str | None) -> str:
    t = messages(g.lang, web_state().ruleset.vocabulary)

    def file_url(index: int, anchor: str | None) -> str | None:
        if token is None:
            return None
        return lang_url("web.tender_file", token=token, index=index) + (f"#{anchor}" if anchor else "")

    view = tender_view(result, web_state().ruleset, g.lang, t, file_url)
    return render_template("tender.html.j2", token=token, expires=_expires(token), active="check", **view)


@blueprint.get("/result/<token>")
def result(token: str) -> Any:
    found = web_state().store.get(token)
    if found is None:
        return _gone()
    if isinstance(found, TenderResult):
        return _tender_page(found, token)
    return _result_page(found, token)


@blueprint.get("/result/<token>/file/<int:index>")
def tender_file(token: str, index: int) -> Any:
    found = web_state().store.get(token)
    if found is None:
        return _gone()
    if not isinstance(found, TenderResult) or index not in found.files:
        abort(404)
    own = found.files[index]
    if not own.report.readable:
        abort(404)
    return _result_page(own, token, index, found)


@blueprint.get("/result/<token>/file/<int:index>/<output>")
def file_download(token: str, index: int, output: str) -> Any:
    found = web_state().store.get(token)
    if found is None:
        return _gone()
    if not isinstance(found, TenderResult) or index not in found.files:
        abort(404)
    return _send(found.files[index], output)


@blueprint.get("/result/<token>/<output>")
def download(token: str, output: str) -> Any:
    if output not in OUTPUTS:
        abort(404)
    found = web_state().store.get(token)
    if found is None:
        return _gone()
    return _send(found, output)


def _send(found: Stored, output: str) -> Any:
    if output not in OUTPUTS:
        abort(404)
    item = found.downloads.get(download_key(output, g.lang))
    if item is None:
        abort(404)
    return send_file(
        io.BytesIO(item.data), mimetype=item.mimetype, as_attachment=True, download_name=item.filename, max_age=0
    )


@blueprint.post("/result/<token>/delete")
def delete(token: str) -> Any:
    web_state().store.delete(token)
    t = messages(g.lang, web_state().ruleset.vocabulary)
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
    t = messages(g.lang, web_state().ruleset.vocabulary)
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
    t = messages(g.lang, web_state().ruleset.vocabulary)
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
