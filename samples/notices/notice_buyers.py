"""The buyers the bulk generator draws from: real public bodies of several countries and of every kind.

Each buyer carries both the eForms buyer-legal-type (BT-11) and the R2.0.9 `CA_TYPE` its notices state, as
the bodies actually fill them in: a Dutch ZBO is `body-pl-cga` in eForms but `NATIONAL_AGENCY` in some
R2.0.9 forms and `BODY_PUBLIC` in others, and a water board has no R2.0.9 type of its own (`CA_TYPE_OTHER`).
That mess is on purpose: it is what the checker's rules have to sort out, not the generator.

`central` only steers which EU threshold the generator draws values around (central or sub-central
supplies and services); it states no fact and decides nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Buyer:
    name: str
    country: str  # ISO 3166 alpha-2, as R2.0.9 writes it
    language: str  # nl, fr, de or en: the language of its notices
    legal_type: str  # eForms buyer-legal-type code
    ca_type: str  # R2.0.9 CA_TYPE VALUE, or "" when its forms say CA_TYPE_OTHER
    ca_type_other: str  # the CA_TYPE_OTHER text when ca_type is ""
    activity: str  # eForms authority-activity code; the R2.0.9 CA_ACTIVITY follows from it
    central: bool
    town: str
    postal_code: str
    street: str
    nuts: str
    website: str
    weight: int  # relative number of notices within its country


def _b(
    name: str,
    country: str,
    language: str,
    legal_type: str,
    ca_type: str,
    activity: str,
    town: str,
    postal_code: str,
    street: str,
    nuts: str,
    website: str,
    weight: int = 2,
    ca_type_other: str = "",
) -> Buyer:
    return Buyer(
        name=name,
        country=country,
        language=language,
        legal_type=legal_type,
        ca_type=ca_type,
        ca_type_other=ca_type_other,
        activity=activity,
        central=legal_type == "cga",
        town=town,
        postal_code=postal_code,
        street=street,
        nuts=nuts,
        website=website,
        weight=weight,
    )


BUYERS: tuple[Buyer, ...] = (
    # Netherlands: ministries and their agencies (cga) ...
    _b("Ministerie van Binnenlandse Zaken en Koninkrijksrelaties", "NL", "nl", "cga", "MINISTRY", "gen-pub", "Den Haag", "2511 DP", "Turfmarkt 147", "NL332", "https://www.rijksoverheid.nl/ministeries/bzk", 3),
    _b("Ministerie van Justitie en Veiligheid", "NL", "nl", "cga", "MINISTRY", "pub-os", "Den Haag", "2511 DP", "Turfmarkt 147", "NL332", "https://www.rijksoverheid.nl/ministeries/jenv", 3),
    _b("Ministerie van Defensie, Defensie Materieel Organisatie", "NL", "nl", "cga", "MINISTRY", "defence", "Utrecht", "3584 AB", "Herculeslaan 1", "NL310", "https://www.defensie.nl", 4),
    _b("Haagse Inkoop Samenwerking", "NL", "nl", "cga", "MINISTRY", "gen-pub", "Den Haag", "2511 CV", "Bezuidenhoutseweg 73", "NL332", "https://www.rijksoverheid.nl/his", 3),
    _b("Rijkswaterstaat", "NL", "nl", "cga", "NATIONAL_AGENCY", "gen-pub", "Utrecht", "3526 LA", "Griffioenlaan 2", "NL310", "https://www.rijkswaterstaat.nl", 6),
    _b("Belastingdienst", "NL", "nl", "cga", "NATIONAL_AGENCY", "econ-aff", "Apeldoorn", "7311 JJ", "Kingsfordweg 1", "NL221", "https://www.belastingdienst.nl", 3),
    _b("Dienst ICT Uitvoering", "NL", "nl", "cga", "NATIONAL_AGENCY", "gen-pub", "Den Haag", "2594 AV", "Bezuidenhoutseweg 30", "NL332", "https://www.dictu.nl", 3),
    _b("Dienst Justitiële Inrichtingen", "NL", "nl", "cga", "NATIONAL_AGENCY", "pub-os", "Den Haag", "2511 AC", "Turfmarkt 174", "NL332", "https://www.dji.nl", 3),
    _b("Rijksvastgoedbedrijf", "NL", "nl", "cga", "NATIONAL_AGENCY", "hc-am", "Den Haag", "2595 AJ", "Korte Voorhout 7", "NL332", "https://www.rijksvastgoedbedrijf.nl", 3),
    _b("Centraal Justitieel Incassobureau", "NL", "nl", "cga", "NATIONAL_AGENCY", "pub-os", "Leeuwarden", "8917 BN", "Pieter Stuyvesantweg 1", "NL124", "https://www.cjib.nl", 1),
    _b("Dienst Uitvoering Onderwijs", "NL", "nl", "cga", "NATIONAL_AGENCY", "education", "Groningen", "9722 GZ", "Kempkensberg 12", "NL113", "https://www.duo.nl", 2),
    _b("Rijksinstituut voor Volksgezondheid en Milieu", "NL", "nl", "cga", "NATIONAL_AGENCY", "health", "Bilthoven", "3721 MA", "Antonie van Leeuwenhoeklaan 9", "NL310", "https://www.rivm.nl", 2),
    # ... ZBOs, bodies governed by public law controlled by the central government (body-pl-cga) ...
    _b("Uitvoeringsinstituut Werknemersverzekeringen (UWV)", "NL", "nl", "body-pl-cga", "NATIONAL_AGENCY", "soc-pro", "Amsterdam", "1018 LL", "La Guardiaweg 116", "NL329", "https://www.uwv.nl", 3),
    _b("Kadaster", "NL", "nl", "body-pl-cga", "BODY_PUBLIC", "gen-pub", "Apeldoorn", "7311 KZ", "Hofstraat 110", "NL221", "https://www.kadaster.nl", 2),
    _b("Sociale Verzekeringsbank", "NL", "nl", "body-pl-cga", "BODY_PUBLIC", "soc-pro", "Amstelveen", "1186 DD", "Van Heuven Goedhartlaan 1", "NL329", "https://www.svb.nl", 2),
    _b("Dienst Wegverkeer (RDW)", "NL", "nl", "body-pl-cga", "NATIONAL_AGENCY", "gen-pub", "Zoetermeer", "2711 ER", "Europaweg 205", "NL332", "https://www.rdw.nl", 1),
    # ... municipalities, provinces, water boards and other public bodies.
    _b("Gemeente Amsterdam", "NL", "nl", "la", "REGIONAL_AUTHORITY", "gen-pub", "Amsterdam", "1011 PN", "Amstel 1", "NL329", "https://www.amsterdam.nl", 5),
    _b("Gemeente Rotterdam", "NL", "nl", "la", "REGIONAL_AUTHORITY", "gen-pub", "Rotterdam", "3011 AD", "Coolsingel 40", "NL33B", "https://www.rotterdam.nl", 4),
    _b("Gemeente Utrecht", "NL", "nl", "la", "REGIONAL_AUTHORITY", "gen-pub", "Utrecht", "3511 BJ", "Stadsplateau 1", "NL310", "https://www.utrecht.nl", 3),
    _b("Gemeente Eindhoven", "NL", "nl", "la", "REGIONAL_AUTHORITY", "gen-pub", "Eindhoven", "5611 EM", "Stadhuisplein 1", "NL414", "https://www.eindhoven.nl", 2),
    _b("Gemeente Groningen", "NL", "nl", "la", "REGIONAL_AUTHORITY", "gen-pub", "Groningen", "9711 PG", "Kreupelstraat 1", "NL113", "https://gemeente.groningen.nl", 2),
    _b("Provincie Noord-Holland", "NL", "nl", "ra", "REGIONAL_AUTHORITY", "gen-pub", "Haarlem", "2012 DA", "Dreef 3", "NL324", "https://www.noord-holland.nl", 2),
    _b("Provincie Gelderland", "NL", "nl", "ra", "REGIONAL_AUTHORITY", "gen-pub", "Arnhem", "6812 AR", "Markt 11", "NL226", "https://www.gelderland.nl", 2),
    _b("Hoogheemraadschap van Rijnland", "NL", "nl", "la", "", "env-pro", "Leiden", "2321 BN", "Archimedesweg 1", "NL337", "https://www.rijnland.net", 1, ca_type_other="Waterschap"),
    _b("Waterschap Aa en Maas", "NL", "nl", "la", "", "env-pro", "'s-Hertogenbosch", "5216 PP", "Pettelaarpark 70", "NL413", "https://www.aaenmaas.nl", 1, ca_type_other="Waterschap"),
    _b("Veiligheidsregio Rotterdam-Rijnmond", "NL", "nl", "body-pl-la", "REGIONAL_AGENCY", "pub-os", "Rotterdam", "3011 AG", "Wilhelminakade 947", "NL33B", "https://www.vr-rr.nl", 1),
    _b("Universiteit Utrecht", "NL", "nl", "body-pl", "BODY_PUBLIC", "education", "Utrecht", "3584 CS", "Heidelberglaan 8", "NL310", "https://www.uu.nl", 2),
    _b("Technische Universiteit Delft", "NL", "nl", "body-pl", "BODY_PUBLIC", "education", "Delft", "2628 CN", "Mekelweg 5", "NL333", "https://www.tudelft.nl", 2),
    _b("Erasmus MC", "NL", "nl", "body-pl", "BODY_PUBLIC", "health", "Rotterdam", "3015 GD", "Dr. Molewaterplein 40", "NL33B", "https://www.erasmusmc.nl", 2),
    _b("Stichting Zorgcombinatie Noorderboog", "NL", "nl", "org-sub", "", "health", "Meppel", "7943 KA", "Hoogeveenseweg 38", "NL132", "https://www.noorderboog.nl", 1, ca_type_other="Gesubsidieerde instelling"),
    # Belgium
    _b("FOD Beleid en Ondersteuning", "BE", "nl", "cga", "MINISTRY", "gen-pub", "Brussel", "1040", "Wetstraat 51", "BE100", "https://bosa.belgium.be", 3),
    _b("Ministère de la Défense", "BE", "fr", "cga", "MINISTRY", "defence", "Bruxelles", "1140", "Rue d'Evere 1", "BE100", "https://www.mil.be", 2),
    _b("Regie der Gebouwen", "BE", "nl", "cga", "NATIONAL_AGENCY", "hc-am", "Brussel", "1060", "Kunstlaan 1", "BE100", "https://www.regiedergebouwen.be", 2),
    _b("Vlaamse overheid, Agentschap Facilitair Bedrijf", "BE", "nl", "ra", "REGIONAL_AGENCY", "gen-pub", "Brussel", "1000", "Havenlaan 88", "BE100", "https://www.vlaanderen.be/facilitair-bedrijf", 2),
    _b("Service public de Wallonie", "BE", "fr", "ra", "REGIONAL_AUTHORITY", "gen-pub", "Namur", "5100", "Place Joséphine-Charlotte 2", "BE352", "https://www.wallonie.be", 2),
    _b("Stad Antwerpen", "BE", "nl", "la", "REGIONAL_AUTHORITY", "gen-pub", "Antwerpen", "2000", "Grote Markt 1", "BE211", "https://www.antwerpen.be", 2),
    _b("Ville de Liège", "BE", "fr", "la", "REGIONAL_AUTHORITY", "gen-pub", "Liège", "4000", "Place du Marché 2", "BE332", "https://www.liege.be", 1),
    _b("Universiteit Gent", "BE", "nl", "body-pl", "BODY_PUBLIC", "education", "Gent", "9000", "Sint-Pietersnieuwstraat 25", "BE234", "https://www.ugent.be", 1),
    # Germany
    _b("Auswärtiges Amt", "DE", "de", "cga", "MINISTRY", "gen-pub", "Berlin", "10117", "Werderscher Markt 1", "DE300", "https://www.auswaertiges-amt.de", 1),
    _b("Beschaffungsamt des Bundesministeriums des Innern und für Heimat", "DE", "de", "cga", "NATIONAL_AGENCY", "gen-pub", "Bonn", "53119", "Brühler Straße 3", "DEA22", "https://www.bescha.bund.de", 3),
    _b("Bundesamt für Ausrüstung, Informationstechnik und Nutzung der Bundeswehr", "DE", "de", "cga", "NATIONAL_AGENCY", "defence", "Koblenz", "56073", "Ferdinand-Sauerbruch-Straße 1", "DEB11", "https://www.baainbw.de", 3),
    _b("Deutsche Rentenversicherung Bund", "DE", "de", "body-pl-cga", "BODY_PUBLIC", "soc-pro", "Berlin", "10709", "Ruhrstraße 2", "DE300", "https://www.deutsche-rentenversicherung.de", 2),
    _b("Land Berlin, Senatsverwaltung für Finanzen", "DE", "de", "ra", "REGIONAL_AUTHORITY", "econ-aff", "Berlin", "10117", "Klosterstraße 59", "DE300", "https://www.berlin.de/sen/finanzen", 2),
    _b("Stadt Köln", "DE", "de", "la", "REGIONAL_AUTHORITY", "gen-pub", "Köln", "50667", "Rathausplatz 2", "DEA23", "https://www.stadt-koeln.de", 2),
    _b("Landeshauptstadt München", "DE", "de", "la", "REGIONAL_AUTHORITY", "gen-pub", "München", "80331", "Marienplatz 8", "DE212", "https://www.muenchen.de", 2),
    _b("Universitätsklinikum Hamburg-Eppendorf", "DE", "de", "body-pl", "BODY_PUBLIC", "health", "Hamburg", "20246", "Martinistraße 52", "DE600", "https://www.uke.de", 1),
    # France
    _b("Ministère des Armées", "FR", "fr", "cga", "MINISTRY", "defence", "Paris", "75015", "60 boulevard du Général Martial Valin", "FR101", "https://www.defense.gouv.fr", 3),
    _b("Direction des achats de l'État", "FR", "fr", "cga", "NATIONAL_AGENCY", "econ-aff", "Paris", "75012", "139 rue de Bercy", "FR101", "https://www.economie.gouv.fr/dae", 2),
    _b("Union des groupements d'achats publics (UGAP)", "FR", "fr", "body-pl-cga", "BODY_PUBLIC", "gen-pub", "Champs-sur-Marne", "77420", "1 boulevard Archimède", "FR102", "https://www.ugap.fr", 2),
    _b("Région Île-de-France", "FR", "fr", "ra", "REGIONAL_AUTHORITY", "gen-pub", "Saint-Ouen-sur-Seine", "93400", "2 rue Simone Veil", "FR106", "https://www.iledefrance.fr", 2),
    _b("Ville de Paris", "FR", "fr", "la", "REGIONAL_AUTHORITY", "gen-pub", "Paris", "75004", "Place de l'Hôtel de Ville", "FR101", "https://www.paris.fr", 2),
    _b("Métropole de Lyon", "FR", "fr", "la", "REGIONAL_AUTHORITY", "gen-pub", "Lyon", "69003", "20 rue du Lac", "FRK26", "https://www.grandlyon.com", 1),
    _b("Assistance Publique - Hôpitaux de Paris", "FR", "fr", "body-pl", "BODY_PUBLIC", "health", "Paris", "75004", "3 avenue Victoria", "FR101", "https://www.aphp.fr", 2),
    # Others (all in euro)
    _b("Bundesbeschaffung GmbH", "AT", "de", "body-pl-cga", "BODY_PUBLIC", "gen-pub", "Wien", "1020", "Lassallestraße 9b", "AT130", "https://www.bbg.gv.at", 2),
    _b("Stadt Wien", "AT", "de", "ra", "REGIONAL_AUTHORITY", "gen-pub", "Wien", "1082", "Rathausplatz 1", "AT130", "https://www.wien.gv.at", 2),
    _b("Office of Government Procurement", "IE", "en", "cga", "NATIONAL_AGENCY", "gen-pub", "Dublin", "D02 R583", "Upper Merrion Street", "IE061", "https://www.gov.ie/ogp", 2),
    _b("Dublin City Council", "IE", "en", "la", "REGIONAL_AUTHORITY", "gen-pub", "Dublin", "D08 RF3F", "Wood Quay", "IE061", "https://www.dublincity.ie", 1),
    _b("Centre des technologies de l'information de l'État", "LU", "fr", "cga", "NATIONAL_AGENCY", "gen-pub", "Luxembourg", "1370", "11 rue Notre-Dame", "LU000", "https://ctie.gouvernement.lu", 1),
    _b("Ville de Luxembourg", "LU", "fr", "la", "REGIONAL_AUTHORITY", "gen-pub", "Luxembourg", "2090", "42 place Guillaume II", "LU000", "https://www.vdl.lu", 1),
    _b("Hansel Oy", "FI", "en", "body-pl-cga", "BODY_PUBLIC", "gen-pub", "Helsinki", "00520", "Ratapihantie 9", "FI1B1", "https://www.hansel.fi", 1),
    _b("City of Helsinki", "FI", "en", "la", "REGIONAL_AUTHORITY", "gen-pub", "Helsinki", "00170", "Pohjoisesplanadi 11-13", "FI1B1", "https://www.hel.fi", 1),
)  # fmt: skip

# How often each country publishes in the generated population: the Netherlands most.
COUNTRY_SHARES: dict[str, int] = {"NL": 45, "BE": 14, "DE": 14, "FR": 12, "AT": 5, "IE": 4, "LU": 3, "FI": 3}

# ISO alpha-3 (eForms) for the alpha-2 codes R2.0.9 uses
ALPHA3: dict[str, str] = {
    "NL": "NLD",
    "BE": "BEL",
    "DE": "DEU",
    "FR": "FRA",
    "AT": "AUT",
    "IE": "IRL",
    "LU": "LUX",
    "FI": "FIN",
}

# The first-instance review body that the notices name, per country
REVIEW_BODIES: dict[str, tuple[str, str, str, str]] = {
    "NL": ("Rechtbank Den Haag", "Den Haag", "2595 BJ", "NL332"),
    "BE": ("Raad van State", "Brussel", "1040", "BE100"),
    "DE": ("Vergabekammer des Bundes", "Bonn", "53123", "DEA22"),
    "FR": ("Tribunal administratif de Paris", "Paris", "75004", "FR101"),
    "AT": ("Bundesverwaltungsgericht", "Wien", "1030", "AT130"),
    "IE": ("The High Court", "Dublin", "D07 WDX8", "IE061"),
    "LU": ("Tribunal administratif", "Luxembourg", "2080", "LU000"),
    "FI": ("Markkinaoikeus", "Helsinki", "00520", "FI1B1"),
}

# Suppliers that win the awards: made up, one set per language
SUPPLIERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "nl": (
        ("Van Dijk Facilitair B.V.", "Zwolle", "NL211"),
        ("Hendriks ICT Solutions B.V.", "Amersfoort", "NL310"),
        ("De Vries Bouw en Infra B.V.", "Nijmegen", "NL226"),
        ("Jansen Kantoorinrichting B.V.", "Tilburg", "NL412"),
        ("Bakker Catering Groep B.V.", "Haarlem", "NL324"),
        ("Mulder Recycling B.V.", "Dordrecht", "NL33C"),
        ("Peeters Telecom NV", "Mechelen", "BE212"),
        ("Lambrecht Laboratoria NV", "Leuven", "BE242"),
    ),
    "fr": (
        ("Dupont Services SAS", "Lille", "FRE11"),
        ("Martin Informatique SA", "Nantes", "FRG01"),
        ("Bernard Travaux Publics SAS", "Toulouse", "FRJ23"),
        ("Petit Restauration SARL", "Bordeaux", "FRI12"),
    ),
    "de": (
        ("Schmidt IT-Systeme GmbH", "Hamburg", "DE600"),
        ("Müller Bau GmbH & Co. KG", "Stuttgart", "DE111"),
        ("Weber Gebäudeservice GmbH", "Frankfurt am Main", "DE712"),
        ("Fischer Laborbedarf GmbH", "Leipzig", "DED51"),
    ),
    "en": (
        ("Northbridge Facilities Ltd", "Cork", "IE053"),
        ("Keane Digital Services Ltd", "Dublin", "IE061"),
        ("Lindqvist Solutions Oy", "Espoo", "FI1B1"),
    ),
}
