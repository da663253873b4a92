"""Writes a generated notice as eForms XML (UBL 2.3 with the eForms extension, eForms SDK 1.x).

The structure follows the official example notices of the OP-TED eForms SDK (examples/notices/
cn_24_minimal.xml, can_24_minimal.xml, pin-only_24.xml and pin-only_24_lots.xml): the same namespaces, the
same element order as the SDK's XSD (schemas/maindoc/UBL-*-2.3.xsd), the same code lists (notice-subtype
16, 29 and 4 of the general directive; buyer-legal-type, contract-nature, procurement-procedure-type,
strategic-procurement) and the publication block TED adds (efac:Publication). Published notices carry
that block, so every member has a publication number and date, as in a TED bulk package.

Plain string templates rather than an XML builder: a bulk package of 10,000 notices has to be written in
seconds. Every text that comes from a record is escaped.
"""

from __future__ import annotations

import zlib
from datetime import date
from xml.sax.saxutils import escape

from notice_buyers import ALPHA3, REVIEW_BODIES
from notice_records import AWARD, CONTRACT, PRIOR_INFORMATION, Lot, Notice, Supplier, money

_NS = (
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" '
    'xmlns:efac="http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1" '
    'xmlns:efbc="http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1" '
    'xmlns:efext="http://data.europa.eu/p27/eforms-ubl-extensions/1" '
    'xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"'
)
# root element, notice type list, notice type, notice subtype (general directive)
_KINDS = {
    CONTRACT: ("ContractNotice", "competition", "cn-standard", "16"),
    AWARD: ("ContractAwardNotice", "result", "can-standard", "29"),
    PRIOR_INFORMATION: ("PriorInformationNotice", "planning", "pin-only", "4"),
}
_LANGUAGES = {"nl": "NLD", "en": "ENG", "de": "DEU", "fr": "FRA"}
_CRITERIA = {
    "nl": ("Kwaliteit", "Prijs"),
    "en": ("Quality", "Price"),
    "de": ("Qualität", "Preis"),
    "fr": ("Valeur technique", "Prix"),
}
_ESENDER_NL = ("TenderNed", "Den Haag", "2595 AL", "NL332", "https://www.tenderned.nl")


def _zone(country: str, day: date) -> str:
    """The UTC offset a national eSender writes: summer time from April to October."""
    summer = 4 <= day.month <= 10
    if country == "IE":
        return "+01:00" if summer else "Z"
    if country == "FI":
        return "+03:00" if summer else "+02:00"
    return "+02:00" if summer else "+01:00"


def _company_id(name: str) -> str:
    return f"{zlib.crc32(name.encode('utf-8')) % 100_000_000:08d}"


def _organization(
    org_id: str, name: str, language: str, town: str, postal: str, nuts: str, country: str, extra: str = ""
) -> str:
    return f"""\
            <efac:Organization>
              <efac:Company>{extra}
                <cac:PartyIdentification>
                  <cbc:ID schemeName="organization">{org_id}</cbc:ID>
                </cac:PartyIdentification>
                <cac:PartyName>
                  <cbc:Name languageID="{language}">{escape(name)}</cbc:Name>
                </cac:PartyName>
                <cac:PostalAddress>
                  <cbc:CityName>{escape(town)}</cbc:CityName>
                  <cbc:PostalZone>{escape(postal)}</cbc:PostalZone>
                  <cbc:CountrySubentityCode listName="nuts">{nuts}</cbc:CountrySubentityCode>
                  <cac:Country>
                    <cbc:IdentificationCode listName="country">{ALPHA3.get(country, country)}</cbc:IdentificationCode>
                  </cac:Country>
                </cac:PostalAddress>
                <cac:PartyLegalEntity>
                  <cbc:CompanyID>{_company_id(name)}</cbc:CompanyID>
                </cac:PartyLegalEntity>
              </efac:Company>
            </efac:Organization>
"""


