"""Which waiting check starts next, and in which worker: the web page's fairness policy.

One server serves a purchasing team, and a scan of 200 pages (minutes of OCR) must not hold up a
one-page draft (a second or two). So:

1. **Two lanes.** A check is *quick* unless it is known to be long. An upload of more than
   `LONG_BYTES` (all its files together; a scanned page is some 150 KB, a page of a draft a few KB)
   is *long* from the start; a PDF whose worker finds more than `LONG_OCR_PAGES` pages to read by
   OCR turns long before its OCR begins.
2. **Quick first.** A free worker takes the first waiting quick check; a long check waits for a
   worker that no quick check wants. A long check that has waited `PATIENCE` seconds lines up with
   the quick ones by arrival, so a stream of drafts cannot hold it up for ever either.
3. **Client by client.** Within a lane, the next check is that of the client with the fewest checks
   running and waiting before it, then the oldest: a buyer who uploads ten files one after another
   shares the workers with the buyer who uploads one file after them (round robin).
4. **A lane that never closes.** When every worker is busy with a long check and a quick one waits,
   the quick one gets one worker more: `workers + 1` processes at most. A check in that worker that
   turns out long goes back to the queue before its OCR begins (it loses the second it took to find
   out) and waits for a worker of its own.
5. **Long checks yield the processor.** A long check runs at a lower CPU priority (`LONG_NICENESS`),
   its OCR with it: where a quick check shares the cores with a scan, the quick check gets them first
   and the scan the time the quick one leaves.

Admission (`refusal`): at most `queue_limit` checks wait (HTTP 503 beyond, with an estimate of when
to try again), and one client has at most `client_limit` checks waiting or running (HTTP 429), so no
one person can fill the queue. This module only decides; `scheduler` keeps the checks and runs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

LONG_BYTES = 2 * 1024 * 1024
LONG_OCR_PAGES = 4
PATIENCE = 60.0
LONG_NICENESS = 10


class Lane(StrEnum):
    QUICK = "quick"
    LONG = "long"


def lane_of_upload(size: int) -> Lane:
    """The lane an upload starts in, from what the server knows without reading it: its size."""
    return Lane.LONG if size > LONG_BYTES else Lane.QUICK


@dataclass(frozen=True)
class Waiting:
    key: str
    client: str
    lane: Lane
    arrived: float  # monotonic seconds


@dataclass(frozen=True)
class Running:
    key: str
    client: str
    lane: Lane
    extra: bool  # in the one worker beyond `workers` that only quick checks get


@dataclass(frozen=True)
class Start:
    key: str
    extra: bool


def order(waiting: Sequence[Waiting], running: Sequence[Running], now: float) -> list[Waiting]:
    """The waiting checks in the order they will start, as things stand (rules 2 and 3)."""
    busy: dict[str, int] = {}
    for other in running:
        busy[other.client] = busy.get(other.client, 0) + 1
    ahead: dict[str, int] = {}
    keys: list[tuple[int, int, float, int, Waiting]] = []
    for index, check in enumerate(sorted(waiting, key=lambda w: w.arrived)):
        group = 0 if check.lane is Lane.QUICK or now - check.arrived >= PATIENCE else 1
        share = busy.get(check.client, 0) + ahead.get(check.client, 0)
        ahead[check.client] = ahead.get(check.client, 0) + 1
        keys.append((group, share, check.arrived, index, check))
    return [k[-1] for k in sorted(keys, key=lambda k: k[:4])]


def starts(waiting: Sequence[Waiting], running: Sequence[Running], workers: int, now: float) -> list[Start]:
    """The checks to start now, and whether each goes to the extra worker (rule 4)."""
    left = list(waiting)
    busy = list(running)
    out: list[Start] = []
    while left:
        queue = order(left, busy, now)
        regular = [r for r in busy if not r.extra]
        if len(regular) < workers:
            chosen, extra = queue[0], False
        else:
            quick = [w for w in queue if w.lane is Lane.QUICK]
            extra_free = not any(r.extra for r in busy)
            if not (quick and extra_free and all(r.lane is Lane.LONG for r in regular)):
                break
            chosen, extra = quick[0], True
        out.append(Start(chosen.key, extra))
        left.remove(chosen)
        busy.append(Running(chosen.key, chosen.client, chosen.lane, extra))
    return out


class Refused(StrEnum):
    BUSY = "busy"  # the queue is full: 503
    CLIENT = "client"  # this client has as many checks as one may: 429
    STOPPING = "stopping"  # the server is shutting down: 503


def refusal(
    *, waiting: int, of_client: int, queue_limit: int, client_limit: int, stopping: bool = False
) -> Refused | None:
    """Why a new upload cannot be taken now, or None. `of_client`: its client's checks waiting or running."""
    if stopping:
        return Refused.STOPPING
    if of_client >= client_limit:
        return Refused.CLIENT
    if waiting >= queue_limit:
        return Refused.BUSY
    return None
