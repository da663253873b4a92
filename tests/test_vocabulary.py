"""The vocabulary is data: a seventh element, an eleventh category and a new anchor-cancelling decoy,
added to a copy of `rules/` and nothing else, work end to end (found, counted, reported, rendered);
and a rules folder that names an id it does not declare, or a decoy effect there is not, fails on load
with a message naming the file and the rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from isv_checker.checks.matching import RuleMatcher
from isv_checker.i18n.catalogue import messages
from isv_checker.pipeline import check_bytes
from isv_checker.render.annotate import annotate_docx
from isv_checker.render.memo import memo_view, render_memo
from isv_checker.render.text import summary_lines
from isv_checker.ruleset.load import DEFAULT_RULES_DIR, RulesError, Ruleset, load_ruleset

# spaCy warns (W036) when a rule has no wildcard pattern and its Matcher stays empty; that is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:\\[W036\\]:UserWarning")

LIVING_WAGE = {
    "id": "ISV-EL-LIVING-WAGE",
    "element": "living_wage",
    "name_nl": "Leefbaar loon",
    "name_en": "Living wage",
    "description": "The supplier works towards a living wage for the workers in its supply chain.",
    "model_wording_nl": "Opdrachtnemer zet zich in voor een leefbaar loon voor de werknemers in zijn keten en rapporteert over de voortgang.",
    "model_wording_en": "The Supplier works towards a living wage for the workers in its supply chain and reports on its progress.",
    "match": {"terms": ["leefbaar loon", "leefbare lonen", "living wage", "living wages"]},
    "examples": {
        "match": ["Opdrachtnemer streeft naar een leefbaar loon in de keten.", "The Supplier pays a living wage."],
        "no_match": ["Opdrachtnemer betaalt het wettelijk minimumloon.", "The Supplier pays the minimum wage."],
    },
}
NATURAL_STONE = {
    "id": "ISV-CAT-NATURAL-STONE",
    "description": "Natural stone - granite, bluestone and paving stone as the thing bought",
    "category": "natural_stone",
    "name_nl": "Natuursteen",
    "name_en": "Natural stone",
    "group": "natural_stone",
    "cpv": ["14212"],
    "match": {"terms": ["natuursteen", "natural stone", "graniet", "granite"]},
    "examples": {
        "match": ["Levering van natuursteen voor kademuren.", "Supply of natural stone for quay walls."],
        "no_match": ["Levering van bedrijfskleding.", "Supply of office paper."],
    },
}
NATURAL_STONE_GROUP = {
    "id": "natural_stone",
    "name_nl": "Natuursteen",
    "name_en": "Natural stone",
    "categories": ["natural_stone"],
}
LIVING_WAGE_SDG = {
    "id": "ISV-SDG-1-1-LIVING-WAGE",
    "target": "1.1",
    "goal": 1,
    "title_nl": "Extreme armoede uitbannen",
    "title_en": "Eradicate extreme poverty",
    "when": "element",
    "element": "living_wage",
    "rationale_nl": "Een leefbaar loon in de keten tilt de werknemers die de goederen maken uit extreme armoede.",
    "rationale_en": "A living wage in the supply chain lifts the workers who make the goods out of extreme poverty.",
}
FUTURE_TENDER = {
    "id": "ISV-DECOY-LATER-TENDER",
    "decoy": "later_tender",
    "effect": "near_anchor",
    "reach": 40,
    "description": "The ISV promised for a later tender, not imposed in this one.",
    "reason_nl": "Een voornemen voor een latere aanbesteding legt in deze aanbesteding niets op.",
    "reason_en": "An intention for a later tender imposes nothing in this one.",
    "match": {"terms": ["volgende aanbesteding", "next tender"]},
    "examples": {
        "match": ["De ISV komen in de volgende aanbesteding.", "The ISV will be part of the next tender."],
        "no_match": ["De ISV zijn van toepassing.", "The ISV apply."],
    },
}

DOCUMENT = """Raamovereenkomst levering van natuursteen