def _organizations(n: Notice, language: str) -> str:
    b = n.buyer
    domain = b.website.split("/")[2].removeprefix("www.")
    buyer_extra = f"\n                <cbc:WebsiteURI>{escape(b.website)}</cbc:WebsiteURI>"
    buyer = _organization("ORG-0001", b.name, language, b.town, b.postal_code, b.nuts, b.country, buyer_extra)
    buyer = buyer.replace(
        "<cbc:CityName>",
        f"<cbc:StreetName>{escape(b.street)}</cbc:StreetName>\n                  <cbc:CityName>",
        1,
    ).replace(
        "              </efac:Company>",
        f"""\
                <cac:Contact>
                  <cbc:ElectronicMail>inkoop@{domain}</cbc:ElectronicMail>
                </cac:Contact>
              </efac:Company>""",
        1,
    )
    review = REVIEW_BODIES[b.country]
    parts = [buyer, _organization("ORG-0002", review[0], language, review[1], review[2], review[3], b.country)]
    if b.country == "NL":
        e = _ESENDER_NL
        parts.append(_organization("ORG-0003", e[0], language, e[1], e[2], e[3], "NL"))
    for i, supplier in enumerate(_winners(n)):
        size = ("small", "medium", "large")[zlib.crc32(supplier.name.encode("utf-8")) % 3]
        extra = (
            f'\n                <efbc:CompanySizeCode listName="economic-operator-size">{size}</efbc:CompanySizeCode>'
        )
        parts.append(
            _organization(
                f"ORG-{i + 4:04d}", supplier.name, language, supplier.town, "", supplier.nuts, supplier.country, extra
            ).replace("                  <cbc:PostalZone></cbc:PostalZone>\n", "")
        )
    return "".join(parts)


def _winners(n: Notice) -> list[Supplier]:
    seen: list[Supplier] = []
    for lot in n.lots:
        if lot.winner is not None and lot.winner not in seen:
            seen.append(lot.winner)
    return seen


def _notice_result(n: Notice) -> str:
    winners = _winners(n)
    total = sum(lot.awarded or 0 for lot in n.lots)
    results, tenders, contracts, parties = [], [], [], []
    for i, lot in enumerate(n.lots, 1):
        assert lot.winner is not None and lot.awarded is not None
        results.append(f"""\
            <efac:LotResult>
              <cbc:ID schemeName="result">RES-{i:04d}</cbc:ID>
              <cbc:TenderResultCode listName="winner-selection-status">selec-w</cbc:TenderResultCode>
              <efac:LotTender>
                <cbc:ID schemeName="tender">TEN-{i:04d}</cbc:ID>
              </efac:LotTender>
              <efac:ReceivedSubmissionsStatistics>
                <efbc:StatisticsCode listName="received-submission-type">tenders</efbc:StatisticsCode>
                <efbc:StatisticsNumeric>{lot.tenders}</efbc:StatisticsNumeric>
              </efac:ReceivedSubmissionsStatistics>
              <efac:SettledContract>
                <cbc:ID schemeName="contract">CON-{i:04d}</cbc:ID>
              </efac:SettledContract>
              <efac:TenderLot>
                <cbc:ID schemeName="Lot">{lot.id}</cbc:ID>
              </efac:TenderLot>
            </efac:LotResult>
""")
        party = winners.index(lot.winner) + 1
        tenders.append(f"""\
            <efac:LotTender>
              <cbc:ID schemeName="tender">TEN-{i:04d}</cbc:ID>
              <cbc:RankCode>1</cbc:RankCode>
              <cac:LegalMonetaryTotal>
                <cbc:PayableAmount currencyID="EUR">{money(lot.awarded)}</cbc:PayableAmount>
              </cac:LegalMonetaryTotal>
              <efac:TenderingParty>
                <cbc:ID schemeName="tendering-party">TPA-{party:04d}</cbc:ID>
              </efac:TenderingParty>
              <efac:TenderLot>
                <cbc:ID schemeName="Lot">{lot.id}</cbc:ID>
              </efac:TenderLot>
            </efac:LotTender>
""")
        contracts.append(f"""\
            <efac:SettledContract>
              <cbc:ID schemeName="contract">CON-{i:04d}</cbc:ID>
              <cbc:IssueDate>{n.dispatch.isoformat()}{_zone(n.buyer.country, n.dispatch)}</cbc:IssueDate>
              <efac:ContractReference>
                <cbc:ID>{escape(n.reference)}-{i}</cbc:ID>
              </efac:ContractReference>
              <efac:LotTender>
                <cbc:ID schemeName="tender">TEN-{i:04d}</cbc:ID>
              </efac:LotTender>
            </efac:SettledContract>
""")
    for i, _ in enumerate(winners, 1):
        parties.append(f"""\
            <efac:TenderingParty>
              <cbc:ID schemeName="tendering-party">TPA-{i:04d}</cbc:ID>
              <efac:Tenderer>
                <cbc:ID schemeName="organization">ORG-{i + 3:04d}</cbc:ID>
              </efac:Tenderer>
            </efac:TenderingParty>
""")
    return f"""\
          <efac:NoticeResult>
            <cbc:TotalAmount currencyID="EUR">{money(total)}</cbc:TotalAmount>
{"".join(results)}{"".join(tenders)}{"".join(contracts)}{"".join(parties)}\
          </efac:NoticeResult>
"""


