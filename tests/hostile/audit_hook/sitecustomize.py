"""Installed into every Python process of an audited run (PYTHONPATH points here): records what the
checker must never do, through `sys.addaudithook`.

Forbidden, and written as one JSON line each to the file named by ISV_AUDIT_LOG:
- any network: socket.connect to an address other than a Unix socket in the temp folder, name
  lookups, binding other than to loopback (urllib3 binds ::1 on import to probe for IPv6),
  urllib/http.client/ftplib/smtplib/webbrowser;
- starting a program other than those named in ISV_AUDIT_EXEC (Tesseract) or Python itself;
- opening a file outside the folders in ISV_AUDIT_READ and Python's own (stdlib, site-packages);
- opening for writing, creating, removing or renaming outside the folders in ISV_AUDIT_WRITE.

The hook only records; it never raises, so it cannot change what it watches. Reads and writes by C
libraries (libxml2, pdfium) do not pass through it: the suite catches those with a named pipe and a
loopback listener as the targets of every reference (see corpus.py).
"""

from __future__ import annotations

import json
import os
import sys


def _install() -> None:
    log_path = os.environ.get("ISV_AUDIT_LOG")
    if not log_path:
        return
    import site
    import socket
    import sysconfig
    import threading

    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def folders(variable: str) -> tuple[str, ...]:
        return tuple(os.path.realpath(p) for p in os.environ.get(variable, "").split(os.pathsep) if p)

    python_own = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sysconfig.get_paths().values()}
    python_own.update(site.getsitepackages())
    python_own.add(os.path.dirname(os.path.realpath(__file__)))
    system_reads = (
        "/dev/null",
        "/dev/urandom",
        "/proc/self/",
        f"/proc/{os.getpid()}/",
        "/sys/devices/system/cpu/",
        "/etc/localtime",
        "/usr/share/zoneinfo/",
        "/etc/ld.so.cache",
    )
    writable = folders("ISV_AUDIT_WRITE")
    readable = folders("ISV_AUDIT_READ") + writable + tuple(os.path.realpath(p) for p in python_own) + system_reads
    programs = {p for p in os.environ.get("ISV_AUDIT_EXEC", "").split(os.pathsep) if p}
    programs.update({os.path.realpath(sys.executable), sys.executable})
    busy = threading.local()
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def under(path: str, roots: tuple[str, ...]) -> bool:
        for candidate in {os.path.abspath(path), os.path.realpath(path)}:
            if any(
                candidate == root.rstrip("/")
                or candidate.startswith(root.rstrip("/") + "/")
                or (root.endswith("/") and candidate.startswith(root))
                for root in roots
            ):
                return True
        return False

    def record(event: str, why: str, args: object) -> None:
        line = json.dumps({"pid": os.getpid(), "event": event, "why": why, "args": repr(args)[:500]})
        os.write(log, (line + "\n").encode())

    def as_path(value: object) -> str | None:
        if isinstance(value, int | type(None)):
            return None
        try:
            path = os.fsdecode(value)  # type: ignore[arg-type]
        except TypeError:
            return None
        return path

    def hook(event: str, args: tuple[object, ...]) -> None:
        if getattr(busy, "on", False):
            return
        busy.on = True
        try:
            check(event, args)
        except Exception as exc:
            record(event, f"audit hook failed: {type(exc).__name__}: {exc}", args)
        finally:
            busy.on = False

    def check(event: str, args: tuple[object, ...]) -> None:
        if event == "open":
            path = as_path(args[0])
            if path is None:
                return
            mode, flags = args[1], args[2] if len(args) > 2 else 0
            writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool((flags or 0) & write_flags)
            if writes and not under(path, writable):
                record(event, "opened for writing outside the output folders", args)
            elif not writes and not under(path, readable):
                record(event, "read a file outside the input, the temp folder and Python's own files", args)
        elif event == "socket.connect":
            address = args[1] if len(args) > 1 else None
            if not (isinstance(address, str | bytes) and under(os.fsdecode(address), writable)):
                record(event, "network connection", args)
        elif event in ("socket.sendto", "socket.sendmsg"):
            if getattr(args[0], "family", None) != socket.AF_UNIX:  # multiprocessing hands fds over Unix sockets
                record(event, "network use", args)
        elif event in (
            "socket.getaddrinfo",
            "socket.gethostbyname",
            "socket.gethostbyaddr",
            "urllib.Request",
            "http.client.connect",
            "ftplib.connect",
            "smtplib.connect",
            "webbrowser.open",
            "poplib.connect",
            "imaplib.open",
            "nntplib.connect",
            "telnetlib.Telnet.open",
        ):
            record(event, "network use", args)
        elif event == "socket.bind":
            address = args[1] if len(args) > 1 else None
            if isinstance(address, tuple) and address and address[0] in ("::1", "127.0.0.1"):
                return  # urllib3 binds ::1 when imported, to learn whether IPv6 works; nothing is sent
            if not (isinstance(address, str | bytes) and under(os.fsdecode(address), writable)):
                record(event, "listening on the network", args)
        elif event == "subprocess.Popen":
            executable, argv = args[0], args[1]
            program = as_path(executable) or (as_path(argv[0]) if isinstance(argv, list | tuple) and argv else "")
            if program and program not in programs and os.path.basename(program) not in programs:
                record(event, "started a program", args)
        elif event in ("os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile", "pty.spawn"):
            program = as_path(args[0]) if args else None
            if not program or (program not in programs and os.path.realpath(program) not in programs):
                record(event, "started a program", args)
        elif event in (
            "os.remove",
            "os.rename",
            "os.rmdir",
            "os.mkdir",
            "os.symlink",
            "os.link",
            "os.truncate",
            "os.chmod",
            "os.chown",
            "os.utime",
            "shutil.rmtree",
            "shutil.move",
            "shutil.copyfile",
        ):
            paths = [as_path(a) for a in args[:2]]
            if event in ("os.rename", "os.symlink", "os.link"):
                paths = [as_path(a) for a in args[1:2]] + [as_path(a) for a in args[:1]]
            for path in paths:
                if path is not None and not under(path, writable):
                    record(event, "changed the file system outside the output folders", args)
                    break
        elif event == "sqlite3.connect":
            database = as_path(args[0]) if args else None
            if (
                database
                and database != ":memory:"
                and not database.startswith("file::memory:")
                and not under(database, writable)
            ):
                record(event, "a database outside the output folders", args)

    sys.addaudithook(hook)


_install()
