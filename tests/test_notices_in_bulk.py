"""What `isv-check notices` does to be fast over a bulk package gives what reading and judging each notice
alone gives: notices judged a chunk at a time (their words tokenised together), matched with the category
rules alone and their buyers' names with the authority rules alone, their records made unvalidated, the
reader's paths followed child by child, the matchers built before the workers are forked. Tried on a
generated bulk package (every country, so Dutch, English and other languages) and on the hand-written
sample notices."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from typer.testing import CliRunner

from isv_checker.checks import reasons as reasons_module
from isv_checker.checks.categories import outside_purchase
from isv_checker.checks.engine import judge, notice_matcher, rules_matcher
from isv_checker.checks.facts import recognise_authority
from isv_checker.checks.reasons import sentence
from isv_checker.cli.app import app
from isv_checker.document import Block, BlockKind, DocFormat, Document, ReadStatus
from isv_checker.pipeline import check_bytes
from isv_checker.population.procedures import as_dict, row_of
from isv_checker.population.run import Selection, country_codes, run_population
from isv_checker.population.sources import find_notices
from isv_checker.readers import notice_eforms, read_bytes, read_path
from isv_checker.readers.notice_xml import ChildPath, Indexed, all_children, first_child, glance, local, names_none_of
from isv_checker.records import trusted_maker
from isv_checker.report import (
    Applicability,
    Authority,
    CategoryResult,
    Evidence,
    Judgement,
    LotResult,
    Reason,
    Source,
    Value,
)
from isv_checker.ruleset.load import cached_ruleset
from isv_checker.settings import ReadOptions

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "notices"


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bulk") / "notices.tar.gz"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "samples" / "notices" / "make_bulk.py"),
            *("--count", "300", "--seed", "11", "--junk", "4", "-o", str(out)),
        ],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def documents(package: Path) -> list:
    options = ReadOptions()
    found = find_notices([package, SAMPLES], options.max_notice_bytes)
    return [read_bytes(f.data, f.name, options) for f in found if f.data]


def test_notices_judged_together_are_judged_as_each_alone(package: Path):
    """Every notice's row in the population is the row of its own report, as `isv-check scan` makes it."""
    population = run_population([package, SAMPLES], Selection(countries=frozenset()), workers=1)
    together = {row.file: row for procedure in population.procedures for row in procedure.notices}
    alone = {}
    for found in find_notices([package, SAMPLES], ReadOptions().max_notice_bytes):
        report = check_bytes(found.data or b"", found.name)
        if report.notice is not None and report.readable:
            alone[found.name] = row_of(report)
    assert len(together) > 300
    assert {row.kind for row in together.values()} >= {"contract", "award", "prior_information"}
    assert together == alone


def test_two_workers_write_what_one_writes(package: Path, tmp_path: Path):
    """Workers forked after the matcher is built in the parent judge as the parent alone does."""
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}.jsonl"
        result = CliRunner().invoke(
            app, ["notices", str(package), str(SAMPLES), "--country", "all", "-w", workers, "-o", str(out)]
        )
        assert result.exit_code == 2, result.output  # the junk members
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    assert outputs[0].count("\n") > 200


def _spans(hits: list) -> list[tuple[str, int, int, int]]:
    return [(h.rule, h.block, h.start, h.end) for h in hits]


def test_the_words_of_many_notices_match_as_each_notices_alone(documents: list):
    """Every block of every notice, in one pass, hits what each notice's blocks hit alone. (Where a rule's
    term and its `near` cover the same words, which of the two the hit keeps, and so its focus, follows
    the words' place in the tokenised text, in `run` as here; a notice's judgement reads no focus.)"""
    matcher = notice_matcher(cached_ruleset())
    notices = [d for d in documents if d.notice is not None and d.readable]
    blocks = [list(d.blocks) for d in notices]
    for language in ("nl", "en"):
        together = matcher.run_each(blocks, language)
        assert [_spans(h) for h in together] == [_spans(matcher.run(b, language)) for b in blocks]
    assert sum(len(h) for h in together) > 500
    assert matcher.run_each([], "nl") == []


