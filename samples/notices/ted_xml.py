"""Writes a generated notice as TED XML, schema R2.0.9, the way TED published it from 2014 to 2023.

The structure follows real published notices: the TED_EXPORT wrapper with its TECHNICAL, LINKS,
CODED_DATA, TRANSLATION and FORM sections, and the forms F01_2014 (prior information, `NOTICE
TYPE="PRI_ONLY"`), F02_2014 (contract notice) and F03_2014 (contract award notice), as in the development
notices of OP-TED's ted-xml-data-converter (20-155018, 20-377805, 20-213571, 21-000061). An F03 names the
contract notice it follows twice, as TED does: `PROCEDURE/NOTICE_NUMBER_OJ` in the form and
`NOTICE_DATA/REF_NOTICE/NO_DOC_OJS` in the coded data.

R2.0.9 has no lot-level main CPV: a lot's codes are its `CPV_ADDITIONAL` elements, the lot's own code first.
"""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from xml.sax.saxutils import escape

from notice_buyers import REVIEW_BODIES
from notice_cpv import CPV_CODES
from notice_records import AWARD, CONTRACT, Lot, Notice, money

_ENGLISH = {c.code: c.words["en"] for c in CPV_CODES}
_COUNTRY_NAMES = {
    "NL": ("Netherlands", "Nederland"),
    "BE": ("Belgium", "Belgique"),
    "DE": ("Germany", "Deutschland"),
    "FR": ("France", "France"),
    "AT": ("Austria", "Österreich"),
    "IE": ("Ireland", "Ireland"),
    "LU": ("Luxembourg", "Luxembourg"),
    "FI": ("Finland", "Finland"),
}
_AUTHORITY_TYPES = {
    "MINISTRY": ("1", "Ministry or any other national or federal authority"),
    "NATIONAL_AGENCY": ("N", "National or federal Agency/Office"),
    "REGIONAL_AUTHORITY": ("3", "Regional or local authority"),
    "REGIONAL_AGENCY": ("R", "Regional or local Agency/Office"),
    "BODY_PUBLIC": ("6", "Body governed by public law"),
    "": ("8", "Other"),
}
# eForms authority-activity -> R2.0.9 CA_ACTIVITY and the CODIF main-activity code
_ACTIVITIES = {
    "gen-pub": ("GENERAL_PUBLIC_SERVICES", "S", "General public services"),
    "defence": ("DEFENCE", "D", "Defence"),
    "pub-os": ("PUBLIC_ORDER_AND_SAFETY", "L", "Public order and safety"),
    "env-pro": ("ENVIRONMENT", "E", "Environment"),
    "econ-aff": ("ECONOMIC_AND_FINANCIAL_AFFAIRS", "F", "Economic and financial affairs"),
    "health": ("HEALTH", "H", "Health"),
    "hc-am": ("HOUSING_AND_COMMUNITY_AMENITIES", "C", "Housing and community amenities"),
    "soc-pro": ("SOCIAL_PROTECTION", "Z", "Social protection"),
    "education": ("EDUCATION", "U", "Education"),
    "rcr": ("RECREATION_CULTURE_AND_RELIGION", "R", "Recreation, culture and religion"),
}
# eForms procedure type -> R2.0.9 element and CODIF code
_PROCEDURES = {
    "open": ("PT_OPEN", "1", "Open procedure"),
    "restricted": ("PT_RESTRICTED", "2", "Restricted procedure"),
    "neg-w-call": ("PT_COMPETITIVE_NEGOTIATION", "4", "Competitive procedure with negotiation"),
    "comp-dial": ("PT_COMPETITIVE_DIALOGUE", "C", "Competitive dialogue"),
}
_NATURES = {"works": ("1", "Works"), "supplies": ("2", "Supplies"), "services": ("4", "Services")}
_CRITERIA = {"nl": "Kwaliteit", "en": "Quality", "de": "Qualität", "fr": "Valeur technique"}
# form, TD_DOCUMENT_TYPE code and text, HEADING
_FORMS = {
    CONTRACT: ("F02", "3", "Contract notice", "01C02"),
    AWARD: ("F03", "7", "Contract award notice", "01D03"),
    "prior_information": ("F01", "0", "Prior information notice without call for competition", "01A01"),
}
_LINKS = """\
   <LINKS_SECTION>
      <XML_SCHEMA_DEFINITION_LINK xlink:type="simple" xlink:href="http://ted.europa.eu" xlink:title="TED WEBSITE"/>
      <OFFICIAL_FORMS_LINK xlink:type="simple" xlink:href="http://ted.europa.eu"/>
      <FORMS_LABELS_LINK xlink:type="simple" xlink:href="http://ted.europa.eu"/>
      <ORIGINAL_CPV_LINK xlink:type="simple" xlink:href="http://ted.europa.eu"/>
      <ORIGINAL_NUTS_LINK xlink:type="simple" xlink:href="http://ted.europa.eu"/>
   </LINKS_SECTION>
"""


