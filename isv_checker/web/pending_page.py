"""The view of a check that waits or runs: what the page says about it, in the page's language.

The same view fills the page (a plain refresh shows it anew, without JavaScript) and the small JSON
answer that the page's script asks for every second or so to update itself in place; so the
sentences are made here, once, and the script only puts them where they go.
"""

from __future__ import annotations

import math
from typing import Any

from .progress import Phase
from .scheduler import JobState, JobStatus, UploadKind

FINISHED = frozenset((JobState.DONE, JobState.CANCELLED, JobState.FAILED))
SHORTLY = 5.0  # seconds: a start this close is "shortly"


def duration_text(seconds: float) -> str:
    """Time gone by, exactly: "12 s", "3 min 05 s"."""
    whole = max(0, int(seconds))
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


def estimate_text(seconds: float, t: dict[str, str]) -> str:
    """Time to come, roughly, as a buyer would say it."""
    if seconds < 10:
        return t["dur_few_seconds"]
    if seconds < 60:
        return t["dur_under_minute"]
    minutes = math.ceil(seconds / 60)
    return t["dur_about_minute"] if minutes == 1 else t["dur_about_minutes"].format(n=minutes)


def pending_view(status: JobStatus, t: dict[str, str]) -> dict[str, Any]:
    """The sentences and the numbers of a check's progress, for the page and for its script."""
    progress = status.progress
    tender = status.kind is UploadKind.TENDER
    state_text = detail = time_text = note = ""
    bar: dict[str, int] | None = None
    if status.state is JobState.QUEUED:
        state_text = t["state_queued"].format(position=status.position, waiting=status.waiting)
        start = status.start_in or 0.0
        when = t["when_shortly"] if start < SHORTLY else t["when_in"].format(duration=estimate_text(start, t))
        time_text = t["state_queued_start"].format(elapsed=duration_text(status.elapsed), when=when)
        if status.long:
            note = t["long_note"]
    elif status.state is JobState.RUNNING:
        phase = progress.phase if progress is not None else Phase.STARTING
        if phase is Phase.STARTING:
            state_text = t["state_starting"]
        elif phase is Phase.CHECKING:
            state_text = t["state_checking"]
        else:
            state_text = t["state_reading_tender"] if tender else t["state_reading"]
        lines = []
        if progress is not None and progress.pages_total:
            lines.append(t["state_pages"].format(read=progress.pages_read, total=progress.pages_total))
            bar = {"value": progress.pages_read, "max": progress.pages_total}
        if progress is not None and progress.ocr_total:
            lines.append(t["state_ocr"].format(done=progress.ocr_done, total=progress.ocr_total))
        if tender and progress is not None and progress.files_read:
            if status.files:
                lines.append(t["state_files_of"].format(n=progress.files_read, total=status.files))
            else:
                lines.append(t["state_files"].format(n=progress.files_read))
        detail = " ".join(lines)
        elapsed = duration_text(status.elapsed)
        if status.remaining is None:
            time_text = t["state_running_time_unknown"].format(elapsed=elapsed)
        elif status.remaining < 1:
            time_text = t["state_running_almost"].format(elapsed=elapsed)
        else:
            remaining = estimate_text(status.remaining, t)
            time_text = t["state_running_time"].format(elapsed=elapsed, remaining=remaining)
    else:
        state_text = t["state_done"]
    return {
        "state": status.state.value,
        "done": status.state in FINISHED,
        "state_text": state_text,
        "detail": detail,
        "time_text": time_text,
        "note": note,
        "bar": bar,
        "position": status.position,
        "waiting": status.waiting,
        "elapsed": round(status.elapsed, 1),
        "remaining": None if status.remaining is None else round(status.remaining, 1),
        "pages_read": progress.pages_read if progress is not None else 0,
        "pages_total": progress.pages_total if progress is not None else None,
        "ocr_done": progress.ocr_done if progress is not None else 0,
        "ocr_total": progress.ocr_total if progress is not None else 0,
        "files_read": progress.files_read if progress is not None else 0,
    }
