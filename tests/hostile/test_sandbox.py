"""The watchers watch: a child that does each forbidden thing is caught, so an empty audit log in the
corpus tests means something."""

from __future__ import annotations

from pathlib import Path

from .sandbox import Canary, run_audited

MISCHIEF = """
import os, socket, subprocess, sys
canary_url, outside = sys.argv[1], sys.argv[2]
open("/etc/hostname", "rb").close()
open(outside, "w").close()
os.remove(outside)
subprocess.run(["true"])
host, port = canary_url.split("//")[1].strip("/").split(":")
socket.create_connection((host, int(port)), timeout=5).close()
"""


def test_the_audit_hook_records_every_kind_of_mischief(tmp_path: Path, canary: Canary) -> None:
    outside = tmp_path / "outside" / "written.txt"
    outside.parent.mkdir()
    run = run_audited(
        [canary.url, str(outside)], reads=[], writes=[tmp_path / "scratch"], timeout=60, python_args=("-c", MISCHIEF)
    )
    assert run.returncode == 0, run.stderr
    why = {event["why"] for event in run.events}
    assert {
        "read a file outside the input, the temp folder and Python's own files",
        "opened for writing outside the output folders",
        "changed the file system outside the output folders",
        "started a program",
        "network connection",
        "network use",
    } <= why
    assert any("connection from 127.0.0.1" in found for found in canary.touched())
    canary.connections.clear()


def test_the_canary_pipe_shows_a_reader(canary: Canary) -> None:
    import os

    assert not canary.pipe_has_reader()
    fd = os.open(canary.path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        assert canary.pipe_has_reader()
    finally:
        os.close(fd)
