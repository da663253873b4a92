"""The table of supported formats and the lists taken from it: folder scans, the web page's file picker,
the format a name suggests, the reader of each format."""

from __future__ import annotations

import pytest

from isv_checker import DocFormat, ReadStatus, read_path
from isv_checker.inputs import expand
from isv_checker.readers import formats
from isv_checker.readers.sniff import format_from_name


def test_each_suffix_once_in_lower_case_with_its_dot():
    suffixes = [entry.suffix for entry in formats.SUFFIXES]
    assert len(suffixes) == len(set(suffixes))
    assert all(s.startswith(".") and s == s.lower() for s in suffixes)


def test_the_lists_taken_from_the_table():
    assert formats.ACCEPT == ".docx,.docm,.dotx,.dotm,.pdf,.odt,.doc,.dot,.rtf,.xml,.txt,.text,.md"
    assert set(formats.FOLDER_SUFFIXES) == {
        ".docx", ".docm", ".dotx", ".dotm", ".pdf", ".txt", ".odt", ".doc", ".dot", ".rtf", ".xml"
    }  # fmt: skip
    assert formats.WORD_SUFFIXES == (".docx", ".docm", ".dotx", ".dotm")
    assert set(formats.DOCUMENT_SUFFIXES) == {
        ".docx",
        ".docm",
        ".dotx",
        ".dotm",
        ".pdf",
        ".odt",
        ".doc",
        ".dot",
        ".rtf",
        ".xml",
    }


@pytest.mark.parametrize("entry", formats.SUFFIXES, ids=lambda entry: entry.suffix)
def test_a_name_suggests_its_suffix_format(entry):
    assert format_from_name(f"leidraad{entry.suffix}") is entry.format
    assert format_from_name(f"LEIDRAAD{entry.suffix.upper()}") is entry.format


@pytest.mark.parametrize("name", ["leidraad.xls", "leidraad.zip", "leidraad", "leidraad.markdown", "pdf"])
def test_other_names_suggest_nothing(name):
    assert format_from_name(name) is DocFormat.UNKNOWN


@pytest.mark.parametrize("fmt", [f for f in DocFormat if f is not DocFormat.UNKNOWN])
def test_every_format_has_a_reader(fmt):
    reader = formats.reader_for(fmt)
    assert callable(reader) and reader.__name__ == f"read_{fmt.value}"


def test_folder_scans_pass_over_text_suffixes_that_are_read_when_named(tmp_path):
    for name in ("eisen.md", "eisen.text", "eisen.txt"):
        (tmp_path / name).write_text("Internationale Sociale Voorwaarden", encoding="utf-8")
    inputs = expand([tmp_path])
    assert [p.name for p in inputs.files] == ["eisen.md", "eisen.text", "eisen.txt"]  # every file is reported
    assert sorted(p.name for p in inputs.not_documents) == ["eisen.md", "eisen.text"]  # as unsupported, unread
    for name in ("eisen.md", "eisen.text"):
        document = read_path(tmp_path / name)
        assert (document.status, document.format) == (ReadStatus.OK, DocFormat.TEXT)