def _day(d: date) -> str:
    return d.strftime("%Y%m%d")


def _p(text: str) -> str:
    return f"<P>{escape(text)}</P>"


def _version(published: date) -> str:
    """The schema release TED stamped on its export in that year."""
    if published.year <= 2020:
        return "R2.0.9.S03.E01"
    return "R2.0.9.S04.E01" if published.year == 2021 else "R2.0.9.S05.E01"


def _contracting_body(n: Notice) -> str:
    b = n.buyer
    domain = b.website.split("/")[2].removeprefix("www.")
    national_id = f"{zlib.crc32(b.name.encode('utf-8')) % 100_000_000:08d}"
    if b.ca_type:
        ca_type = f'<CA_TYPE VALUE="{b.ca_type}"/>'
    else:
        ca_type = f"<CA_TYPE_OTHER>{escape(b.ca_type_other)}</CA_TYPE_OTHER>"
    documents = ""
    if n.kind == CONTRACT:
        documents = f"""
            <DOCUMENT_FULL/>
            <URL_DOCUMENT>{escape(b.website)}/tenders/{escape(n.reference)}</URL_DOCUMENT>"""
    further = "" if n.kind == AWARD else "\n            <ADDRESS_FURTHER_INFO_IDEM/>"
    participation = ""
    if n.kind == CONTRACT:
        participation = (
            f"\n            <URL_PARTICIPATION>{escape(b.website)}/tenders/{escape(n.reference)}</URL_PARTICIPATION>"
        )
    return f"""\
         <CONTRACTING_BODY>
            <ADDRESS_CONTRACTING_BODY>
               <OFFICIALNAME>{escape(b.name)}</OFFICIALNAME>
               <NATIONALID>{national_id}</NATIONALID>
               <ADDRESS>{escape(b.street)}</ADDRESS>
               <TOWN>{escape(b.town)}</TOWN>
               <POSTAL_CODE>{escape(b.postal_code)}</POSTAL_CODE>
               <COUNTRY VALUE="{b.country}"/>
               <E_MAIL>inkoop@{domain}</E_MAIL>
               <n2016:NUTS CODE="{b.nuts}"/>
               <URL_GENERAL>{escape(b.website)}</URL_GENERAL>
            </ADDRESS_CONTRACTING_BODY>{documents}{further}{participation}
            {ca_type}
            <CA_ACTIVITY VALUE="{_ACTIVITIES[b.activity][0]}"/>
         </CONTRACTING_BODY>
"""