def test_a_notices_matchers_hit_what_every_rule_matched_together_hits(documents: list):
    """A notice's words are matched with the category rules alone and its buyers' names with the
    authority rules alone: each finds what the matcher of every rule finds of those rules."""
    ruleset = cached_ruleset()
    categories = {rule.id for rule in ruleset.categories} | {f"{rule.id}#weak" for rule in ruleset.categories}
    notices = [d for d in documents if d.notice is not None and d.readable]
    found = 0
    for language in ("nl", "en"):
        for document in notices[::3]:
            alone = notice_matcher(ruleset).run(document.blocks, language)
            together = rules_matcher(ruleset).run(document.blocks, language)
            assert alone == [h for h in together if h.rule in categories]
            found += len(alone)
    assert found > 300
    names = {buyer.name for d in notices for buyer in d.notice.buyers}
    recognised = [recognise_authority(name, ruleset, notice=True) for name in sorted(names)]
    assert recognised == [recognise_authority(name, ruleset) for name in sorted(names)]
    assert sum(central is not None for central, _ in recognised) > 20


def test_the_readers_paths_find_what_elementpath_finds(documents: list):
    """Each path the eForms reader followed, from every element it could start at in the sample notices."""
    assert notice_eforms._PATHS  # the reader has read notices above
    roots = [
        etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
        for path in sorted(SAMPLES.glob("ef-*.xml"))
    ]
    compared = 0
    for text, compiled in notice_eforms._PATHS.items():
        assert isinstance(compiled, ChildPath)
        for root in roots:
            for element in root.iter():
                if not isinstance(element.tag, str):
                    continue
                expected = element.findall(text, notice_eforms.NS)
                assert compiled.all(element) == expected, text
                assert compiled.first(element) is (expected[0] if expected else None), text
                compared += len(expected)
    assert compared > 100


