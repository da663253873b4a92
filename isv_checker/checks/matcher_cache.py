"""Built matchers kept on disk between processes, so a command's start-up neither imports spaCy nor
tokenises every rule's terms again.

Building the matcher of the bundled rules for one language means importing spaCy for its tokenizer's
expressions (about 0.45 s), compiling them with `re` (0.1-0.4 s, most of it the infix expression)
and tokenising a few thousand terms. What comes out is plain data: the expressions as compiled
`re` code, and the term tables. It is kept in one file per language and key; the key is a hash of
everything it was built from (the rules' terms, the language, spaCy's release, the Python version and
its regular-expression engine's version), so a changed rule, spaCy or Python makes a new file and an
old one is never read for it.

Where: `$ISV_CHECKER_CACHE_DIR` when set, else the platform's cache folder (`$XDG_CACHE_HOME` or
`~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows) under `isv-checker`.
A missing, unreadable, corrupt (each file carries a SHA-256 of its contents) or foreign file is
rebuilt; a folder that cannot be written only costs the next process the build again.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # re's engine: `re` has no way to rebuild a pattern from its code
import hashlib
import marshal
import os
import re
import sys
import tempfile
from importlib.util import find_spec
from pathlib import Path
from typing import Any

ENV_VAR = "ISV_CHECKER_CACHE_DIR"
_FORMAT = 2
_MAGIC = b"ISVMATCH"


def cache_dir() -> Path:
    """The folder the matchers are kept in (see the module's docstring)."""
    chosen = os.environ.get(ENV_VAR)
    if chosen:
        return Path(chosen)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "isv-checker"


def key_of(*parts: Any) -> str:
    """The cache key of a matcher built from `parts` (plain data: strings, numbers, tuples), in this
    Python with this spaCy."""
    stamp = (_FORMAT, sys.version, _sre.MAGIC, _spacy_stamp(), parts)
    return hashlib.sha256(repr(stamp).encode("utf-8")).hexdigest()


def _spacy_stamp() -> str:
    """Which spaCy is installed, without importing it (importing it is what the cache saves; asking
    importlib.metadata costs 0.1 s of scanning): a hash of its `about.py`, which names its release."""
    spec = find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return "no spaCy"
    try:
        about = Path(next(iter(spec.submodule_search_locations))) / "about.py"
        return hashlib.sha256(about.read_bytes()).hexdigest()
    except OSError:
        return "spaCy without about.py"


def load(name: str, key: str) -> Any | None:
    """What `store` kept under `name` for `key`, or None when there is nothing sound to read."""
    try:
        raw = (cache_dir() / f"{name}-{key[:32]}.bin").read_bytes()
    except OSError:
        return None
    head = len(_MAGIC)
    if raw[:head] != _MAGIC or hashlib.sha256(raw[head + 32 :]).digest() != raw[head : head + 32]:
        return None
    try:
        stored_key, payload = marshal.loads(raw[head + 32 :])
    except (EOFError, ValueError, TypeError):
        return None
    return payload if stored_key == key else None


def store(name: str, key: str, payload: Any) -> None:
    """Keep `payload` (plain data) for the next process; quietly nothing when the folder cannot be
    written. Written to a temporary file and renamed, so a reader never sees half a file."""
    body = marshal.dumps((key, payload))
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_MAGIC + hashlib.sha256(body).digest() + body)
            os.replace(temporary, folder / f"{name}-{key[:32]}.bin")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return


def freeze_pattern(pattern: re.Pattern[str]) -> tuple[Any, ...]:
    """A compiled expression as plain data: its source and, when this Python's `re` allows, the code
    `re` compiled it to, so `thaw_pattern` need not parse and compile it again (spaCy's infix
    expression takes 0.1-0.4 s to compile, 0.1 ms to make from its code)."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern.pattern, pattern.flags)
        code = [int(word) for word in _compiler._code(parsed, pattern.flags)]  # named opcodes as plain ints
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for group_name, number in groupindex.items():
            indexgroup[number] = group_name
        compiled = (pattern.flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
        if _sre.compile(pattern.pattern, *compiled).pattern != pattern.pattern:
            raise ValueError("not the same expression")
    except Exception:  # noqa: BLE001 - another Python's internals: keep the source only
        return (pattern.pattern, pattern.flags, None)
    return (pattern.pattern, pattern.flags, compiled)


def thaw_pattern(frozen: tuple[Any, ...]) -> re.Pattern[str]:
    source, flags, compiled = frozen
    if compiled is not None:
        try:
            made: re.Pattern[str] = _sre.compile(source, *compiled)
            return made
        except Exception:  # noqa: BLE001 - fall back to compiling the source
            pass
    return re.compile(source, flags)