def _object_descr(n: Notice, lot: Lot, item: int) -> str:
    # a notice without lots states its main code once, in CPV_MAIN; its object lists the other codes
    codes = lot.cpv if lot.id else lot.cpv[1:]
    additional = "".join(
        f"""
               <CPV_ADDITIONAL>
                  <CPV_CODE CODE="{code}"/>
               </CPV_ADDITIONAL>"""
        for code in codes
    )
    head = ""
    if lot.id:
        head = f"""
               <TITLE>
                  {_p(lot.title)}
               </TITLE>
               <LOT_NO>{lot.id}</LOT_NO>"""
    criteria = ""
    value = ""
    tail = ""
    if n.kind != "prior_information":
        criteria = f"""
               <AC>
                  <AC_QUALITY>
                     <AC_CRITERION>{_CRITERIA[n.buyer.language]}</AC_CRITERION>
                     <AC_WEIGHTING>60</AC_WEIGHTING>
                  </AC_QUALITY>
                  <AC_PRICE>
                     <AC_WEIGHTING>40</AC_WEIGHTING>
                  </AC_PRICE>
               </AC>"""
    if n.kind == CONTRACT:
        if lot.value is not None:
            value = f'\n               <VAL_OBJECT CURRENCY="EUR">{money(lot.value, decimals=True)}</VAL_OBJECT>'
        tail = f"""
               <DURATION TYPE="MONTH">{n.duration_months}</DURATION>
               <NO_RENEWAL/>
               <NO_ACCEPTED_VARIANTS/>"""
    elif n.kind == "prior_information" and lot.value is not None:
        value = f'\n               <VAL_OBJECT CURRENCY="EUR">{money(lot.value, decimals=True)}</VAL_OBJECT>'
    closing = ""
    if n.kind != "prior_information":
        closing = """
               <NO_OPTIONS/>
               <NO_EU_PROGR_RELATED/>"""
    return f"""\
            <OBJECT_DESCR ITEM="{item}">{head}{additional}
               <n2016:NUTS CODE="{n.buyer.nuts}"/>
               <MAIN_SITE>
                  {_p(n.buyer.town)}
               </MAIN_SITE>
               <SHORT_DESCR>
                  {_p(lot.title + ".")}
               </SHORT_DESCR>{criteria}{value}{tail}{closing}
            </OBJECT_DESCR>
"""


def _object_contract(n: Notice) -> str:
    form = _FORMS[n.kind][0]
    item = ' ITEM="1"' if form == "F01" else ""
    reference = "" if form == "F01" else f"\n            <REFERENCE_NUMBER>{escape(n.reference)}</REFERENCE_NUMBER>"
    total = ""
    if form == "F03":
        awarded = sum(lot.awarded or 0 for lot in n.lots)
        total = f'\n            <VAL_TOTAL CURRENCY="EUR">{money(awarded, decimals=True)}</VAL_TOTAL>'
    elif n.value is not None:
        total = (
            f'\n            <VAL_ESTIMATED_TOTAL CURRENCY="EUR">{money(n.value, decimals=True)}</VAL_ESTIMATED_TOTAL>'
        )
    if n.lots[0].id:
        division = (
            "<LOT_DIVISION>\n               <LOT_ALL/>\n            </LOT_DIVISION>"
            if form == "F02"
            else "<LOT_DIVISION/>"
        )
    else:
        division = "<NO_LOT_DIVISION/>"
    objects = "".join(_object_descr(n, lot, i) for i, lot in enumerate(n.lots, 1))
    publication = ""
    if form == "F01":
        publication = f"            <DATE_PUBLICATION_NOTICE>{n.publication.isoformat()}</DATE_PUBLICATION_NOTICE>\n"
    return f"""\
         <OBJECT_CONTRACT{item}>
            <TITLE>
               {_p(n.title)}
            </TITLE>{reference}
            <CPV_MAIN>
               <CPV_CODE CODE="{n.cpv_main}"/>
            </CPV_MAIN>
            <TYPE_CONTRACT CTYPE="{n.contract_type.upper()}"/>
            <SHORT_DESCR>
               {_p(n.description)}
            </SHORT_DESCR>{total}
            {division}
{objects}{publication}\
         </OBJECT_CONTRACT>
"""


