"""The pages: upload, a check's progress and result, downloads, rules, health, and friendly error
pages. Each view is a few lines.

Every page is in the app's language (`ISV_LANG`, Dutch unless `serve --lang` or the locale says
otherwise) unless `?lang=` asks for the other; links keep the language. Responses are never cached and
carry a strict Content-Security-Policy: the page loads nothing from anywhere, and its one small
script and its style carry a nonce; only the page of a check under way may also ask this server
for that check's progress (`connect-src 'self'`). Every request gets a line in the access log.
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
    jsonify,
    make_response,
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
from ..document import ReadStatus
from ..i18n.catalogue import messages
from ..i18n.languages import LANGUAGES
from ..i18n.notation import format_number
from ..i18n.reading import message_text
from ..readers.formats import ACCEPT
from .access_log import log_refused, log_request
from .app import MB, web_state
from .fairness import Refused
from .outputs import OUTPUTS, display_name, download_key, is_zip, tender_name, unique_names
from .page import result_view
from .pending_page import estimate_text, pending_view
from .results import Result, Stored, TenderResult
from .scheduler import JobState, JobStatus, Upload, UploadKind, job_id, remove_folder
from .tender_page import tender_view

blueprint = Blueprint("web", __name__)

CSP = (
    "default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
CONNECT_SELF = "; connect-src 'self'"
REFRESH_SECONDS = 3  # how often a check's page refreshes itself without JavaScript


def _default_lang() -> str:
    return str(current_app.config["ISV_LANG"])


def page_lang(value: str | None) -> str:
    """The page language from a `?lang=` value: one of the languages there are, else the app's."""
    return value if value in LANGUAGES else _default_lang()


@blueprint.before_app_request
def _language() -> None:
    g.lang = page_lang(request.args.get("lang"))
    g.nonce = secrets.token_urlsafe(16)
    g.started = time.perf_counter()


@blueprint.after_app_request
def _headers(response: Response) -> Response:
    policy = CSP.format(nonce=g.get("nonce", "none")) + (CONNECT_SELF if g.get("connect") else "")
    response.headers["Content-Security-Policy"] = policy
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    log_request(
        client=request.remote_addr,
        method=request.method,
        route=request.url_rule.rule if request.url_rule is not None else "-",
        status=response.status_code,
        seconds=time.perf_counter() - g.get("started", time.perf_counter()),
        size=response.content_length,
        job=g.get("job"),
    )
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
    """Take an upload at once: its files go to a folder of their own, the scheduler queues its check,
    and the answer is the check's page, which fills in when the check is done. A full queue, or a
    client with as many checks as one may have, gets a page that says when to try again."""
    state = web_state()
    client = request.remote_addr or "-"
    refused = state.scheduler.refusal(client)
    if refused is not None:
        return _refused_page(refused, client)
    uploads = [u for u in request.files.getlist("document") if u.filename]
    t = messages(g.lang, state.ruleset.vocabulary)
    if not uploads:
        return _upload_page(t["error_no_file"], 400)
    upload = _save(uploads)
    token = state.scheduler.submit(upload, client)
    if isinstance(token, Refused):
        remove_folder(upload.folder)
        return _refused_page(token, client)
    g.job = job_id(token)
    return redirect(lang_url("web.result", token=token), code=303)


def _save(uploads: list[FileStorage]) -> Upload:
    """The uploaded files in a folder of their own, which lives until their check is done. One file is
    a document; several files, or one ZIP, are one tender, whose files its worker reads from there."""
    folder = tempfile.mkdtemp(prefix="isv-check-", dir=current_app.config["ISV_TEMP_DIR"])
    try:
        names = unique_names([display_name(u.filename or "") for u in uploads])
        if len(uploads) == 1 and not is_zip(names[0]):
            suffix = "".join(c for c in PurePath(names[0]).suffix if c.isalnum() or c == ".")[:10]
            path = Path(folder) / f"upload{suffix}"
            uploads[0].save(path)
            return Upload(UploadKind.FILE, names[0], str(path), folder, path.stat().st_size, 1)
        if len(uploads) == 1:
            path = Path(folder) / "tender.zip"
            uploads[0].save(path)
            return Upload(UploadKind.TENDER, names[0], str(path), folder, path.stat().st_size)
        path = Path(folder) / "tender"
        path.mkdir()
        size = 0
        for upload, file_name in zip(uploads, names, strict=True):
            upload.save(path / file_name)
            size += (path / file_name).stat().st_size
        return Upload(UploadKind.TENDER, tender_name(names), str(path), folder, size, len(names))
    except BaseException:
        remove_folder(folder)
        raise


