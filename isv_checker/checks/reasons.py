"""The codes of the reasons a decision gives, and their sentences in English and Dutch.

The checks record a reason as a `Reason` (code and parameters); the report's English `reasons`, and
any other language, are rendered here from the code, so no output parses prose back to learn what was
decided. Findings have a catalogue of their own beside this one, `findings.py`. A code names the
fact it is about before the dot ('value.below'). Parameters hold raw values (euros as numbers, ids as
strings); formatting them is this module's job.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..report import Param, Reason

Template = str | tuple[str, str]  # one sentence, or (one, several) chosen by the `count` parameter

SENTENCES: Mapping[str, Mapping[str, Template]] = {
    "en": {
        "authority.unknown": "no contracting authority was recognised; if it is central government, the other facts decide, otherwise ISV is not mandatory",
        "authority.central": "{name} is part of the central government (rule {rule})",
        "authority.not_central": "{name} is not part of the central government, so ISV is allowed but not mandatory",
        "authority.foreign": "{name} is a buyer in {country}; ISV binds the Dutch central government only",
        "authority.legal_type_conflict": "{name}: the notice gives legal type {legal_type}, but the name is that of another kind of body; which is right decides whether ISV is mandatory",
        "authority.vague_legal_type": "{name}: legal type {legal_type} does not say whether it is central government, and the name is not one the rules know",
        "categories.found": (
            "the purchase falls in ISV risk category {categories}",
            "the purchase falls in ISV risk categories {categories}",
        ),
        "categories.none": "the purchase falls in none of the {known} ISV risk categories",
        "date.period": "document date {date}: threshold period {period}",
        "date.no_period": "document date {date}: no threshold period known for it",
        "date.period_uncertain": "date {date}, read from {origin}: threshold period {period}",
        "value.near_uncertain_date": "estimated value EUR {value} is near the threshold, and the date {date}, read from {origin}, does not fix the threshold period with certainty",
        "date.none": "the document states no date",
        "value.at_or_above": "estimated value EUR {value} is at or above the {kind} threshold of EUR {threshold}",
        "value.below": "estimated value EUR {value} is below the {kind} threshold of EUR {threshold}",
        "value.above_every": "estimated value EUR {value} is above every {kind} threshold, whatever the date",
        "value.below_every": "estimated value EUR {value} is below every {kind} threshold, whatever the date",
        "value.near_undated": "estimated value EUR {value} is near the threshold and the document's date, which fixes the threshold, is unknown",
        "value.procedure_above": "no value stated, but the procedure ({procedure}) implies a value at or above the threshold",
        "value.procedure_below": "no value stated, but the procedure ({procedure}) implies a value below the threshold",
        "value.contradicts_procedure": "the amount EUR {value} read as the value is below the threshold, but the document names a procedure that is used at or above it (a European procedure): one of the two is wrong",
        "value.below_but_other_above": "the amount EUR {value} read as the value is below the threshold of EUR {threshold}, but EUR {other}, nearly as likely the value, is not",
        "value.below_loosely_labelled": "the amount EUR {value}, below the threshold of EUR {threshold}, is not clearly labelled as the estimated value",
        "value.yearly_term_unknown": "EUR {value} is a year's value and the document gives no term to multiply it by: over the full term, options included, the value may reach the threshold of EUR {threshold}",
        "value.none": "no estimated contract value and no procedure that implies one: ISV is mandatory if the value is at or above the threshold, not otherwise",
        "decision.undecided": "undecided: {missing} cannot be read from the document; ISV is mandatory if the authority is central government and the value is at or above the threshold, and not mandatory otherwise",
        "decision.conflict": "undecided: the tender's files disagree on {fact} ({chosen} in {chosen_file}, {other} in {other_file}), and which is right decides whether ISV is mandatory",
        "decision.unreadable": "undecided: {files} could not be read, and may state facts that weigh more than those of the other files",
        "fact.authority": "the contracting authority",
        "fact.value": "the estimated value",
        "fact.date": "the date (the threshold period)",
        "missing.authority": "the contracting authority (central government or not)",
        "missing.value": "the estimated contract value against the threshold",
        "origin.notice": "the notice's dispatch date",
        "origin.text": "an unmarked date near the top of the text",
        "origin.forward": "a start, end or deadline date in the text",
        "origin.metadata": "the file's properties",
        "kind.central": "central",
        "kind.works": "works",
        "join": " and ",
    },
    "nl": {
        "authority.unknown": "geen aanbestedende dienst herkend; is het de rijksoverheid, dan beslissen de andere feiten, anders zijn de ISV niet verplicht",
        "authority.central": "{name} hoort bij de rijksoverheid (regel {rule})",
        "authority.not_central": "{name} hoort niet bij de rijksoverheid, dus de ISV mogen maar zijn niet verplicht",
        "authority.foreign": "{name} is een aanbestedende dienst in {country}; de ISV gelden alleen voor de Nederlandse rijksoverheid",
        "authority.legal_type_conflict": "{name}: de aankondiging geeft rechtsvorm {legal_type}, maar de naam is die van een ander soort organisatie; welke klopt, bepaalt of de ISV verplicht zijn",
        "authority.vague_legal_type": "{name}: rechtsvorm {legal_type} zegt niet of het de rijksoverheid is, en de naam kennen de regels niet",
        "categories.found": (
            "de inkoop valt in ISV-risicocategorie {categories}",
            "de inkoop valt in de ISV-risicocategorieën {categories}",
        ),
        "categories.none": "de inkoop valt in geen van de {known} ISV-risicocategorieën",
        "date.period": "documentdatum {date}: drempelperiode {period}",
        "date.no_period": "documentdatum {date}: geen drempelperiode bekend",
        "date.period_uncertain": "datum {date}, gelezen uit {origin}: drempelperiode {period}",
        "value.near_uncertain_date": "geraamde waarde EUR {value} ligt rond de drempel, en de datum {date}, gelezen uit {origin}, legt de drempelperiode niet met zekerheid vast",
        "date.none": "het document vermeldt geen datum",
        "value.at_or_above": "geraamde waarde EUR {value} ligt op of boven de {kind} van EUR {threshold}",
        "value.below": "geraamde waarde EUR {value} ligt onder de {kind} van EUR {threshold}",
        "value.above_every": "geraamde waarde EUR {value} ligt boven elke {kind}, wat de datum ook is",
        "value.below_every": "geraamde waarde EUR {value} ligt onder elke {kind}, wat de datum ook is",
        "value.near_undated": "geraamde waarde EUR {value} ligt rond de drempel en de datum van het document, die de drempel bepaalt, is onbekend",
        "value.procedure_above": "geen waarde vermeld, maar de procedure ({procedure}) wijst op een waarde op of boven de drempel",
        "value.procedure_below": "geen waarde vermeld, maar de procedure ({procedure}) wijst op een waarde onder de drempel",
        "value.contradicts_procedure": "het als waarde gelezen bedrag EUR {value} ligt onder de drempel, maar het document noemt een procedure die op of boven de drempel wordt gebruikt (een Europese procedure): een van beide klopt niet",
        "value.below_but_other_above": "het als waarde gelezen bedrag EUR {value} ligt onder de drempel van EUR {threshold}, maar EUR {other}, dat bijna even waarschijnlijk de waarde is, niet",
        "value.below_loosely_labelled": "het bedrag EUR {value}, onder de drempel van EUR {threshold}, staat niet duidelijk als geraamde waarde vermeld",
        "value.yearly_term_unknown": "EUR {value} is een jaarwaarde en het document noemt geen looptijd om die mee te vermenigvuldigen: over de hele looptijd, opties inbegrepen, kan de waarde de drempel van EUR {threshold} halen",
        "value.none": "geen geraamde opdrachtwaarde en geen procedure die er een aangeeft: de ISV zijn verplicht als de waarde op of boven de drempel ligt, anders niet",
        "decision.undecided": "onbeslist: {missing} valt niet uit het document af te lezen; de ISV zijn verplicht als de dienst tot de rijksoverheid hoort en de waarde op of boven de drempel ligt, anders niet",
        "decision.conflict": "onbeslist: de bestanden van de aanbesteding verschillen over {fact} ({chosen} in {chosen_file}, {other} in {other_file}), en welke klopt, bepaalt of de ISV verplicht zijn",
        "decision.unreadable": "onbeslist: {files} kon niet worden gelezen, en kan feiten bevatten die zwaarder wegen dan die van de andere bestanden",
        "fact.authority": "de aanbestedende dienst",
        "fact.value": "de geraamde waarde",
        "fact.date": "de datum (de drempelperiode)",
        "missing.authority": "de aanbestedende dienst (rijksoverheid of niet)",
        "missing.value": "de geraamde opdrachtwaarde tegenover de drempel",
        "origin.notice": "de verzenddatum van de aankondiging",
        "origin.text": "een datum bovenaan de tekst zonder aanduiding",
        "origin.forward": "een begin-, eind- of sluitingsdatum in de tekst",
        "origin.metadata": "de eigenschappen van het bestand",
        "kind.central": "drempel voor de rijksoverheid",
        "kind.works": "drempel voor werken",
        "join": " en ",
    },
}

_NUMBER_WORDS = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
    "nl": ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf"),
}


def number_word(count: int, lang: str) -> str:
    """A small count as a word ("six", "zes"), as the messages write counts; larger ones as digits."""
    words = _NUMBER_WORDS["en" if lang == "en" else "nl"]
    return words[count] if 0 <= count < len(words) else str(count)


def amount(value: float | int, lang: str) -> str:
    """Whole euros with the thousands separator of `lang` (1,200,000; 1.200.000)."""
    text = f"{value:,.0f}"
    return text if lang == "en" else text.replace(",", ".")


def sentence(reason: Reason, lang: str = "en") -> str:
    """The reason in `lang`; the English sentence is the one the report's `reasons` carries."""
    table = SENTENCES["en" if lang == "en" else "nl"]
    template = table[reason.code]
    params = reason.params
    if isinstance(template, tuple):
        template = template[0] if params.get("count") == 1 else template[1]
    return template.format(**{name: _shown(name, value, lang, table) for name, value in params.items()})


def _shown(name: str, value: Param, lang: str, table: Mapping[str, Template]) -> str:
    if name in ("value", "threshold", "other") and isinstance(value, int | float):
        return amount(value, lang)
    if name == "known" and isinstance(value, int):
        return number_word(value, lang)
    if name in ("kind", "origin", "fact"):
        return str(table[f"{name}.{value}"])
    if name == "missing" and isinstance(value, tuple):
        # the date that fixes the threshold is part of "the value against the threshold"
        return str(table["join"]).join(
            dict.fromkeys(str(table[f"missing.{'value' if m == 'date' else m}"]) for m in value)
        )
    if isinstance(value, tuple):
        return ", ".join(value)
    return "" if value is None else str(value)