def test_a_child_found_by_tag_is_the_one_iterchildren_finds():
    """`first_child` and `all_children` (an element's one child compared by tag, not through lxml's tag
    matcher; an `Indexed` element's children by tag) find what `iterchildren(tag)` finds, from every element of the sample notices, among children
    that are comments and elements of other namespaces too; `local` is QName's local name."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)  # comments and PIs kept
    roots = [etree.fromstring(path.read_bytes(), parser) for path in sorted(SAMPLES.glob("*.xml"))]
    roots.append(
        etree.fromstring(
            b'<r xmlns:a="urn:a"><one><!-- only a comment --></one><two><?pi x?></two><three><a:x/></three>'
            b"<four><x/><!-- c --><x/><a:x/></four><five>text</five></r>",
            parser,
        )
    )
    compared = 0
    for root in roots:
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            assert local(element) == etree.QName(element).localname
            tags = {child.tag for child in element if isinstance(child.tag, str)}
            index = Indexed(element)
            for tag in (*tags, "x", "{urn:a}x", "{urn:none}x", element.tag):
                expected = list(element.iterchildren(tag))
                for looked_in in (element, index):
                    assert list(all_children(looked_in, tag)) == expected, (element.tag, tag)
                    assert first_child(looked_in, tag) is (expected[0] if expected else None), (element.tag, tag)
                compared += len(expected)
    assert compared > 1000


def _with_country_written_as_references(path: Path) -> bytes:
    """A sample notice whose buyers' country codes are written as character references (&#78;LD):
    the same text to a parser, other bytes."""
    data = path.read_bytes()
    return data.replace(b">NLD<", b">&#78;LD<").replace(b'VALUE="NL"', b'VALUE="&#78;L"')


@pytest.mark.parametrize("wanted", [["NL"], ["LU"], ["BE", "DE"], ["ZZ"]])
def test_the_country_test_leaves_out_only_notices_the_glance_leaves_out_by_country(package: Path, wanted):
    """`names_none_of`, the cheap first test of a bulk run, leaves a notice out only where its glance at
    the buyers' countries would leave it out for its country; it may let through one that the glance
    then leaves out (a country named elsewhere in it), never the other way round."""
    options = ReadOptions()
    selection = Selection(countries=country_codes(wanted))
    datas = [f.data for f in find_notices([package, SAMPLES], options.max_notice_bytes) if f.data is not None]
    datas += [_with_country_written_as_references(p) for p in sorted(SAMPLES.glob("*.xml"))]
    datas += [b"", b"<notice", b"<Invoice/>"]
    left_out = 0
    for data in datas:
        seen = glance(data, options)
        by_glance = seen is not None and selection.why_not(seen.countries, None) == "country"
        if names_none_of(data, options, selection.countries):
            assert by_glance, data[:300]
            left_out += 1
    assert left_out > (0 if wanted == ["NL"] else 100)


def test_a_country_written_as_a_character_reference_is_that_country(tmp_path: Path):
    for path in (SAMPLES / "ef-cn-dji-catering-2024.xml", SAMPLES / "ted-f02-buza-toners-2021.xml"):
        (tmp_path / path.name).write_bytes(_with_country_written_as_references(path))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["notices", str(tmp_path), "--country", "NL", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count("\n") == 2


def test_a_country_chosen_gives_the_same_rows_whatever_the_workers(package: Path, tmp_path: Path):
    """This process reads the package and judges chunks when the others are busy; one process, two or
    three write the same, in the same order."""
    outputs = []
    for workers in ("1", "2", "3"):
        out = tmp_path / f"w{workers}.csv"
        result = CliRunner().invoke(
            app, ["notices", str(package), str(SAMPLES), "--country", "NL", "-w", workers, "-o", str(out)]
        )
        assert result.exit_code == 2, result.output  # the junk members
        outputs.append((out.read_text(encoding="utf-8"), result.output.replace(out.name, "out.csv")))
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0][0].count("\n") > 50


def test_outside_the_purchase_is_any_phrase_in_the_sentence(documents: list):
    """The one search of every out-of-scope phrase finds what looking for each phrase finds."""
    phrases = cached_ruleset().out_of_scope
    texts = [b.text for d in documents[:40] for b in d.blocks]
    texts += [f"Levering van laptops; {phrase} de installatie. Verder niets" for phrase in phrases[:5]]
    found = 0
    for text in texts:
        for at in range(0, len(text), 7):
            start = max(text.rfind(". ", 0, at), text.rfind("; ", 0, at)) + 1
            ends = [i for i in (text.find(". ", at), text.find("; ", at)) if i >= 0]
            sentence = text[start : min(ends) if ends else len(text)].lower()
            expected = any(phrase in sentence for phrase in phrases)
            block = Block(index=0, kind=BlockKind.PARAGRAPH, text=text)
            document = Document(path="x", format=DocFormat.TEXT, status=ReadStatus.OK, blocks=(block,))
            assert outside_purchase(document, 0, at, phrases) is expected
            found += expected
    assert found > 0


def _records(value: object) -> list[BaseModel]:
    """Every pydantic record in `value` (itself, its fields, tuples of them), depth first."""
    if isinstance(value, BaseModel):
        found = [value]
        for name in type(value).model_fields:
            found += _records(getattr(value, name))
        return found
    if isinstance(value, tuple | list):
        return [record for item in value for record in _records(item)]
    return []


def _held_to_validation(records: list[BaseModel]) -> int:
    for record in records:
        validated = type(record)(**{name: getattr(record, name) for name in type(record).model_fields})
        assert record == validated, record
        assert record.model_dump_json() == validated.model_dump_json(), record
    return len(records)


def test_a_notices_records_made_unvalidated_are_what_validation_makes(documents: list):
    """The readers make a notice, its buyers, lots and amounts without validating them again
    (`records.trusted_maker`): each is what validating its values gives, to the last float."""
    notices = [d.notice for d in documents if d.notice is not None]
    assert {n.format for n in notices} == {"eforms", "ted"}
    assert _held_to_validation(_records(notices)) > 1500


def test_evidence_made_unvalidated_is_what_validation_makes(documents: list):
    """Every fact and hit of a notice's report, and of a document's, quotes its evidence as validating
    the evidence's values would."""
    reports = [check_bytes(path.read_bytes(), path.name) for path in sorted(SAMPLES.glob("*.xml"))]
    reports += [check_bytes(path.read_bytes(), path.name) for path in sorted((ROOT / "samples").glob("*.txt"))[:6]]
    evidence = [r for report in reports for r in _records(report) if isinstance(r, Evidence)]
    assert len({e.element is None for e in evidence}) == 2  # a notice's elements and a document's pages
    assert _held_to_validation(evidence) > 100


