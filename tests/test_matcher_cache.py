"""The built matchers kept on disk: a scan with the cache filled imports neither spaCy nor numpy and says
the same as the scan that built it; a corrupt, foreign or stale file, or a folder that cannot be
written, falls back to building the matchers, with the same result."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

from isv_checker.checks import matcher_cache
from isv_checker.checks.matching import RuleMatcher
from isv_checker.ruleset.models import Matcher as MatchSpec

from .conftest import ROOT, SAMPLES

DOCUMENT = SAMPLES / "dictu-laptops-2025.txt"
# runs the CLI in a fresh process and says on stderr which heavy modules the scan loaded
SCAN = (
    "import sys\n"
    "from isv_checker.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('LOADED', *[m for m in ('spacy', 'numpy', 'thinc') if m in sys.modules], file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _scan(cache: Path, *args: str) -> tuple[int, dict, list[str]]:
    env = {**os.environ, matcher_cache.ENV_VAR: str(cache), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCAN, "scan", str(DOCUMENT), "--format", "json", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    loaded = next(line for line in done.stderr.splitlines() if line.startswith("LOADED")).split()[1:]
    return done.returncode, json.loads(done.stdout), loaded


def test_a_scan_with_the_cache_filled_imports_no_spacy_and_says_the_same(tmp_path):
    cache = tmp_path / "cache"
    first_code, first, first_loaded = _scan(cache)
    assert "spacy" in first_loaded  # the first scan builds the matchers from spaCy's tokenizer
    assert list(cache.glob("matchers-nl-*.bin"))
    code, report, loaded = _scan(cache)
    assert loaded == []
    assert (code, report) == (first_code, first)
    assert report["verdict"] == "incomplete"


def test_a_corrupt_cache_file_is_built_again(tmp_path):
    cache = tmp_path / "cache"
    _, expected, _ = _scan(cache)
    (kept,) = cache.glob("matchers-nl-*.bin")
    data = bytearray(kept.read_bytes())
    data[len(data) // 2] ^= 0xFF
    kept.write_bytes(bytes(data))
    _, report, loaded = _scan(cache)
    assert report == expected
    assert "spacy" in loaded
    _, report, loaded = _scan(cache)  # and written again, sound
    assert (report, loaded) == (expected, [])
    kept.write_bytes(b"")
    assert _scan(cache)[1] == expected


def test_a_cache_folder_that_cannot_be_written_costs_only_time(tmp_path):
    _, expected, _ = _scan(tmp_path / "cache")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    code, report, loaded = _scan(blocked / "cache")
    assert report == expected and code == 1
    assert "spacy" in loaded


def test_changed_terms_are_never_matched_with_a_stale_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(matcher_cache.ENV_VAR, str(tmp_path))
    before = RuleMatcher([("ISV-TEST-TERM", MatchSpec(terms=("zonnepan*", "gepaste zorgvuldigheid")))])
    assert before.matches("Gepaste zorgvuldigheid voor zonnepanelen.", "ISV-TEST-TERM") == [(0, 22), (28, 40)]
    after = RuleMatcher([("ISV-TEST-TERM", MatchSpec(terms=("windmolen",)))])
    assert after.matches("Gepaste zorgvuldigheid voor zonnepanelen.", "ISV-TEST-TERM") == []
    assert after.matches("Een windmolen.", "ISV-TEST-TERM") == [(4, 13)]
    assert len(list(tmp_path.glob("matchers-nl-*.bin"))) == 2
    # a second process (a new matcher) reads the first file back and matches the same
    again = RuleMatcher([("ISV-TEST-TERM", MatchSpec(terms=("zonnepan*", "gepaste zorgvuldigheid")))])
    assert again.matches("Gepaste zorgvuldigheid voor zonnepanelen.", "ISV-TEST-TERM") == [(0, 22), (28, 40)]


def test_a_sound_file_of_another_shape_is_built_again(tmp_path, monkeypatch):
    monkeypatch.setenv(matcher_cache.ENV_VAR, str(tmp_path))
    spec = [("ISV-TEST-TERM", MatchSpec(terms=("windmolen",)))]
    RuleMatcher(spec).matches("windmolen", "ISV-TEST-TERM")
    (kept,) = tmp_path.glob("matchers-nl-*.bin")
    key = marshal.loads(kept.read_bytes()[len(b"ISVMATCH") + 32 :])[0]
    matcher_cache.store("matchers-nl", key, {"something": "else"})
    assert RuleMatcher(spec).matches("Een windmolen.", "ISV-TEST-TERM") == [(4, 13)]


def test_the_cache_folder_follows_the_platform_and_the_setting(monkeypatch, tmp_path):
    monkeypatch.setenv(matcher_cache.ENV_VAR, str(tmp_path / "mine"))
    assert matcher_cache.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv(matcher_cache.ENV_VAR)
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert matcher_cache.cache_dir() == tmp_path / "xdg" / "isv-checker"
        monkeypatch.delenv("XDG_CACHE_HOME")
        assert matcher_cache.cache_dir() == Path.home() / ".cache" / "isv-checker"
