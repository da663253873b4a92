"""WordprocessingML's text rules on small XML snippets: what a run prints, what is hidden, which content
control and which branch of alternate content is read."""

from __future__ import annotations

import pytest
from lxml import etree

from isv_checker.readers import wordml

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def xml(snippet: str) -> etree._Element:
    """One element written with the w: and mc: prefixes."""
    root = etree.fromstring(f'<root xmlns:w="{W_NS}" xmlns:mc="{MC_NS}">{snippet}</root>')
    return root[0]


@pytest.mark.parametrize(
    ("child", "text"),
    [
        ("<w:t>Gepaste zorgvuldigheid</w:t>", "Gepaste zorgvuldigheid"),
        ('<w:t xml:space="preserve"> OESO </w:t>', " OESO "),
        ("<w:t/>", ""),
        ("<w:tab/>", "\t"),
        ('<w:ptab w:relativeTo="margin" w:alignment="right" w:leader="none"/>', "\t"),
        ("<w:br/>", "\n"),
        ('<w:br w:type="page"/>', "\n"),
        ("<w:cr/>", "\n"),
        ("<w:noBreakHyphen/>", "-"),
        ('<w:sym w:font="Symbol" w:char="F0B7"/>', "•"),  # a symbol-font bullet
        ('<w:sym w:font="Wingdings" w:char="F0FC"/>', "✓"),
        ('<w:sym w:font="Symbol" w:char="F041"/>', "A"),  # other symbol-font characters: their ASCII code point
        ('<w:sym w:char="20AC"/>', "€"),
        ('<w:sym w:char="zz"/>', ""),
        ("<w:sym/>", ""),
        ('<w:sym w:char="FFFFFFFFFF"/>', ""),  # past Unicode
    ],
)
def test_what_a_run_child_prints(child, text):
    assert wordml.printed(xml(child)) == text


@pytest.mark.parametrize(
    "child",
    [
        "<w:rPr><w:b/></w:rPr>",
        "<w:softHyphen/>",
        "<w:instrText>PAGE</w:instrText>",
        "<w:delText>weg</w:delText>",
        '<w:fldChar w:fldCharType="begin"/>',
        "<w:lastRenderedPageBreak/>",
        '<w:commentReference w:id="0"/>',
        '<w:footnoteReference w:id="1"/>',
        "<w:drawing/>",
    ],
)
def test_run_children_that_print_nothing_of_their_own(child):
    assert wordml.printed(xml(child)) is None


def test_run_text_joins_text_tabs_breaks_and_symbols():
    run = xml(
        '<w:r><w:rPr><w:i/></w:rPr><w:t>Artikel 3</w:t><w:tab/><w:sym w:font="Symbol" w:char="F0B7"/>'
        "<w:br/><w:instrText>TOC</w:instrText><w:softHyphen/><w:t>slot</w:t></w:r>"
    )
    assert wordml.run_text(run) == "Artikel 3\t•\nslot"


@pytest.mark.parametrize(
    ("vanish", "hidden"),
    [
        ("<w:vanish/>", True),
        ('<w:vanish w:val="1"/>', True),
        ('<w:vanish w:val="true"/>', True),
        ('<w:vanish w:val="on"/>', True),
        ('<w:vanish w:val="0"/>', False),
        ('<w:vanish w:val="false"/>', False),
        ('<w:vanish w:val="OFF"/>', False),
        ("<w:b/>", False),
        ("", False),
    ],
)
def test_hidden_runs_print_nothing(vanish, hidden):
    run = xml(f"<w:r><w:rPr>{vanish}</w:rPr><w:t>verborgen</w:t></w:r>")
    assert wordml.is_hidden(run.find(wordml.RPR)) is hidden
    assert wordml.run_text(run) == ("" if hidden else "verborgen")


def test_a_run_without_properties_is_not_hidden():
    assert wordml.is_hidden(None) is False
    assert wordml.run_text(xml("<w:r><w:t>zichtbaar</w:t></w:r>")) == "zichtbaar"


@pytest.mark.parametrize(
    ("properties", "read"),
    [
        ("", True),
        ("<w:sdtPr/>", True),
        ("<w:sdtPr><w:showingPlcHdr/></w:sdtPr>", False),
        ('<w:sdtPr><w:showingPlcHdr w:val="0"/></w:sdtPr>', True),
        ('<w:sdtPr><w:showingPlcHdr w:val="true"/></w:sdtPr>', False),
    ],
)
def test_a_content_control_showing_its_placeholder_is_not_read(properties, read):
    sdt = xml(f"<w:sdt>{properties}<w:sdtContent><w:r><w:t>Klik hier</w:t></w:r></w:sdtContent></w:sdt>")
    content = wordml.sdt_content(sdt)
    assert (content is not None) is read
    if read:
        assert content.tag == wordml.SDT_CONTENT


def test_a_content_control_without_content():
    assert wordml.sdt_content(xml("<w:sdt><w:sdtPr/></w:sdt>")) is None


@pytest.mark.parametrize(
    ("branches", "read"),
    [
        (
            '<mc:Choice Requires="wps"><w:t>keuze</w:t></mc:Choice><mc:Fallback><w:t>terugval</w:t></mc:Fallback>',
            "keuze",
        ),
        (
            '<mc:Choice Requires="wps"><w:t>eerste</w:t></mc:Choice><mc:Choice Requires="w14"><w:t>tweede</w:t></mc:Choice>',
            "eerste",
        ),
        ("<mc:Fallback><w:t>terugval</w:t></mc:Fallback>", "terugval"),
        ("", None),
    ],
)
def test_alternate_content_reads_one_branch(branches, read):
    branch = wordml.alternate_branch(xml(f"<mc:AlternateContent>{branches}</mc:AlternateContent>"))
    assert (branch[0].text if branch is not None else None) == read


def test_the_fallback_copy_and_deletions_are_never_text():
    assert {wordml.FALLBACK, wordml.DEL, wordml.MOVE_FROM, wordml.RPR} <= wordml.INLINE_SKIP
    assert {wordml.FALLBACK, wordml.DEL, wordml.MOVE_FROM} <= wordml.BLOCK_SKIP
    assert wordml.INS not in wordml.INLINE_SKIP  # tracked insertions are read


@pytest.mark.parametrize(
    ("value", "on"),
    [
        (None, True),
        ("1", True),
        ("true", True),
        ("On", True),
        ("0", False),
        ("false", False),
        ("off", False),
        ("FALSE", False),
    ],
)
def test_word_booleans(value, on):
    element = xml("<w:b/>" if value is None else f'<w:b w:val="{value}"/>')
    assert wordml.is_on(element) is on