def test_a_judgements_records_made_unvalidated_are_what_validation_makes(documents: list):
    """A notice's judgement, its decision, reasons, categories, lots, buyer and value are made without
    validating them again (`records.trusted_maker`), as a document's decision, reasons and categories
    are: each is what validating its values gives, to the last float and tuple."""
    ruleset = cached_ruleset()
    judged = [judge(d, ruleset) for d in documents if d.notice is not None and d.readable]
    judged += [judge(read_path(path), ruleset) for path in sorted((ROOT / "samples").glob("*.txt"))[:8]]
    records = _records(judged)
    made = {type(r) for r in records}
    assert {Judgement, Applicability, Reason, CategoryResult, LotResult, Authority, Value, Source} <= made
    assert _held_to_validation(records) > 5000


def test_a_reason_said_before_is_said_as_it_was_first(documents: list):
    """Each distinct reason is rendered once; one whose parameters are equal to another's but of another
    type (1, 1.0, True) is rendered anew, as it reads differently."""
    ruleset = cached_ruleset()
    reasons = [r for d in documents[:80] if d.readable for r in judge(d, ruleset).applicability.explanation]
    assert len({r.code for r in reasons}) > 8
    for lang in ("en", "nl"):
        fresh = [reasons_module._rendered(r.code, r.params, lang) for r in reasons]
        assert [sentence(r, lang) for r in reasons] == fresh
        assert [sentence(r, lang) for r in reversed(reasons)] == fresh[::-1]
    for value, said in ((True, "True"), (1, "1"), (1.0, "1.0"), (1, "1")):
        reason = Reason(code="authority.not_central", params={"name": value})
        assert said in sentence(reason)


def test_a_maker_whose_sample_disagrees_with_validation_validates_every_record():
    class Limited(BaseModel):
        model_config = ConfigDict(frozen=True, extra="forbid")
        amount: float
        quote: str = Field(max_length=3)

    assert trusted_maker(Limited, {"amount": 1.5, "quote": "abc"})({"amount": 2.0, "quote": "x"}) == Limited(
        amount=2.0, quote="x"
    )
    disagreeing = trusted_maker(Limited, {"amount": 1.0, "quote": "too long"})
    assert disagreeing({"amount": 3, "quote": "x"}) == Limited(amount=3.0, quote="x")
    with pytest.raises(ValidationError):
        disagreeing({"amount": 1.0, "quote": "too long"})
    out_of_order = trusted_maker(Limited, {"quote": "abc", "amount": 1.0})
    with pytest.raises(ValidationError):
        out_of_order({"amount": 1.0, "quote": "too long"})


def test_a_row_sent_back_by_a_worker_is_the_row(package: Path):
    """Rows cross from the workers pickled as their values; each comes back equal, field by field."""
    population = run_population([package, SAMPLES], Selection(countries=frozenset()), workers=1)
    rows = [row for procedure in population.procedures for row in procedure.notices] + population.unreadable
    assert len(rows) > 300
    for row in rows:
        again = pickle.loads(pickle.dumps(row))
        assert again == row
        assert as_dict(again) == as_dict(row)
