"""The CPV codes the bulk generator buys, with the words a notice's title uses for them in four languages.

`category` is the ISV risk category (ids of shared/domain/ISV.md section 2) a code was picked for, or ""
for a code picked because it is in none of them. The generator uses it only to draw a mix of purchases in
and out of the categories; it never writes it into a notice or the manifest: whether a notice is an ISV
tender is for the checker's rules to decide. tests/test_notice_bulk.py holds the tags against
rules/categories.yaml, so the mix stays what it claims when the rules move.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cpv:
    code: str  # 8 digits, without the check digit (as both notice formats write it)
    contract_type: str  # works, supplies or services
    category: str
    words: dict[str, str]  # language -> what is bought, as a title says it


def _c(code: str, category: str, nl: str, en: str, de: str, fr: str) -> Cpv:
    division = int(code[:2])
    contract_type = "works" if division == 45 else "supplies" if division < 45 or division == 48 else "services"
    return Cpv(code, contract_type, category, {"nl": nl, "en": en, "de": de, "fr": fr})


CPV_CODES: tuple[Cpv, ...] = (
    # in one of the ten risk categories
    _c("18110000", "workwear", "bedrijfskleding", "occupational clothing", "Berufskleidung", "vêtements professionnels"),
    _c("18130000", "workwear", "speciale werkkleding", "special workwear", "Spezialarbeitskleidung", "vêtements de travail spéciaux"),
    _c("18830000", "workwear", "veiligheidsschoenen", "protective footwear", "Schutzschuhe", "chaussures de protection"),
    _c("35113400", "workwear", "beschermende kleding", "protective and safety clothing", "Schutz- und Sicherheitskleidung", "vêtements de protection et de sécurité"),
    _c("55520000", "catering", "cateringdiensten", "catering services", "Verpflegungsdienste", "services de traiteur"),
    _c("55510000", "catering", "bedrijfsrestaurant", "canteen services", "Kantinenbetrieb", "services de cantine"),
    _c("55320000", "catering", "maaltijdverzorging", "meal-serving services", "Essensausgabe", "services de distribution de repas"),
    _c("15860000", "catering", "koffie en thee", "coffee, tea and related products", "Kaffee und Tee", "café, thé et produits connexes"),
    _c("42968100", "catering", "drankautomaten", "drinks dispensers", "Getränkeautomaten", "distributeurs de boissons"),
    _c("30197630", "paper_print", "printpapier", "printing paper", "Druckerpapier", "papier d'impression"),
    _c("22000000", "paper_print", "drukwerk", "printed matter", "Drucksachen", "imprimés"),
    _c("79810000", "paper_print", "printdiensten", "printing services", "Druckdienste", "services d'impression"),
    _c("79820000", "paper_print", "diensten in verband met drukwerk", "services related to printing", "Dienstleistungen im Zusammenhang mit dem Drucken", "services liés à l'impression"),
    _c("09310000", "energy", "levering van elektriciteit", "electricity", "Stromlieferung", "fourniture d'électricité"),
    _c("09123000", "energy", "levering van aardgas", "natural gas", "Erdgaslieferung", "fourniture de gaz naturel"),
    _c("65310000", "energy", "distributie van elektriciteit", "electricity distribution", "Stromverteilung", "distribution d'électricité"),
    _c("09323000", "energy", "stadsverwarming", "district heating", "Fernwärme", "chauffage urbain"),
    _c("90510000", "waste", "afvalverwerking", "refuse disposal and treatment", "Abfallbeseitigung und -behandlung", "élimination et traitement des déchets"),
    _c("90511000", "waste", "inzameling van bedrijfsafval", "refuse collection services", "Abfallabfuhr", "services de collecte des ordures"),
    _c("90524400", "waste", "inzameling van ziekenhuisafval", "collection of hospital waste", "Sammlung von Krankenhausabfällen", "collecte des déchets hospitaliers"),
    _c("90530000", "waste", "exploitatie van een afvalstort", "operation of a refuse site", "Betrieb einer Mülldeponie", "exploitation d'une décharge"),
    _c("30192000", "office_supplies", "kantoorartikelen", "office supplies", "Büroartikel", "fournitures de bureau"),
    _c("30190000", "office_supplies", "kantoorbenodigdheden", "office equipment and supplies", "Bürobedarf", "équipements et fournitures de bureau"),
    _c("30125100", "office_supplies", "tonercartridges", "toner cartridges", "Tonerkartuschen", "cartouches de toner"),
    _c("30237200", "office_supplies", "computeraccessoires", "computer accessories", "Computerzubehör", "accessoires informatiques"),
    _c("38000000", "laboratory", "laboratoriumapparatuur", "laboratory equipment", "Laborausrüstung", "équipements de laboratoire"),
    _c("38430000", "laboratory", "analyseapparatuur", "detection and analysis apparatus", "Analysegeräte", "appareils de détection et d'analyse"),
    _c("33696500", "laboratory", "laboratoriumreagentia", "laboratory reagents", "Laborreagenzien", "réactifs de laboratoire"),
    _c("39180000", "laboratory", "laboratoriummeubilair", "laboratory furniture", "Labormöbel", "mobilier de laboratoire"),
    _c("30213100", "ict_workplace", "laptops", "portable computers", "tragbare Computer", "ordinateurs portables"),
    _c("30213300", "ict_workplace", "desktopcomputers", "desktop computers", "Desktop-Computer", "ordinateurs de bureau"),
    _c("30231000", "ict_workplace", "beeldschermen", "computer screens", "Bildschirme", "écrans d'ordinateur"),
    _c("32250000", "ict_workplace", "mobiele telefoons", "mobile telephones", "Mobiltelefone", "téléphones mobiles"),
    _c("48820000", "datacenters", "servers", "servers", "Server", "serveurs"),
    _c("30233100", "datacenters", "opslagsystemen", "computer storage units", "Speichereinheiten", "unités de stockage informatique"),
    _c("72317000", "datacenters", "dataopslag", "data storage services", "Datenspeicherung", "services de stockage de données"),
    _c("72514000", "datacenters", "beheer van computerfaciliteiten", "computer facilities management", "Verwaltung von Rechenzentren", "gestion d'installations informatiques"),
    _c("64200000", "data_connections", "telecommunicatiediensten", "telecommunications services", "Telekommunikationsdienste", "services de télécommunications"),
    _c("64210000", "data_connections", "telefonie en datatransmissie", "telephone and data transmission services", "Telefon- und Datenübertragung", "services de téléphonie et de transmission de données"),
    _c("32412000", "data_connections", "communicatienetwerk", "communications network", "Kommunikationsnetz", "réseau de communications"),
    _c("72318000", "data_connections", "datatransmissie", "data transmission services", "Datenübertragungsdienste", "services de transmission de données"),
    # in none of them
    _c("45000000", "", "bouwwerkzaamheden", "construction work", "Bauarbeiten", "travaux de construction"),
    _c("45233120", "", "wegenbouw", "road construction works", "Straßenbauarbeiten", "travaux de construction de routes"),
    _c("45210000", "", "nieuwbouw van een kantoorgebouw", "building construction work", "Bauleistungen im Hochbau", "travaux de construction de bâtiments"),
    _c("45453000", "", "renovatie van een rijksmonument", "overhaul and refurbishment work", "Instandsetzung und Sanierung", "travaux de remise en état et de réfection"),
    _c("45331000", "", "installatie van verwarming en ventilatie", "heating and ventilation installation work", "Installation von Heizungs- und Lüftungsanlagen", "travaux d'installation de chauffage et de ventilation"),
    _c("71000000", "", "ingenieursdiensten", "engineering and inspection services", "Ingenieurleistungen", "services d'ingénierie et d'inspection"),
    _c("72000000", "", "IT-diensten", "IT services", "IT-Dienste", "services informatiques"),
    _c("72260000", "", "softwareontwikkeling", "software-related services", "Softwareentwicklung", "services de logiciels"),
    _c("48000000", "", "softwarelicenties", "software packages", "Softwarepakete", "progiciels"),
    _c("79410000", "", "organisatieadvies", "management consultancy services", "Unternehmensberatung", "services de conseil en gestion"),
    _c("79620000", "", "inhuur van personeel", "supply of temporary staff", "Personalgestellung", "mise à disposition de personnel"),
    _c("90910000", "", "schoonmaakdiensten", "cleaning services", "Reinigungsdienste", "services de nettoyage"),
    _c("79710000", "", "beveiligingsdiensten", "security services", "Bewachungsdienste", "services de sécurité"),
    _c("34110000", "", "personenauto's", "passenger cars", "Personenkraftwagen", "voitures particulières"),
    _c("33600000", "", "geneesmiddelen", "pharmaceutical products", "Arzneimittel", "produits pharmaceutiques"),
    _c("33140000", "", "medische verbruiksartikelen", "medical consumables", "medizinische Verbrauchsartikel", "consommables médicaux"),
    _c("39130000", "", "kantoormeubilair", "office furniture", "Büromöbel", "mobilier de bureau"),
    _c("60100000", "", "wegvervoer", "road transport services", "Straßentransport", "services de transport routier"),
    _c("66510000", "", "verzekeringsdiensten", "insurance services", "Versicherungsdienstleistungen", "services d'assurance"),
    _c("80500000", "", "opleidingen", "training services", "Schulungen", "services de formation"),
    _c("77310000", "", "groenonderhoud", "maintenance of green areas", "Grünflächenpflege", "entretien des espaces verts"),
    _c("50700000", "", "onderhoud van gebouwinstallaties", "maintenance of building installations", "Wartung von Gebäudeanlagen", "entretien des installations de bâtiments"),
)  # fmt: skip

CATEGORIES = (
    "workwear",
    "catering",
    "paper_print",
    "energy",
    "waste",
    "office_supplies",
    "laboratory",
    "ict_workplace",
    "datacenters",
    "data_connections",
)
