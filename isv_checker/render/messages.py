"""The fixed words of the memo, the marked-up copy and the SDG table, in Dutch and English.

One catalogue, so a translation is fixed in one place and the templates get every phrase they print
from here (`t.key` in a template). Words that come from the rules (element names, model wording,
decoy reasons, SDG titles) stay in `rules/`; the report's own facts are never translated here. How
many elements and categories there are comes from the rules too: a phrase says `{elements}` or
`{categories}`, and `messages(lang, vocabulary)` fills in the ruleset's counts as words ("zes", "ten").
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from ..checks.reasons import number_word
from ..ruleset.models import Vocabulary

Lang = Literal["nl", "en"]
LANGUAGES: tuple[Lang, ...] = ("nl", "en")

_MONTHS = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

MESSAGES: dict[str, dict[str, str]] = {
    "nl": {
        # the memo
        "memo_title": "ISV-toets",
        "memo_subtitle": "Internationale Sociale Voorwaarden (ISV) in deze aanbesteding",
        "fact_document": "Document",
        "fact_title": "Titel",
        "fact_authority": "Aanbestedende dienst",
        "fact_date": "Datum document",
        "fact_ruleset": "Regelset",
        "fact_checker": "Gecontroleerd met",
        "fact_memo_date": "Datum memo",
        "unknown": "onbekend",
        "not_recognised": "niet herkend",
        "h_verdict": "Oordeel",
        "h_why": "Waarom",
        "h_elements": "De {elements} elementen van de ISV-clausule",
        "h_decoys": "Terzijde gelegd",
        "h_actions": "Wat te doen",
        "h_sdg": "Bijdrage aan de SDG's",
        "h_notes": "Opmerkingen",
        "verdict_compliant": "Voldoet",
        "verdict_incomplete": "Onvolledig",
        "verdict_missing": "Ontbreekt",
        "verdict_required": "Verplicht",
        "verdict_not_required": "Niet verplicht",
        "verdict_needs_review": "Handmatig beoordelen",
        "verdict_unreadable": "Niet te controleren",
        "sentence_compliant": "De ISV zijn verplicht voor deze aanbesteding en de clausule is aanwezig en volledig: alle {elements} elementen staan erin.",
        "sentence_incomplete": "De ISV zijn verplicht voor deze aanbesteding; de clausule is aanwezig maar onvolledig: {missing} van de {elements} elementen ontbreken.",
        "sentence_incomplete_one": "De ISV zijn verplicht voor deze aanbesteding; de clausule is aanwezig maar onvolledig: één van de {elements} elementen ontbreekt.",
        "sentence_missing": "De ISV zijn verplicht voor deze aanbesteding, maar er is geen ISV-clausule gevonden.",
        "sentence_not_required": "De ISV zijn voor deze aanbesteding niet verplicht.",
        "sentence_not_required_clause": "De ISV zijn voor deze aanbesteding niet verplicht; er staat wel een ISV-clausule in ({found} van de {elements} elementen), wat is toegestaan en wordt aangemoedigd.",
        "sentence_needs_review": "Of de ISV verplicht zijn, is niet vast te stellen: {gap}. Beoordeel dit handmatig.",
        "sentence_clause_open": "De ISV zijn verplicht, maar of de clausule compleet is, valt hier niet te beoordelen: {why}.",
        "sentence_unreadable": "Het document kon niet worden gecontroleerd ({status}).",
        "gap_authority": "de aanbestedende dienst is niet herkend",
        "gap_value": "er staat geen geraamde opdrachtwaarde in en de procedure zegt niets over de drempel",
        "gap_date": "de datum van het document is onbekend, dus ook de drempel",
        "gap_other": "een benodigd gegeven ontbreekt",
        "why_category": "Categorie",
        "why_authority": "Opdrachtgever",
        "why_value": "Waarde",
        "why_date": "Datum en drempel",
        "why_procedure": "Procedure",
        "why_clause": "Clausule",
        "no_category": "geen van de {categories} ISV-risicocategorieën",
        "central": "Rijksoverheid: ISV verplicht vanaf de drempel",
        "not_central": "geen Rijksoverheid: ISV toegestaan, niet verplicht",
        "authority_unknown": "niet herkend in het document",
        "value_none": "geen geraamde opdrachtwaarde gevonden",
        "value_above": "{value}: op of boven de drempel van {threshold}",
        "value_below": "{value}: onder de drempel van {threshold}",
        "value_no_threshold": "{value}; drempel onbekend",
        "date_period": "{date}: drempelperiode {period}, drempel {threshold}{kind}",
        "date_none": "geen datum gevonden: drempelperiode onbekend",
        "date_no_period": "{date}: geen drempelperiode in de regels",
        "threshold_central": " (leveringen en diensten, Rijk)",
        "threshold_works": " (werken)",
        "clause_at": "gevonden: {location}",
        "clause_none": "geen ISV-clausule gevonden",
        "col_element": "Element",
        "col_status": "Status",
        "col_where": "Waar",
        "col_quote": "Geciteerde woorden",
        "col_reason": "Waarom terzijde",
        "found": "gevonden",
        "missing": "ontbreekt",
        "no_clause_elements": "Zonder clausule ontbreken alle {elements} elementen.",
        "decoys_intro": "Deze passages lijken op de ISV maar zijn het niet; ze tellen niet mee.",
        "decoys_none": "Geen passages terzijde gelegd.",
        "more_places": "en {n} andere plaats(en)",
        "actions_compliant": "Geen actie nodig: de clausule is volledig.",
        "actions_not_required": "Geen actie nodig. Het toepassen van de ISV blijft toegestaan en wordt aangemoedigd.",
        "actions_not_required_incomplete": "Geen actie verplicht. Wie de clausule toch volledig wil maken, kan deze tekst toevoegen:",
        "actions_missing": "Neem een ISV-clausule op in de contractvoorwaarden, als artikel of als bijlage \u201cInternationale Sociale Voorwaarden\u201d, met deze tekst per element:",
        "actions_incomplete": "Vul de clausule aan met de ontbrekende elementen:",
        "actions_needs_review": "Stel eerst vast of de ISV verplicht zijn ({gap}).",
        "actions_needs_review_then": "Zijn ze verplicht, voeg dan deze tekst toe:",
        "actions_clause_open": "Voeg nog geen tekst toe. Controleer de aanbesteding als geheel, met de bijlage of het bestand waarin de ISV-tekst staat (isv-check tender, of sleep alle bestanden tegelijk in de webpagina); ontbreekt er daarna iets, dan zegt die controle welke tekst u toevoegt.",
        "fact_tender": "Aanbesteding",
        "fact_files": "Bestanden",
        "files_count": "{n} bestand(en)",
        "files_unreadable": "{n} onleesbaar",
        "tender_files": "De bestanden van de aanbesteding",
        "tender_file_line": "{file} ({role}): {verdict} op zichzelf",
        "memo_title_tender": "ISV-toets aanbesteding",
        "actions_unreadable": "Lever een leesbare versie van het document aan (DOCX of een PDF met tekstlaag) en controleer opnieuw.",
        "where_clause": "Toevoegen aan de ISV-clausule: {location}",
        "where_conditions": "Toevoegen aan de contractvoorwaarden (nieuw artikel of nieuwe bijlage)",
        "model_wording": "Voorbeeldtekst",
        "wording_language": "tekst in de taal van het document",
        "sdg_intro": "Met de ISV toegepast draagt dit contract bij aan deze SDG-subdoelen:",
        "sdg_intro_after": "Zodra de ISV volledig zijn toegepast, draagt dit contract bij aan deze SDG-subdoelen:",
        "sdg_none": "Geen SDG-bijdrage: de ISV zijn niet van toepassing en niet toegepast.",
        "sdg_after_completion": "na aanvulling",
        "sdg_rationale_note": "De koppelingen staan in rules/sdg.yaml; ze zijn een afleiding uit de VN-doelteksten, geen officiële indeling.",
        "note_ocr": "Tekst is (deels) met OCR gelezen; controleer de citaten tegen de scan.",
        "note_warning": "Waarschuwing bij het lezen: {warning}",
        "footer": "Gemaakt door isv-checker {version} met regelset {ruleset}. De citaten verwijzen naar het gecontroleerde document.",
        # the marked-up copy
        "c_summary": "isv-checker: {sentence}",
        "c_summary_rules": "Regelset {ruleset}; isv-checker {version}.",
        "c_clause": "ISV-clausule: {found} van de {elements} elementen gevonden.",
        "c_clause_missing_list": "Ontbreekt: {names}.",
        "c_element": "ISV-element gevonden: {name}.",
        "c_decoy": "Terzijde gelegd, dit is geen ISV-clausule: {reason}",
        "c_missing_element": "Ontbrekend ISV-element: {name}. {where} Voorbeeldtekst om in te voegen:",
        "c_where_clause": "Voeg het toe aan de ISV-clausule.",
        "c_where_conditions": "Er is geen ISV-clausule: neem een artikel \u201cInternationale Sociale Voorwaarden\u201d op in de contractvoorwaarden.",
        "c_quote": "Geciteerd: \u201c{quote}\u201d ({location}).",
        "c_not_located": "Let op: de geciteerde woorden zijn niet precies teruggevonden; de opmerking staat bij de hele alinea.",
        "c_elsewhere": "Let op: dit staat in {location}; een opmerking kan daar niet staan, dus staat ze bij de eerste alinea.",
        "c_text_box": "Let op: dit staat in een tekstvak; de opmerking staat bij de alinea die het tekstvak bevat.",
        "c_paragraph_missing": "Let op: alinea {paragraph} is niet gevonden in dit document; de opmerking staat bij de eerste alinea.",
        # the SDG table
        "sdg_title": "Bijdrage van de ISV aan de SDG's",
        "sdg_title_year": "Bijdrage van de ISV aan de SDG's, {year}",
        "sdg_subtitle": "Voor de Jaarrapportage Bedrijfsvoering Rijk: contracten per SDG-subdoel en per ISV-categorie.",
        "h_by_target": "Per SDG-subdoel en categorie",
        "h_by_category": "Per categorie",
        "h_chart": "Aandeel verplichte contracten met een volledige clausule",
        "h_method": "Methode",
        "col_target": "SDG-subdoel",
        "col_category": "Categorie",
        "col_contracts": "Contracten",
        "col_required": "ISV verplicht",
        "col_complete": "Volledig toegepast",
        "col_incomplete": "Onvolledig toegepast",
        "col_missing": "Ontbreekt",
        "col_value": "Waarde (EUR)",
        "col_share": "Aandeel volledig",
        "total": "Totaal",
        "total_target": "Totaal {target}",
        "all_targets": "alle subdoelen",
        "no_category_row": "geen ISV-categorie",
        "more_files": "en {n} andere",
        "sheet_table": "SDG-tabel",
        "sheet_contracts": "Contracten",
        "col_file": "Bestand",
        "col_verdict": "Oordeel",
        "col_date": "Datum",
        "col_categories": "Categorieën",
        "col_targets": "SDG-subdoelen",
        "col_title": "Omschrijving",
        "chart_none_required": "geen verplichte contracten",
        "chart_empty": "Geen contracten om te tonen.",
        "m_counting": "Elk rapport telt als één contract. Geef per contract één formaat op: een contract dat als DOCX en als PDF is gecontroleerd, heeft twee verschillende sha256-waarden en telt anders twee keer. Identieke bestanden (gelijke sha256) tellen één keer.",
        "m_duplicates": "{n} rapport(en) van een bestand dat al was geteld (gelijke sha256) zijn overgeslagen.",
        "m_population": "Een contract hoort bij een subdoel als het dat subdoel bereikt zodra de ISV volledig zijn toegepast (volgens de koppelingen hieronder); daadwerkelijk bij draagt alleen wat volledig is toegepast. Contracten buiten de {categories} categorieën tellen alleen mee als ze toch een ISV-clausule hebben.",
        "m_rows": "Een contract in twee categorieën staat in beide categorierijen, maar telt één keer in het totaal van een subdoel en één keer in het eindtotaal.",
        "m_columns": "Verplicht: de ISV zijn verplicht volgens de regels (Rijksoverheid, risicocategorie, waarde op of boven de drempel). Volledig, onvolledig en ontbreekt tellen alleen verplichte contracten: de clausule staat erin met alle {elements} elementen, staat erin maar mist elementen, of ontbreekt. Aandeel volledig = volledig / verplicht.",
        "m_value": "Waarde: de som van de geraamde opdrachtwaarden (excl. btw) van de contracten in de rij; {n} contract(en) zonder vermelde waarde tellen als 0.",
        "m_value_all": "Waarde: de som van de geraamde opdrachtwaarden (excl. btw) van de contracten in de rij; alle contracten vermelden een waarde.",
        "m_voluntary": "{n} contract(en) zonder ISV-plicht passen de ISV toch toe (vrijwillig); ze staan in Contracten maar niet in Verplicht.",
        "m_year": "Jaar: alleen rapporten met een documentdatum in {year} tellen mee; {other} rapport(en) met een ander jaar zijn weggelaten.",
        "m_undated": "{n} rapport(en) zonder documentdatum tellen niet mee in de tabel: {files}.",
        "m_undated_none": "Alle rapporten hebben een documentdatum.",
        "m_undated_all_years": "Zonder jaarfilter tellen ook {n} rapport(en) zonder documentdatum mee.",
        "m_not_counted": "Niet geteld: {unreadable} onleesbare document(en) en {review} document(en) waarvoor handmatige beoordeling nodig is (needs_review).",
        "sdg_subtitle_tenders": "Voor de Jaarrapportage Bedrijfsvoering Rijk: aanbestedingen per SDG-subdoel en per ISV-categorie (geteld: aanbestedingen, niet bestanden).",
        "col_tenders": "Aanbestedingen",
        "sheet_tenders": "Aanbestedingen",
        "m_counting_tenders": "Geteld zijn aanbestedingen, geen bestanden: elke aanbesteding (een map of ZIP met haar documenten, als geheel beoordeeld met isv-check tender of batch --tenders) telt als één contract, met haar eigen oordeel en feiten. Dezelfde aanbesteding twee keer opgegeven (dezelfde bestanden) telt één keer; documenten buiten een aanbesteding tellen niet mee.",
        "m_duplicates_tenders": "{n} rapport(en) van een aanbesteding die al was geteld (dezelfde bestanden) zijn overgeslagen.",
        "m_not_counted_tenders": "Niet geteld: {review} aanbesteding(en) waarvoor handmatige beoordeling nodig is (needs_review).",
        "m_outside": "{n} contract(en) buiten de {categories} risicocategorieën zonder ISV-clausule zijn aan geen subdoel gekoppeld; ze tellen alleen in het eindtotaal.",
        "m_links": "Waar de koppelingen vandaan komen (rules/sdg.yaml; een afleiding uit de VN-doelteksten, geen officiële indeling):",
        "m_link_isv": "ISV toegepast, elke categorie",
        "m_link_element": "de clausule noemt het element {element}",
        "m_link_category": "categorie {category}",
        "m_inputs": "Invoer: {n} rapport(en) uit {files} bestand(en); regelset {ruleset}.",
    },
    "en": {
        "memo_title": "ISV check",
        "memo_subtitle": "International Social Conditions (ISV) in this tender",
        "fact_document": "Document",
        "fact_title": "Title",
        "fact_authority": "Contracting authority",
        "fact_date": "Document date",
        "fact_ruleset": "Ruleset",
        "fact_checker": "Checked with",
        "fact_memo_date": "Memo date",
        "unknown": "unknown",
        "not_recognised": "not recognised",
        "h_verdict": "Verdict",
        "h_why": "Why",
        "h_elements": "The {elements} elements of the ISV clause",
        "h_decoys": "Set aside",
        "h_actions": "What to do",
        "h_sdg": "Contribution to the SDGs",
        "h_notes": "Notes",
        "verdict_compliant": "Compliant",
        "verdict_incomplete": "Incomplete",
        "verdict_missing": "Missing",
        "verdict_required": "Required",
        "verdict_not_required": "Not required",
        "verdict_needs_review": "Needs review",
        "verdict_unreadable": "Could not be checked",
        "sentence_compliant": "ISV is mandatory for this tender and the clause is present and complete: it states all {elements} elements.",
        "sentence_incomplete": "ISV is mandatory for this tender; the clause is present but incomplete: {missing} of the {elements} elements are missing.",
        "sentence_incomplete_one": "ISV is mandatory for this tender; the clause is present but incomplete: one of the {elements} elements is missing.",
        "sentence_missing": "ISV is mandatory for this tender, but no ISV clause was found.",
        "sentence_not_required": "ISV is not mandatory for this tender.",
        "sentence_not_required_clause": "ISV is not mandatory for this tender; it does contain an ISV clause ({found} of the {elements} elements), which is allowed and encouraged.",
        "sentence_needs_review": "Whether ISV is mandatory cannot be decided: {gap}. Review this by hand.",
        "sentence_clause_open": "ISV is mandatory, but whether the clause is complete cannot be judged here: {why}.",
        "sentence_unreadable": "The document could not be checked ({status}).",
        "gap_authority": "the contracting authority was not recognised",
        "gap_value": "the document states no estimated value and its procedure says nothing about the threshold",
        "gap_date": "the document's date is unknown, and so is the threshold",
        "gap_other": "a fact needed to decide is missing",
        "why_category": "Category",
        "why_authority": "Authority",
        "why_value": "Value",
        "why_date": "Date and threshold",
        "why_procedure": "Procedure",
        "why_clause": "Clause",
        "no_category": "none of the {categories} ISV risk categories",
        "central": "central government: ISV mandatory from the threshold",
        "not_central": "not central government: ISV allowed, not mandatory",
        "authority_unknown": "not recognised in the document",
        "value_none": "no estimated contract value found",
        "value_above": "{value}: at or above the threshold of {threshold}",
        "value_below": "{value}: below the threshold of {threshold}",
        "value_no_threshold": "{value}; threshold unknown",
        "date_period": "{date}: threshold period {period}, threshold {threshold}{kind}",
        "date_none": "no date found: threshold period unknown",
        "date_no_period": "{date}: no threshold period in the rules",
        "threshold_central": " (supplies and services, central government)",
        "threshold_works": " (works)",
        "clause_at": "found: {location}",
        "clause_none": "no ISV clause found",
        "col_element": "Element",
        "col_status": "Status",
        "col_where": "Where",
        "col_quote": "Quoted words",
        "col_reason": "Why set aside",
        "found": "found",
        "missing": "missing",
        "no_clause_elements": "Without a clause all {elements} elements are missing.",
        "decoys_intro": "These passages look like ISV but are not; they do not count.",
        "decoys_none": "No passages were set aside.",
        "more_places": "and {n} other place(s)",
        "actions_compliant": "No action needed: the clause is complete.",
        "actions_not_required": "No action needed. Applying ISV remains allowed and encouraged.",
        "actions_not_required_incomplete": "No action required. To make the clause complete anyway, add this wording:",
        "actions_missing": "Add an ISV clause to the contract conditions, as an article or an annex \u201cInternational Social Conditions\u201d, with this wording for each element:",
        "actions_incomplete": "Complete the clause with the missing elements:",
        "actions_needs_review": "First establish whether ISV is mandatory ({gap}).",
        "actions_needs_review_then": "If it is, add this wording:",
        "actions_clause_open": "Do not add wording yet. Check the tender as a whole, with the annex or file that holds the ISV text (isv-check tender, or drop all the files at once on the web page); if anything is then missing, that check says which wording to add.",
        "fact_tender": "Tender",
        "fact_files": "Files",
        "files_count": "{n} file(s)",
        "files_unreadable": "{n} unreadable",
        "tender_files": "The tender's files",
        "tender_file_line": "{file} ({role}): {verdict} on its own",
        "memo_title_tender": "ISV check of a tender",
        "actions_unreadable": "Provide a readable version of the document (DOCX, or a PDF with a text layer) and check it again.",
        "where_clause": "Add to the ISV clause: {location}",
        "where_conditions": "Add to the contract conditions (a new article or annex)",
        "model_wording": "Model wording",
        "wording_language": "wording in the document's language",
        "sdg_intro": "With ISV applied, this contract contributes to these SDG targets:",
        "sdg_intro_after": "Once ISV is fully applied, this contract contributes to these SDG targets:",
        "sdg_none": "No SDG contribution: ISV is neither mandatory nor applied.",
        "sdg_after_completion": "after completion",
        "sdg_rationale_note": "The links are kept in rules/sdg.yaml; they are an inference from the UN target texts, not an official mapping.",
        "note_ocr": "Text was (partly) read by OCR; check the quotes against the scan.",
        "note_warning": "Warning while reading: {warning}",
        "footer": "Made by isv-checker {version} with ruleset {ruleset}. Quotes refer to the checked document.",
        "c_summary": "isv-checker: {sentence}",
        "c_summary_rules": "Ruleset {ruleset}; isv-checker {version}.",
        "c_clause": "ISV clause: {found} of the {elements} elements found.",
        "c_clause_missing_list": "Missing: {names}.",
        "c_element": "ISV element found: {name}.",
        "c_decoy": "Set aside, this is not an ISV clause: {reason}",
        "c_missing_element": "Missing ISV element: {name}. {where} Model wording to insert:",
        "c_where_clause": "Add it to the ISV clause.",
        "c_where_conditions": "There is no ISV clause: add an article \u201cInternational Social Conditions\u201d to the contract conditions.",
        "c_quote": "Quoted: \u201c{quote}\u201d ({location}).",
        "c_not_located": "Note: the quoted words were not found exactly; the comment is on the whole paragraph.",
        "c_elsewhere": "Note: this is in {location}, where a comment cannot go, so it is on the first paragraph.",
        "c_text_box": "Note: this is in a text box; the comment is on the paragraph that holds the text box.",
        "c_paragraph_missing": "Note: paragraph {paragraph} was not found in this document; the comment is on the first paragraph.",
        "sdg_title": "Contribution of ISV to the SDGs",
        "sdg_title_year": "Contribution of ISV to the SDGs, {year}",
        "sdg_subtitle": "For the annual operations report (Jaarrapportage Bedrijfsvoering Rijk): contracts per SDG target and per ISV category.",
        "h_by_target": "Per SDG target and category",
        "h_by_category": "Per category",
        "h_chart": "Share of required contracts with a complete clause",
        "h_method": "Method",
        "col_target": "SDG target",
        "col_category": "Category",
        "col_contracts": "Contracts",
        "col_required": "ISV required",
        "col_complete": "Applied completely",
        "col_incomplete": "Applied incompletely",
        "col_missing": "Missing",
        "col_value": "Value (EUR)",
        "col_share": "Share complete",
        "total": "Total",
        "total_target": "Total {target}",
        "all_targets": "all targets",
        "no_category_row": "no ISV category",
        "more_files": "and {n} more",
        "sheet_table": "SDG table",
        "sheet_contracts": "Contracts",
        "col_file": "File",
        "col_verdict": "Verdict",
        "col_date": "Date",
        "col_categories": "Categories",
        "col_targets": "SDG targets",
        "col_title": "Description",
        "chart_none_required": "no required contracts",
        "chart_empty": "No contracts to show.",
        "m_counting": "Each report counts as one contract. Pass one format per contract: a contract checked as DOCX and as PDF has two different sha256 values and would otherwise count twice. Identical files (same sha256) count once.",
        "m_duplicates": "{n} report(s) of a file already counted (same sha256) were skipped.",
        "m_population": "A contract belongs to a target when it reaches that target once ISV is fully applied (following the links below); only what is applied completely actually contributes. Contracts outside the {categories} categories count only when they carry an ISV clause anyway.",
        "m_rows": "A contract in two categories appears in both category rows, but counts once in a target's total and once in the grand total.",
        "m_columns": "Required: ISV is mandatory under the rules (central government, risk category, value at or above the threshold). Complete, incomplete and missing count required contracts only: the clause is there with all {elements} elements, is there but lacks elements, or is absent. Share complete = complete / required.",
        "m_value": "Value: the sum of the estimated contract values (excl. VAT) of the contracts in the row; {n} contract(s) without a stated value count as 0.",
        "m_value_all": "Value: the sum of the estimated contract values (excl. VAT) of the contracts in the row; every contract states a value.",
        "m_voluntary": "{n} contract(s) without an ISV obligation apply ISV anyway (voluntarily); they are in Contracts but not in Required.",
        "m_year": "Year: only reports with a document date in {year} count; {other} report(s) of another year were left out.",
        "m_undated": "{n} report(s) without a document date are not in the table: {files}.",
        "m_undated_none": "Every report has a document date.",
        "m_undated_all_years": "Without a year filter, {n} report(s) without a document date are counted too.",
        "m_not_counted": "Not counted: {unreadable} unreadable document(s) and {review} document(s) that need review by hand (needs_review).",
        "sdg_subtitle_tenders": "For the annual operations report (Jaarrapportage Bedrijfsvoering Rijk): tenders per SDG target and per ISV category (counted: tenders, not files).",
        "col_tenders": "Tenders",
        "sheet_tenders": "Tenders",
        "m_counting_tenders": "Counted: tenders, not files. Each tender (a folder or ZIP of its documents, judged as a whole by isv-check tender or batch --tenders) counts as one contract, with its own verdict and facts. The same tender given twice (the same files) counts once; documents outside any tender are not counted.",
        "m_duplicates_tenders": "{n} report(s) of a tender already counted (the same files) were skipped.",
        "m_not_counted_tenders": "Not counted: {review} tender(s) that need review by hand (needs_review).",
        "m_outside": "{n} contract(s) outside the {categories} risk categories without an ISV clause are linked to no target; they count in the grand total only.",
        "m_links": "Where the links come from (rules/sdg.yaml; an inference from the UN target texts, not an official mapping):",
        "m_link_isv": "ISV applied, any category",
        "m_link_element": "the clause states the element {element}",
        "m_link_category": "category {category}",
        "m_inputs": "Input: {n} report(s) from {files} file(s); ruleset {ruleset}.",
    },
}


def messages(lang: str, vocabulary: Vocabulary) -> dict[str, str]:
    """The phrases of one language with the ruleset's counts filled in; ValueError names the languages there are."""
    return with_counts(_catalogue(lang), lang, vocabulary)