def _procedure(n: Notice) -> str:
    form = _FORMS[n.kind][0]
    if form == "F01":
        return (
            "         <LEFTI/>\n         <PROCEDURE>\n            <NO_CONTRACT_COVERED_GPA/>\n         </PROCEDURE>\n"
        )
    element = _PROCEDURES[n.procedure_type][0]
    framework = "\n            <FRAMEWORK/>" if n.framework and form == "F03" else ""
    if n.framework and form == "F02":
        framework = "\n            <FRAMEWORK>\n               <SEVERAL_OPERATORS/>\n            </FRAMEWORK>"
    if form == "F03":
        return f"""\
         <PROCEDURE>
            <{element}/>{framework}
            <CONTRACT_COVERED_GPA/>
            <NOTICE_NUMBER_OJ>{n.refers_to}</NOTICE_NUMBER_OJ>
         </PROCEDURE>
"""
    deadline = n.dispatch + timedelta(days=36)
    language = n.buyer.language.upper()
    return f"""\
         <LEFTI>
            <SUITABILITY>
               {_p("Zie aanbestedingsdocumenten." if n.buyer.language == "nl" else "See the procurement documents.")}
            </SUITABILITY>
            <ECONOMIC_CRITERIA_DOC/>
            <TECHNICAL_CRITERIA_DOC/>
         </LEFTI>
         <PROCEDURE>
            <{element}/>{framework}
            <CONTRACT_COVERED_GPA/>
            <DATE_RECEIPT_TENDERS>{deadline.isoformat()}</DATE_RECEIPT_TENDERS>
            <TIME_RECEIPT_TENDERS>12:00</TIME_RECEIPT_TENDERS>
            <LANGUAGES>
               <LANGUAGE VALUE="{language}"/>
            </LANGUAGES>
            <OPENING_CONDITION>
               <DATE_OPENING_TENDERS>{deadline.isoformat()}</DATE_OPENING_TENDERS>
               <TIME_OPENING_TENDERS>12:01</TIME_OPENING_TENDERS>
            </OPENING_CONDITION>
         </PROCEDURE>
"""


def _awards(n: Notice) -> str:
    parts = []
    conclusion = n.dispatch - timedelta(days=21)
    for i, lot in enumerate(n.lots, 1):
        assert lot.winner is not None and lot.awarded is not None
        lot_no = f"\n            <LOT_NO>{lot.id}</LOT_NO>" if lot.id else ""
        estimate = ""
        if lot.value is not None:
            estimate = f'\n                  <VAL_ESTIMATED_TOTAL CURRENCY="EUR">{money(lot.value, decimals=True)}</VAL_ESTIMATED_TOTAL>'
        sme = "SME" if zlib.crc32(lot.winner.name.encode("utf-8")) % 2 else "NO_SME"
        parts.append(f"""\
         <AWARD_CONTRACT ITEM="{i}">
            <CONTRACT_NO>{escape(n.reference)}-{i}</CONTRACT_NO>{lot_no}
            <TITLE>
               {_p(lot.title)}
            </TITLE>
            <AWARDED_CONTRACT>
               <DATE_CONCLUSION_CONTRACT>{conclusion.isoformat()}</DATE_CONCLUSION_CONTRACT>
               <TENDERS>
                  <NB_TENDERS_RECEIVED>{lot.tenders}</NB_TENDERS_RECEIVED>
               </TENDERS>
               <CONTRACTORS>
                  <NO_AWARDED_TO_GROUP/>
                  <CONTRACTOR>
                     <ADDRESS_CONTRACTOR>
                        <OFFICIALNAME>{escape(lot.winner.name)}</OFFICIALNAME>
                        <TOWN>{escape(lot.winner.town)}</TOWN>
                        <COUNTRY VALUE="{lot.winner.country}"/>
                        <n2016:NUTS CODE="{lot.winner.nuts}"/>
                     </ADDRESS_CONTRACTOR>
                     <{sme}/>
                  </CONTRACTOR>
               </CONTRACTORS>
               <VALUES>{estimate}
                  <VAL_TOTAL CURRENCY="EUR">{money(lot.awarded, decimals=True)}</VAL_TOTAL>
               </VALUES>
            </AWARDED_CONTRACT>
         </AWARD_CONTRACT>
""")
    return "".join(parts)