Kenmerk RWS-INK-2025-117, Utrecht, 3 maart 2025

1 Partijen

De Staat der Nederlanden, vertegenwoordigd door de Minister van Infrastructuur en Waterstaat, namens Rijkswaterstaat, hierna Opdrachtgever.

2 Onderwerp en waarde

Opdrachtnemer levert natuursteen voor kademuren en oevers. De geraamde opdrachtwaarde bedraagt EUR 2.400.000 exclusief btw.

3 Voornemen

Het onderhoud van de oevers kent nog geen ISV; die komen in de volgende aanbesteding.

4 Internationale Sociale Voorwaarden

De Internationale Sociale Voorwaarden zijn van toepassing. Opdrachtnemer past gepaste zorgvuldigheid toe volgens de OESO-richtlijnen voor multinationale ondernemingen en de UNGP's.

De zorgvuldigheid richt zich op de fundamentele arbeidsnormen van de IAO en de mensenrechten in de keten.

Opdrachtnemer voert binnen drie maanden een risicoanalyse uit van zijn keten.

Opdrachtnemer stelt een plan van aanpak op om de risico's te verminderen.

Opdrachtnemer rapporteert jaarlijks over de uitvoering van het plan van aanpak.

Opdrachtnemer zet zich in voor een leefbaar loon voor de werknemers in zijn keten.