def _refused_page(refused: Refused, client: str) -> Any:
    state = web_state()
    t = messages(g.lang, state.ruleset.vocabulary)
    seconds = state.scheduler.retry_after(refused, client)
    waiting, _ = state.scheduler.counts()
    wait = estimate_text(seconds, t)
    if refused is Refused.CLIENT:
        title = t["client_busy_title"].format(n=state.scheduler.client_limit)
        text, code = t["client_busy_text"].format(wait=wait), 429
    elif refused is Refused.STOPPING:
        title, text, code = t["stopping_title"], t["stopping_text"], 503
    else:
        title, text, code = t["busy_title"], t["busy_text"].format(waiting=waiting, wait=wait), 503
    log_refused(client=client, reason=refused.value, retry_after=seconds, waiting=waiting)
    response = make_response(render_template("message.html.j2", title=title, text=text, upload=False), code)
    response.headers["Retry-After"] = str(seconds)
    return response


def _stored_page(found: Stored, token: str | None, *, tender: bool) -> Any:
    """A finished check's page: the tender's or the document's, or for a file or tender that could not
    be checked at all, the page that says why (422)."""
    state = web_state()
    if isinstance(found, Result) and not found.report.readable:
        words: dict[str, str] = {}
        if tender:
            t = messages(g.lang, state.ruleset.vocabulary)
            words["heading"] = t["unreadable_tender_title"]
            if found.report.status is ReadStatus.EMPTY:
                words["status_text"] = t["status_empty_tender"]
        report = found.report
        detail = message_text(report.status_message, report.coded_status_message, g.lang)
        return render_template(
            "unreadable.html.j2", report=report, file=found.document.path, detail=detail, active="check", **words
        ), 422
    if isinstance(found, TenderResult):
        return _tender_page(found, token)
    return _result_page(found, token)


def _pending_page(token: str, status: JobStatus) -> Any:
    g.connect = True  # the page's script asks for its progress
    t = messages(g.lang, web_state().ruleset.vocabulary)
    if status.kind is UploadKind.TENDER:
        name = status.name if is_zip(status.name) else t["tender_n_files"].format(n=status.files)
        title = t["pending_title_tender"].format(name=name)
    else:
        title = t["pending_title"].format(file=status.name)
    return render_template(
        "pending.html.j2",
        token=token,
        title=title,
        view=pending_view(status, t),
        progress_url=lang_url("web.progress", token=token),
        result_url=lang_url("web.result", token=token),
        refresh=REFRESH_SECONDS,
        active="check",
    )


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
    """The check's page: its result when it is done, its progress while it waits or runs."""
    state = web_state()
    g.job = job_id(token)
    status = state.scheduler.status(token)
    tender = status is not None and status.kind is UploadKind.TENDER
    found = state.store.get(token)
    if found is not None:
        return _stored_page(found, token, tender=tender)
    if status is None:
        return _gone()
    if status.state in (JobState.QUEUED, JobState.RUNNING):
        return _pending_page(token, status)
    t = messages(g.lang, state.ruleset.vocabulary)
    if status.state is JobState.CANCELLED:
        return render_template(
            "message.html.j2", title=t["cancelled_title"], text=t["cancelled_text"], upload=True, active="check"
        )
    if status.state is JobState.FAILED:
        return render_template("message.html.j2", title=t["failed_title"], text=t["failed_text"], upload=False), 500
    unkept = state.scheduler.take_unkept(token)
    if unkept is not None:
        return _stored_page(unkept, None, tender=tender)
    return _gone()


@blueprint.get("/result/<token>/progress")
def progress(token: str) -> Any:
    """The check's progress as JSON, for its page's script: the same sentences the page shows."""
    state = web_state()
    g.job = job_id(token)
    status = state.scheduler.status(token)
    if status is None:
        found = state.store.get(token) is not None
        return jsonify({"state": "done" if found else "gone", "done": True}), 200 if found else 404
    return jsonify(pending_view(status, messages(g.lang, state.ruleset.vocabulary)))


@blueprint.get("/health")
def health() -> Any:
    """For the operator and a load balancer: ready or not, checks waiting and running, workers alive,
    and the results kept (their number and roughly their memory)."""
    state = web_state()
    report = state.scheduler.health()
    ready = report["status"] == "ready" and state.ready.is_set()
    report["ready"] = ready
    report["results"] = len(state.store)
    report["results_mb"] = round(state.store.used() / MB, 1)
    if report["status"] == "ready" and not ready:
        report["status"] = "starting"
    return jsonify(report), 200 if ready else 503


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
    """Delete a result now, or cancel a check that waits or runs (its upload goes with it)."""
    g.job = job_id(token)
    web_state().scheduler.cancel(token)
    web_state().store.delete(token)
    t = messages(g.lang, web_state().ruleset.vocabulary)
    return render_template("message.html.j2", title=t["deleted"], text="", upload=True, active="check")


@blueprint.get("/rules")
def rules() -> str:
    ruleset = web_state().ruleset
    groups = [(f"group_{kind}", group) for kind, group in ruleset.rule_groups()]
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