def _location(n: Notice, depth: str) -> str:
    return f"""\
{depth}<cac:RealizedLocation>
{depth}  <cac:Address>
{depth}    <cbc:CountrySubentityCode listName="nuts">{n.buyer.nuts}</cbc:CountrySubentityCode>
{depth}    <cac:Country>
{depth}      <cbc:IdentificationCode listName="country">{ALPHA3[n.buyer.country]}</cbc:IdentificationCode>
{depth}    </cac:Country>
{depth}  </cac:Address>
{depth}</cac:RealizedLocation>
"""


def _amount(cents: int | None, depth: str) -> str:
    if cents is None:
        return ""
    return f"""\
{depth}<cac:RequestedTenderTotal>
{depth}  <cbc:EstimatedOverallContractAmount currencyID="EUR">{money(cents)}</cbc:EstimatedOverallContractAmount>
{depth}</cac:RequestedTenderTotal>
"""


def _classification(codes: tuple[str, ...], depth: str) -> str:
    main, *additional = codes
    parts = [
        f"""\
{depth}<cac:MainCommodityClassification>
{depth}  <cbc:ItemClassificationCode listName="cpv">{main}</cbc:ItemClassificationCode>
{depth}</cac:MainCommodityClassification>
"""
    ]
    for code in additional:
        parts.append(f"""\
{depth}<cac:AdditionalCommodityClassification>
{depth}  <cbc:ItemClassificationCode listName="cpv">{code}</cbc:ItemClassificationCode>
{depth}</cac:AdditionalCommodityClassification>
""")
    return "".join(parts)