def _complementary(n: Notice) -> str:
    review = ""
    if n.kind != "prior_information":
        name, town, postal, _ = REVIEW_BODIES[n.buyer.country]
        review = f"""
            <ADDRESS_REVIEW_BODY>
               <OFFICIALNAME>{escape(name)}</OFFICIALNAME>
               <TOWN>{escape(town)}</TOWN>
               <POSTAL_CODE>{escape(postal)}</POSTAL_CODE>
               <COUNTRY VALUE="{n.buyer.country}"/>
            </ADDRESS_REVIEW_BODY>"""
    recurrent = "\n            <NO_RECURRENT_PROCUREMENT/>" if n.kind == CONTRACT else ""
    return f"""\
         <COMPLEMENTARY_INFO>{recurrent}{review}
            <DATE_DISPATCH_NOTICE>{n.dispatch.isoformat()}</DATE_DISPATCH_NOTICE>
         </COMPLEMENTARY_INFO>
"""


def _coded_data(n: Notice) -> str:
    b = n.buyer
    form, doc_code, doc_text, heading = _FORMS[n.kind]
    language = b.language.upper()
    doc_id = f"{n.number:06d}-{n.publication.year}"
    codes = (n.cpv_main, *n.cpv_additional)
    original_cpv = "".join(
        f'\n         <ORIGINAL_CPV CODE="{code}">{escape(_ENGLISH[code])}</ORIGINAL_CPV>' for code in codes
    )
    region = _COUNTRY_NAMES[b.country][0].upper()
    values = ""
    if form == "F03":
        awarded = sum(lot.awarded or 0 for lot in n.lots)
        values = f'\n         <VALUES>\n            <VALUE TYPE="PROCUREMENT_TOTAL" CURRENCY="EUR">{money(awarded, decimals=True)}</VALUE>\n         </VALUES>'
    elif n.value is not None:
        values = f'\n         <VALUES>\n            <VALUE TYPE="ESTIMATED_TOTAL" CURRENCY="EUR">{money(n.value, decimals=True)}</VALUE>\n         </VALUES>'
    tenderer_nuts = ""
    reference = ""
    if form == "F03":
        nuts = sorted({lot.winner.nuts for lot in n.lots if lot.winner is not None})
        tenderer_nuts = "".join(f'\n         <n2016:TENDERER_NUTS CODE="{code}"/>' for code in nuts)
        reference = (
            f"\n         <REF_NOTICE>\n            <NO_DOC_OJS>{n.refers_to}</NO_DOC_OJS>\n         </REF_NOTICE>"
        )
    submission = ""
    if form == "F02":
        deadline = n.dispatch + timedelta(days=36)
        submission = f"\n         <DT_DATE_FOR_SUBMISSION>{_day(deadline)} 12:00</DT_DATE_FOR_SUBMISSION>"
    authority = _AUTHORITY_TYPES[b.ca_type]
    activity = _ACTIVITIES[b.activity]
    nature = _NATURES[n.contract_type]
    if form == "F01":
        procedure = ("9", "Not applicable")
    else:
        procedure = _PROCEDURES[n.procedure_type][1:]
    bid = ("1", "Submission for all lots") if form == "F02" and n.lots[0].id else ("9", "Not applicable")
    award_criteria = ("9", "Not applicable") if form == "F01" else ("2", "The most economic tender")
    return f"""\
   <CODED_DATA_SECTION>
      <REF_OJS>
         <COLL_OJ>S</COLL_OJ>
         <NO_OJ>{n.issue}</NO_OJ>
         <DATE_PUB>{_day(n.publication)}</DATE_PUB>
      </REF_OJS>
      <NOTICE_DATA>
         <NO_DOC_OJS>{n.publication_id}</NO_DOC_OJS>
         <URI_LIST>
            <URI_DOC LG="{language}">http://ted.europa.eu/udl?uri=TED:NOTICE:{doc_id}:TEXT:{language}:HTML</URI_DOC>
         </URI_LIST>
         <LG_ORIG>{language}</LG_ORIG>
         <ISO_COUNTRY VALUE="{b.country}"/>
         <IA_URL_GENERAL>{escape(b.website)}</IA_URL_GENERAL>{original_cpv}
         <n2016:PERFORMANCE_NUTS CODE="{b.nuts}">{region}</n2016:PERFORMANCE_NUTS>
         <n2016:CA_CE_NUTS CODE="{b.nuts}">{region}</n2016:CA_CE_NUTS>{tenderer_nuts}{values}{reference}
      </NOTICE_DATA>
      <CODIF_DATA>
         <DS_DATE_DISPATCH>{_day(n.dispatch)}</DS_DATE_DISPATCH>{submission}
         <AA_AUTHORITY_TYPE CODE="{authority[0]}">{authority[1]}</AA_AUTHORITY_TYPE>
         <TD_DOCUMENT_TYPE CODE="{doc_code}">{doc_text}</TD_DOCUMENT_TYPE>
         <NC_CONTRACT_NATURE CODE="{nature[0]}">{nature[1]}</NC_CONTRACT_NATURE>
         <PR_PROC CODE="{procedure[0]}">{procedure[1]}</PR_PROC>
         <RP_REGULATION CODE="4">European Union</RP_REGULATION>
         <TY_TYPE_BID CODE="{bid[0]}">{bid[1]}</TY_TYPE_BID>
         <AC_AWARD_CRIT CODE="{award_criteria[0]}">{award_criteria[1]}</AC_AWARD_CRIT>
         <MA_MAIN_ACTIVITIES CODE="{activity[1]}">{activity[2]}</MA_MAIN_ACTIVITIES>
         <HEADING>{heading}</HEADING>
         <INITIATOR>01</INITIATOR>
      </CODIF_DATA>
   </CODED_DATA_SECTION>
"""