def with_counts(phrases: dict[str, str], lang: str, vocabulary: Vocabulary) -> dict[str, str]:
    """`phrases` with `{elements}` and `{categories}` replaced by how many the ruleset declares, in words."""
    counts = {
        "{elements}": number_word(len(vocabulary.elements), lang),
        "{categories}": number_word(len(vocabulary.categories), lang),
    }
    out = {}
    for key, text in phrases.items():
        for placeholder, word in counts.items():
            text = text.replace(placeholder, word)
        out[key] = text
    return out


def _catalogue(lang: str) -> dict[str, str]:
    if lang not in MESSAGES:
        raise ValueError(f"language {lang!r} is not available; choose one of {', '.join(LANGUAGES)}")
    return MESSAGES[lang]


def format_eur(amount: float | None, lang: str) -> str:
    """EUR amounts as each language writes them: '€ 2.400.000' and 'EUR 2,400,000'."""
    if amount is None:
        return _catalogue(lang)["unknown"]
    whole = f"{round(amount):,}"
    return "€ " + whole.replace(",", ".") if lang == "nl" else "EUR " + whole


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_share(share: float | None, lang: str) -> str:
    """A share as a percentage with one decimal ('66,7%' / '66.7%'); '—' when there is nothing to divide."""
    if share is None:
        return "—"
    return format_number(share * 100, lang, 1) + "%"


def format_date(value: str | dt.date | None, lang: str) -> str:
    """'16 mei 2024' / '16 May 2024'; ISO text that does not parse is shown as it is."""
    if value is None:
        return _catalogue(lang)["unknown"]
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
    else:
        day = value
    return f"{day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


_LOCATION_WORDS = {
    "nl": (
        (re.compile(r"\btable (\d+) r(\d+) c(\d+)"), r"tabel \1, rij \2, kol. \3"),
        (re.compile(r"\bline (\d+)"), r"regel \1"),
        (re.compile(r"\bblock (\d+)"), r"blok \1"),
        (re.compile(r"\bheader\b"), "koptekst"),
        (re.compile(r"\bfooter\b"), "voettekst"),
        (re.compile(r"\bfootnote\b"), "voetnoot"),
        (re.compile(r"\btext box\b"), "tekstvak"),
    ),
    "en": ((re.compile(r"\btable (\d+) r(\d+) c(\d+)"), r"table \1, row \2, col. \3"),),
}


def location_label(location: str, lang: str) -> str:
    """A report's location label ('par. 17, table 1 r2 c1') in the words of `lang`."""
    for pattern, replacement in _LOCATION_WORDS.get(lang, ()):
        location = pattern.sub(replacement, location)
    return location
