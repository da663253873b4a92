"""Batch sources: files, folders and ZIP members, with the archive guards (traversal, zip bombs,
nesting), without running a single check."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from isv_checker.batch.sources import (
    ArchiveLimits,
    Refused,
    collect,
    unsafe_member_name,
)
from isv_checker.document import ReadStatus

from .conftest import SAMPLES

SAMPLE_TXT = SAMPLES / "gemeente-catering-2024.txt"


def _zip(path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _by_source(sources):
    return {item.source: item for item in sources.items}


@pytest.mark.parametrize(
    "name, unsafe",
    [
        ("docs/leidraad.pdf", False),
        ("a/b/../c.pdf", True),
        ("../../etc/passwd.txt", True),
        ("/etc/passwd.txt", True),
        ("C:/Windows/win.txt", True),
        ("..\\..\\evil.txt", True),
        ("notes..final.txt", False),
    ],
)
def test_unsafe_member_names(name, unsafe):
    assert (unsafe_member_name(name) is not None) == unsafe


def test_folder_walk_takes_documents_and_archives_and_skips_the_rest(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("tekst")
    (tmp_path / "a" / "plan.xlsx").write_bytes(b"x")
    (tmp_path / "a" / ".hidden.pdf").write_bytes(b"x")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)  # must not be followed
    _zip(tmp_path / "pack.zip", {"in/y.txt": b"tekst"})
    with collect([tmp_path]) as sources:
        found = sorted(_by_source(sources))
        plan = str(tmp_path / "a" / "plan.xlsx")
        assert found == [plan, str(tmp_path / "a" / "x.txt"), f"{tmp_path / 'pack.zip'}!in/y.txt"]
        refusal = _by_source(sources)[plan].refused
        assert refusal is not None and refusal.status is ReadStatus.UNSUPPORTED and ".xlsx" in refusal.message
        assert sources.skipped == [(str(tmp_path / "a" / ".hidden.pdf"), "hidden_file")]
        assert _by_source(sources)[f"{tmp_path / 'pack.zip'}!in/y.txt"].load() == b"tekst"


def test_sources_are_absolute_whatever_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "x.txt").write_text("tekst")
    monkeypatch.chdir(tmp_path)
    with collect(["x.txt"]) as sources:
        assert [i.source for i in sources.items] == [os.path.join(str(tmp_path), "x.txt")]


def test_missing_input_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        collect([tmp_path / "nope"])


def test_traversal_members_are_refused_with_a_status(tmp_path):
    archive = tmp_path / "evil.zip"
    _zip(archive, {"../../escape.txt": b"x", "ok/fine.txt": b"tekst"})
    with collect([archive]) as sources:
        items = _by_source(sources)
        bad = items[f"{archive}!../../escape.txt"]
        assert bad.refused is not None and bad.refused.status is ReadStatus.CORRUPT
        assert "path traversal" in bad.refused.message
        assert items[f"{archive}!ok/fine.txt"].refused is None


def test_zip_bomb_by_ratio_is_refused(tmp_path):
    archive = tmp_path / "bomb.zip"
    _zip(archive, {"bomb.txt": b"0" * (20 * 1024 * 1024)})
    with collect([archive]) as sources:
        (item,) = sources.items
        assert item.refused is not None and item.refused.status is ReadStatus.TOO_LARGE
        assert "zip bomb" in item.refused.message
        with pytest.raises(Refused):
            item.load()


def test_member_over_the_size_limit_is_refused(tmp_path):
    archive = tmp_path / "big.zip"
    _zip(archive, {"big.txt": os.urandom(4096)}, compression=zipfile.ZIP_STORED)
    with collect([archive], ArchiveLimits(max_member_bytes=1000)) as sources:
        (item,) = sources.items
        assert item.refused is not None and item.refused.status is ReadStatus.TOO_LARGE


def test_whole_archive_budget_refuses_members_beyond_it(tmp_path):
    archive = tmp_path / "many.zip"
    _zip(archive, {f"f{i}.txt": os.urandom(1000) for i in range(5)}, compression=zipfile.ZIP_STORED)
    with collect([archive], ArchiveLimits(max_archive_bytes=2500)) as sources:
        statuses = [i.refused.status if i.refused else None for i in sources.items]
        assert statuses == [None, None, ReadStatus.TOO_LARGE, ReadStatus.TOO_LARGE, ReadStatus.TOO_LARGE]


def test_nested_zip_is_read_one_level_deep(tmp_path):
    deepest = io.BytesIO()
    _zip(deepest, {"deep.txt": b"te diep"})
    inner = io.BytesIO()
    _zip(inner, {"x/inner.txt": SAMPLE_TXT.read_bytes(), "deeper.zip": deepest.getvalue()})
    archive = tmp_path / "outer.zip"
    _zip(archive, {"inner.zip": inner.getvalue(), "top.txt": b"tekst"})
    with collect([archive]) as sources:
        items = _by_source(sources)
        nested = items[f"{archive}!inner.zip!x/inner.txt"]
        assert nested.name == "inner.txt" and nested.load() == SAMPLE_TXT.read_bytes()
        too_deep = items[f"{archive}!inner.zip!deeper.zip"]
        assert too_deep.refused is not None and too_deep.refused.status is ReadStatus.UNSUPPORTED
        assert items[f"{archive}!top.txt"].load() == b"tekst"


def test_broken_archive_and_broken_member(tmp_path):
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    good = tmp_path / "crc.zip"
    _zip(good, {"a.txt": b"hello world " * 100}, compression=zipfile.ZIP_STORED)
    data = bytearray(good.read_bytes())
    data[data.index(b"hello") + 3] ^= 0xFF  # damage the member's bytes: CRC mismatch
    good.write_bytes(bytes(data))
    with collect([tmp_path / "broken.zip", good]) as sources:
        items = _by_source(sources)
        assert items[str(tmp_path / "broken.zip")].refused.status is ReadStatus.CORRUPT
        with pytest.raises(Refused) as refused:
            items[f"{good}!a.txt"].load()
        assert refused.value.status is ReadStatus.CORRUPT


def test_encrypted_member_is_refused(tmp_path):
    archive = tmp_path / "secret.zip"
    _zip(archive, {"secret.txt": b"geheim"})
    data = bytearray(archive.read_bytes())
    # set the "encrypted" flag bit in the local and central headers
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + offset
        data[at] |= 0x01
    archive.write_bytes(bytes(data))
    with collect([archive]) as sources:
        (item,) = sources.items
        assert item.refused is not None and item.refused.status is ReadStatus.ENCRYPTED