def render(n: Notice) -> bytes:
    b = n.buyer
    form = _FORMS[n.kind][0]
    language = b.language.upper()
    english, native = _COUNTRY_NAMES[b.country]
    titles = [("EN", english, n.title if b.language == "en" else n.title_en)]
    if b.language != "en":
        titles.append((language, native, n.title))
    ml_titles = "".join(
        f"""\
         <ML_TI_DOC LG="{lg}">
            <TI_CY>{escape(country)}</TI_CY>
            <TI_TOWN>{escape(b.town)}</TI_TOWN>
            <TI_TEXT>
               {_p(title)}
            </TI_TEXT>
         </ML_TI_DOC>
"""
        for lg, country, title in sorted(titles)
    )
    notice_type = '\n         <NOTICE TYPE="PRI_ONLY"/>' if form == "F01" else ""
    awards = _awards(n) if form == "F03" else ""
    reception = f"{n.dispatch.year % 100:02d}-{(n.number * 7919) % 1_000_000:06d}-001"
    xml = f"""\
<?xml version="1.0" encoding="UTF-8"?>
<TED_EXPORT xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xmlns="http://publications.europa.eu/resource/schema/ted/R2.0.9/publication" \
xmlns:n2016="http://publications.europa.eu/resource/schema/ted/2016/nuts" \
xsi:schemaLocation="http://publications.europa.eu/resource/schema/ted/R2.0.9/publication TED_EXPORT.xsd" \
VERSION="{_version(n.publication)}" DOC_ID="{n.number:06d}-{n.publication.year}" EDITION="{n.publication.year}{n.issue:03d}">
   <TECHNICAL_SECTION>
      <RECEPTION_ID>{reception}</RECEPTION_ID>
      <DELETION_DATE>{_day(n.publication + timedelta(days=60))}</DELETION_DATE>
      <FORM_LG_LIST>{language} </FORM_LG_LIST>
   </TECHNICAL_SECTION>
{_LINKS}{_coded_data(n)}\
   <TRANSLATION_SECTION>
      <ML_TITLES>
{ml_titles}\
      </ML_TITLES>
      <ML_AA_NAMES>
         <AA_NAME LG="{language}">{escape(b.name)}</AA_NAME>
      </ML_AA_NAMES>
   </TRANSLATION_SECTION>
   <FORM_SECTION>
      <{form}_2014 CATEGORY="ORIGINAL" FORM="{form}" LG="{language}">
         <LEGAL_BASIS VALUE="32014L0024"/>{notice_type}
{_contracting_body(n)}{_object_contract(n)}{_procedure(n)}{awards}{_complementary(n)}\
      </{form}_2014>
   </FORM_SECTION>
</TED_EXPORT>
"""
    return xml.encode("utf-8")