def _lot(n: Notice, lot: Lot, index: int, language: str) -> str:
    zone = _zone(n.buyer.country, n.dispatch)
    scheme = "Part" if n.kind == PRIOR_INFORMATION else "Lot"
    if n.kind == CONTRACT:
        deadline = date.fromordinal(n.dispatch.toordinal() + 36)
        framework = "fa-wo-rc" if n.framework else "none"
        quality, price = _CRITERIA[n.buyer.language]
        terms = f"""\
    <cac:TenderingTerms>
      <cbc:VariantConstraintCode listName="permission">not-allowed</cbc:VariantConstraintCode>
      <cbc:FundingProgramCode listName="eu-funded">no-eu-funds</cbc:FundingProgramCode>
      <cac:CallForTendersDocumentReference>
        <cbc:ID>{escape(n.reference)}</cbc:ID>
        <cbc:DocumentType>non-restricted-document</cbc:DocumentType>
        <cac:Attachment>
          <cac:ExternalReference>
            <cbc:URI>{escape(n.buyer.website)}/tenders/{escape(n.reference)}</cbc:URI>
          </cac:ExternalReference>
        </cac:Attachment>
      </cac:CallForTendersDocumentReference>
      <cac:TendererQualificationRequest>
        <cac:SpecificTendererRequirement>
          <cbc:TendererRequirementTypeCode listName="reserved-procurement">none</cbc:TendererRequirementTypeCode>
        </cac:SpecificTendererRequirement>
      </cac:TendererQualificationRequest>
      <cac:ContractExecutionRequirement>
        <cbc:ExecutionRequirementCode listName="reserved-execution">no</cbc:ExecutionRequirementCode>
      </cac:ContractExecutionRequirement>
      <cac:AwardingTerms>
        <cac:AwardingCriterion>
          <cac:SubordinateAwardingCriterion>
            <cbc:AwardingCriterionTypeCode listName="award-criterion-type">quality</cbc:AwardingCriterionTypeCode>
            <cbc:Description languageID="{language}">{quality}</cbc:Description>
          </cac:SubordinateAwardingCriterion>
          <cac:SubordinateAwardingCriterion>
            <cbc:AwardingCriterionTypeCode listName="award-criterion-type">price</cbc:AwardingCriterionTypeCode>
            <cbc:Description languageID="{language}">{price}</cbc:Description>
          </cac:SubordinateAwardingCriterion>
        </cac:AwardingCriterion>
      </cac:AwardingTerms>
      <cac:TenderRecipientParty>
        <cac:PartyIdentification>
          <cbc:ID schemeName="organization">ORG-0001</cbc:ID>
        </cac:PartyIdentification>
      </cac:TenderRecipientParty>
      <cac:TenderValidityPeriod>
        <cbc:DurationMeasure unitCode="MONTH">3</cbc:DurationMeasure>
      </cac:TenderValidityPeriod>
      <cac:AppealTerms>
        <cac:AppealReceiverParty>
          <cac:PartyIdentification>
            <cbc:ID schemeName="organization">ORG-0002</cbc:ID>
          </cac:PartyIdentification>
        </cac:AppealReceiverParty>
      </cac:AppealTerms>
      <cac:Language>
        <cbc:ID>{language}</cbc:ID>
      </cac:Language>
    </cac:TenderingTerms>
    <cac:TenderingProcess>
      <cbc:SubmissionMethodCode listName="esubmission">required</cbc:SubmissionMethodCode>
      <cbc:GovernmentAgreementConstraintIndicator>true</cbc:GovernmentAgreementConstraintIndicator>
      <cac:TenderSubmissionDeadlinePeriod>
        <cbc:EndDate>{deadline.isoformat()}{zone}</cbc:EndDate>
        <cbc:EndTime>12:00:00{zone}</cbc:EndTime>
      </cac:TenderSubmissionDeadlinePeriod>
      <cac:AuctionTerms>
        <cbc:AuctionConstraintIndicator>false</cbc:AuctionConstraintIndicator>
      </cac:AuctionTerms>
      <cac:ContractingSystem>
        <cbc:ContractingSystemTypeCode listName="framework-agreement">{framework}</cbc:ContractingSystemTypeCode>
      </cac:ContractingSystem>
      <cac:ContractingSystem>
        <cbc:ContractingSystemTypeCode listName="dps-usage">none</cbc:ContractingSystemTypeCode>
      </cac:ContractingSystem>
    </cac:TenderingProcess>
"""
    elif n.kind == AWARD:
        terms = """\
    <cac:TenderingTerms>
      <cbc:FundingProgramCode listName="eu-funded">no-eu-funds</cbc:FundingProgramCode>
      <cac:AppealTerms>
        <cac:AppealReceiverParty>
          <cac:PartyIdentification>
            <cbc:ID schemeName="organization">ORG-0002</cbc:ID>
          </cac:PartyIdentification>
        </cac:AppealReceiverParty>
      </cac:AppealTerms>
    </cac:TenderingTerms>
    <cac:TenderingProcess>
      <cbc:GovernmentAgreementConstraintIndicator>true</cbc:GovernmentAgreementConstraintIndicator>
    </cac:TenderingProcess>
"""
    else:
        terms = """\
    <cac:TenderingTerms>
      <cac:AdditionalInformationParty>
        <cac:PartyIdentification>
          <cbc:ID schemeName="organization">ORG-0001</cbc:ID>
        </cac:PartyIdentification>
      </cac:AdditionalInformationParty>
    </cac:TenderingTerms>
"""
    strategic = ""
    if n.kind != PRIOR_INFORMATION:
        strategic = f"""\
      <cac:ProcurementAdditionalType>
        <cbc:ProcurementTypeCode listName="strategic-procurement">{lot.strategic}</cbc:ProcurementTypeCode>
      </cac:ProcurementAdditionalType>
"""
    return f"""\
  <cac:ProcurementProjectLot>
    <cbc:ID schemeName="{scheme}">{lot.id}</cbc:ID>
{terms}\
    <cac:ProcurementProject>
      <cbc:ID schemeName="InternalID">{escape(n.reference)}-{index}</cbc:ID>
      <cbc:Name languageID="{language}">{escape(lot.title)}</cbc:Name>
      <cbc:Description languageID="{language}">{escape(lot.title)}.</cbc:Description>
      <cbc:ProcurementTypeCode listName="contract-nature">{n.contract_type}</cbc:ProcurementTypeCode>
{strategic}{_amount(lot.value, "      ")}{_classification(lot.cpv, "      ")}{_location(n, "      ")}\
      <cac:PlannedPeriod>
        <cbc:DurationMeasure unitCode="MONTH">{n.duration_months}</cbc:DurationMeasure>
      </cac:PlannedPeriod>
    </cac:ProcurementProject>
  </cac:ProcurementProjectLot>
"""


