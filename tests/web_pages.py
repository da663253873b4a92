"""Uploading to the web page in tests as a buyer does: post the form, then follow the check's page
until its result is there (the page answers an upload at once; the check runs in the background)."""

from __future__ import annotations

import io
import time

DONE_WITHIN = 120.0  # seconds; a check of the samples takes one or two


def post(client, data: bytes, name: str, lang: str | None = None, **kwargs):
    url = "/check" + (f"?lang={lang}" if lang else "")
    return client.post(url, data={"document": (io.BytesIO(data), name)}, content_type="multipart/form-data", **kwargs)


def post_files(client, files: dict[str, bytes], lang: str | None = None, **kwargs):
    url = "/check" + (f"?lang={lang}" if lang else "")
    uploads = [(io.BytesIO(data), name) for name, data in files.items()]
    return client.post(url, data={"document": uploads}, content_type="multipart/form-data", **kwargs)


def progress_url(location: str) -> str:
    path, _, query = location.partition("?")
    return f"{path}/progress" + (f"?{query}" if query else "")


def wait_done(client, location: str, within: float = DONE_WITHIN) -> dict:
    """The check's last progress answer, once it says the check is done (or gone)."""
    deadline = time.monotonic() + within
    while True:
        answer = client.get(progress_url(location)).get_json()
        if answer["done"]:
            return answer
        assert time.monotonic() < deadline, f"the check at {location} was not done within {within:g} s: {answer}"
        time.sleep(0.05)


def finished(client, posted, within: float = DONE_WITHIN):
    """The page of a posted upload once its check is done: its result, or why there is none."""
    assert posted.status_code == 303, posted.get_data(as_text=True)[:500]
    location = posted.headers["Location"]
    wait_done(client, location, within)
    return client.get(location)