Leeft Opdrachtnemer deze verplichtingen niet na, dan kan Opdrachtgever de overeenkomst ontbinden.
"""


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target)
    return target


def _declare(rules: Path, *, element: str | None = None, category: str | None = None) -> None:
    def change(data) -> None:
        if element:
            data["vocabulary"]["elements"].append(element)
        if category:
            data["vocabulary"]["categories"].append(category)

    _edit(rules / "ruleset.yaml", change)


@pytest.fixture(scope="module")
def extended(tmp_path_factory) -> Ruleset:
    """The bundled rules plus living_wage, natural_stone and a near_anchor decoy: rule files only."""
    rules = _copy(tmp_path_factory.mktemp("vocabulary"))
    _declare(rules, element="living_wage", category="natural_stone")
    _edit(rules / "elements.yaml", lambda d: d["elements"].append(LIVING_WAGE))

    def category(data) -> None:
        data["categories"].append(NATURAL_STONE)
        data["groups"].append(NATURAL_STONE_GROUP)

    _edit(rules / "categories.yaml", category)
    _edit(rules / "sdg.yaml", lambda d: d["links"].append(LIVING_WAGE_SDG))
    _edit(rules / "decoys.yaml", lambda d: d["decoys"].append(FUTURE_TENDER))
    return load_ruleset(rules)


@pytest.fixture(scope="module")
def report(extended):
    return check_bytes(DOCUMENT.encode("utf-8"), "natuursteen-2025.txt", ruleset=extended)


def test_the_new_rules_pass_their_own_examples(extended):
    matcher = RuleMatcher(extended.rules())
    for rule_id in ("ISV-EL-LIVING-WAGE", "ISV-CAT-NATURAL-STONE", "ISV-DECOY-LATER-TENDER"):
        rule = extended.rule(rule_id)
        assert rule is not None
        for text in rule.examples.match:
            assert matcher.matches(text, rule.id, "nl"), (rule.id, text)
        for text in rule.examples.no_match:
            assert not matcher.matches(text, rule.id, "nl"), (rule.id, text)


def test_a_seventh_element_is_found_and_counted(report):
    assert report.verdict == "compliant"
    elements = {e.id: e for e in report.clause.elements}
    assert len(elements) == 7
    assert elements["living_wage"].found
    assert "leefbaar loon" in elements["living_wage"].evidence[0].quote
    assert "ISV-SDG-1-1-LIVING-WAGE" in {t.rule for t in report.sdg_targets}


def test_an_eleventh_category_makes_isv_required(report):
    assert [c.id for c in report.categories] == ["natural_stone"]
    assert report.categories[0].group == "natural_stone"
    assert report.applicability.isv_required is True


def test_a_new_anchor_decoy_cancels_by_its_effect_and_is_reported(report):
    later = [d for d in report.decoys if d.rule == "ISV-DECOY-LATER-TENDER"]
    assert len(later) == 1
    assert later[0].decoy == "later_tender"
    assert "volgende aanbesteding" in later[0].evidence.quote  # an anchor decoy is reported only when it cancels
    # The cancelled anchor is not the clause: the clause is the article that imposes the ISV.
    assert "Internationale Sociale Voorwaarden" in report.clause.location


def test_a_decoy_beyond_its_reach_cancels_nothing(extended):
    text = DOCUMENT.replace(
        "kent nog geen ISV; die komen in de volgende aanbesteding",
        "kent nog geen ISV. " + "Dat blijft zo. " * 4 + "Pas bij de volgende aanbesteding.",
    )
    far = check_bytes(text.encode("utf-8"), "natuursteen-2025.txt", ruleset=extended)
    assert "ISV-DECOY-LATER-TENDER" not in {d.rule for d in far.decoys}


@pytest.mark.parametrize(("lang", "words"), [("nl", ("zeven elementen", "elf")), ("en", ("seven elements", "eleven"))])
def test_messages_count_what_the_ruleset_declares(extended, report, lang, words):
    elements, categories = words
    view = memo_view(report, extended, lang)
    assert elements in view["verdict_sentence"]
    assert elements in view["t"]["h_elements"]
    assert categories in view["t"]["no_category"]
    assert elements in render_memo(report, extended, "md", lang).decode("utf-8")
    incomplete = report.model_copy(
        update={
            "verdict": "incomplete",
            "clause": report.clause.model_copy(
                update={
                    "elements": tuple(
                        e.model_copy(update={"found": e.id != "living_wage"}) for e in report.clause.elements
                    ),
                }
            ),
        }
    )
    one_missing = {"nl": "één van de zeven elementen ontbreekt", "en": "one of the seven elements is missing"}[lang]
    assert one_missing in memo_view(incomplete, extended, lang)["verdict_sentence"]


def test_the_web_page_and_the_sdg_table_count_what_the_ruleset_declares(extended):
    assert messages("nl", extended.vocabulary)["h_checklist"] == "Checklist: de zeven elementen van de ISV-clausule"
    assert "outside the eleven categories" in messages("en", extended.vocabulary)["m_population"]
    assert "buiten de elf risicocategorieën" in messages("nl", extended.vocabulary)["m_outside"]


def test_the_scan_summary_counts_what_the_ruleset_declares(extended, report):
    lines = summary_lines(report, extended.vocabulary)
    assert lines[0].endswith("states all seven elements")
    assert "7 of 7 elements" in lines[4]


def test_the_marked_up_copy_counts_what_the_ruleset_declares(extended, docx_bytes):
    draft = check_bytes(docx_bytes, "draft.docx", ruleset=extended)
    comments = [c for c in annotate_docx(docx_bytes, draft, extended, "en").comments if "clause" in c.kinds]
    assert "ISV clause: 1 of the seven elements found." in comments[0].text


# --- load failures ------------------------------------------------------------------------------


def test_an_unknown_effect_fails_on_load(tmp_path):
    rules = _copy(tmp_path)
    _edit(rules / "decoys.yaml", lambda d: d["decoys"][-1].update(effect="sometimes"))
    with pytest.raises(
        RulesError, match=r"decoys\.yaml: rule ISV-DECOY-POLICY: effect: Input should be 'passage', 'always'"
    ):
        load_ruleset(rules)


def test_reach_belongs_to_near_anchor(tmp_path):
    rules = _copy(tmp_path)
    _edit(rules / "decoys.yaml", lambda d: d["decoys"][-1].update(reach=40))
    with pytest.raises(RulesError, match=r"rule ISV-DECOY-POLICY: .*`reach:` applies only to `effect: near_anchor`"):
        load_ruleset(rules)


def test_scope_is_no_longer_a_field(tmp_path):
    rules = _copy(tmp_path)
    _edit(rules / "decoys.yaml", lambda d: d["decoys"][-1].update(scope="anchor"))
    with pytest.raises(RulesError, match=r"rule ISV-DECOY-POLICY: scope: Extra inputs are not permitted"):
        load_ruleset(rules)


def test_an_element_rule_with_an_undeclared_id_fails_on_load(tmp_path):
    rules = _copy(tmp_path)
    _edit(rules / "elements.yaml", lambda d: d["elements"].append(LIVING_WAGE))
    with pytest.raises(
        RulesError,
        match=r"elements\.yaml: rule ISV-EL-LIVING-WAGE: element 'living_wage' is not declared in .*ruleset\.yaml",
    ):
        load_ruleset(rules)


def test_a_declared_element_without_a_rule_fails_on_load(tmp_path):
    rules = _copy(tmp_path)
    _declare(rules, element="living_wage")
    with pytest.raises(RulesError, match=r"elements\.yaml: no rule for the element living_wage declared in"):
        load_ruleset(rules)


def test_two_rules_for_one_element_fail_on_load(tmp_path):
    rules = _copy(tmp_path)
    _declare(rules, element="living_wage")
    twice = {**LIVING_WAGE, "element": "remedy"}
    _edit(rules / "elements.yaml", lambda d: d["elements"].append(twice))
    with pytest.raises(RulesError, match=r"rule ISV-EL-LIVING-WAGE: element 'remedy' already has rule ISV-EL-REMEDY"):
        load_ruleset(rules)


def test_a_category_rule_with_an_undeclared_id_fails_on_load(tmp_path):
    rules = _copy(tmp_path)
    _edit(rules / "categories.yaml", lambda d: d["categories"].append(NATURAL_STONE))
    with pytest.raises(
        RulesError, match=r"categories\.yaml: rule ISV-CAT-NATURAL-STONE: category 'natural_stone' is not declared"
    ):
        load_ruleset(rules)


def test_a_group_with_an_undeclared_category_fails_on_load(tmp_path):
    rules = _copy(tmp_path)
    _edit(rules / "categories.yaml", lambda d: d["groups"].append(NATURAL_STONE_GROUP))
    with pytest.raises(
        RulesError, match=r"categories\.yaml: group natural_stone: category 'natural_stone' is not declared"
    ):
        load_ruleset(rules)


def test_a_category_outside_its_group_fails_on_load(tmp_path):
    rules = _copy(tmp_path)
    _declare(rules, category="natural_stone")
    _edit(rules / "categories.yaml", lambda d: d["categories"].append(NATURAL_STONE))
    with pytest.raises(
        RulesError,
        match=r"rule ISV-CAT-NATURAL-STONE: group 'natural_stone' is not a group under `groups:` that lists natural_stone",
    ):
        load_ruleset(rules)


def test_an_sdg_link_to_an_undeclared_element_fails_on_load(tmp_path):
    rules = _copy(tmp_path)
    _edit(rules / "sdg.yaml", lambda d: d["links"].append(LIVING_WAGE_SDG))
    with pytest.raises(
        RulesError, match=r"sdg\.yaml: rule ISV-SDG-1-1-LIVING-WAGE: element 'living_wage' is not declared"
    ):
        load_ruleset(rules)


def test_a_missing_vocabulary_fails_on_load(tmp_path):
    rules = _copy(tmp_path)
    _edit(rules / "ruleset.yaml", lambda d: d.pop("vocabulary"))
    with pytest.raises(RulesError, match=r"ruleset\.yaml: `vocabulary:`"):
        load_ruleset(rules)