def render(n: Notice, sdk: str) -> bytes:
    """The notice as published: `sdk` is the eForms SDK version its eSender used ('1.10')."""
    root, type_list, notice_type, subtype = _KINDS[n.kind]
    language = _LANGUAGES[n.buyer.language]
    zone = _zone(n.buyer.country, n.dispatch)
    pub_zone = _zone(n.buyer.country, n.publication)
    folder = f"\n  <cbc:ContractFolderID>{n.folder_id}</cbc:ContractFolderID>" if n.folder_id else ""
    planned = ""
    if n.kind == PRIOR_INFORMATION:
        planned_day = date.fromordinal(n.dispatch.toordinal() + 120)
        planned = f"\n  <cbc:PlannedDate>{planned_day.isoformat()}{zone}</cbc:PlannedDate>"
    esender = ""
    if n.buyer.country == "NL":
        esender = """
      <cac:ServiceProviderParty>
        <cbc:ServiceTypeCode listName="organisation-role">ted-esen</cbc:ServiceTypeCode>
        <cac:Party>
          <cac:PartyIdentification>
            <cbc:ID schemeName="organization">ORG-0003</cbc:ID>
          </cac:PartyIdentification>
        </cac:Party>
      </cac:ServiceProviderParty>"""
    process = ""
    if n.kind == CONTRACT:
        process = f"""\
  <cac:TenderingTerms>
    <cac:TendererQualificationRequest>
      <cac:SpecificTendererRequirement>
        <cbc:TendererRequirementTypeCode listName="exclusion-grounds-source">epo-procurement-document</cbc:TendererRequirementTypeCode>
      </cac:SpecificTendererRequirement>
    </cac:TendererQualificationRequest>
  </cac:TenderingTerms>
  <cac:TenderingProcess>
    <cbc:ProcedureCode listName="procurement-procedure-type">{n.procedure_type}</cbc:ProcedureCode>
    <cac:ProcessJustification>
      <cbc:ProcessReasonCode listName="accelerated-procedure">false</cbc:ProcessReasonCode>
    </cac:ProcessJustification>
  </cac:TenderingProcess>
"""
    elif n.kind == AWARD:
        process = f"""\
  <cac:TenderingProcess>
    <cbc:ProcedureCode listName="procurement-procedure-type">{n.procedure_type}</cbc:ProcedureCode>
  </cac:TenderingProcess>
"""
    codes = (n.cpv_main, *n.cpv_additional)
    result = _notice_result(n) if n.kind == AWARD else ""
    tender_result = ""
    if n.kind == AWARD:
        tender_result = f"""\
  <cac:TenderResult>
    <cbc:AwardDate>{date.fromordinal(n.dispatch.toordinal() - 14).isoformat()}{zone}</cbc:AwardDate>
  </cac:TenderResult>
"""
    lots = "".join(_lot(n, lot, i, language) for i, lot in enumerate(n.lots, 1))
    xml = f"""\
<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2" {_NS}>
  <ext:UBLExtensions>
    <ext:UBLExtension>
      <ext:ExtensionContent>
        <efext:EformsExtension>
{result}\
          <efac:NoticeSubType>
            <cbc:SubTypeCode listName="notice-subtype">{subtype}</cbc:SubTypeCode>
          </efac:NoticeSubType>
          <efac:Organizations>
{_organizations(n, language)}\
          </efac:Organizations>
          <efac:Publication>
            <efbc:NoticePublicationID schemeName="ojs-notice-id">{n.publication_id}</efbc:NoticePublicationID>
            <efbc:GazetteID schemeName="ojs-id">{n.issue}/{n.publication.year}</efbc:GazetteID>
            <efbc:PublicationDate>{n.publication.isoformat()}{pub_zone}</efbc:PublicationDate>
          </efac:Publication>
        </efext:EformsExtension>
      </ext:ExtensionContent>
    </ext:UBLExtension>
  </ext:UBLExtensions>
  <cbc:UBLVersionID>2.3</cbc:UBLVersionID>
  <cbc:CustomizationID>eforms-sdk-{sdk}</cbc:CustomizationID>
  <cbc:ID schemeName="notice-id">{n.notice_uuid}</cbc:ID>{folder}
  <cbc:IssueDate>{n.dispatch.isoformat()}{zone}</cbc:IssueDate>
  <cbc:IssueTime>{n.issue_time}{zone}</cbc:IssueTime>
  <cbc:VersionID>01</cbc:VersionID>{planned}
  <cbc:RegulatoryDomain>32014L0024</cbc:RegulatoryDomain>
  <cbc:NoticeTypeCode listName="{type_list}">{notice_type}</cbc:NoticeTypeCode>
  <cbc:NoticeLanguageCode>{language}</cbc:NoticeLanguageCode>
  <cac:ContractingParty>
    <cbc:BuyerProfileURI>{escape(n.buyer.website)}</cbc:BuyerProfileURI>
    <cac:ContractingPartyType>
      <cbc:PartyTypeCode listName="buyer-legal-type">{n.buyer.legal_type}</cbc:PartyTypeCode>
    </cac:ContractingPartyType>
    <cac:ContractingActivity>
      <cbc:ActivityTypeCode listName="authority-activity">{n.buyer.activity}</cbc:ActivityTypeCode>
    </cac:ContractingActivity>
    <cac:Party>
      <cac:PartyIdentification>
        <cbc:ID schemeName="organization">ORG-0001</cbc:ID>
      </cac:PartyIdentification>{esender}
    </cac:Party>
  </cac:ContractingParty>
{process}\
  <cac:ProcurementProject>
    <cbc:ID schemeName="InternalID">{escape(n.reference)}</cbc:ID>
    <cbc:Name languageID="{language}">{escape(n.title)}</cbc:Name>
    <cbc:Description languageID="{language}">{escape(n.description)}</cbc:Description>
    <cbc:ProcurementTypeCode listName="contract-nature">{n.contract_type}</cbc:ProcurementTypeCode>
{_amount(n.value, "    ")}{_classification(codes, "    ")}{_location(n, "    ")}\
  </cac:ProcurementProject>
{lots}{tender_result}\
</{root}>
"""
    return xml.encode("utf-8")
