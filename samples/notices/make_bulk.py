"""Generates a TED-style bulk package of procurement notices, with the ground truth of every notice.

    python samples/notices/make_bulk.py --count 3000 --seed 1 -o notices.tar.gz --manifest notices.jsonl

The package is for tests and for the benchmark of `isv-check notices`: a few thousand notices from several
countries and buyer types, about 70% eForms (cn-standard, can-standard, pin-only) and 30% TED R2.0.9 (F02,
F03, F01), with purchases in and out of the ISV risk categories, single and multi-lot tenders (some with
only some lots in a category), values around the EU threshold of their dispatch date and notices that
state no value at all, and award notices that follow a contract notice of the same procedure (eForms: the
same ContractFolderID; R2.0.9: the F03's NOTICE_NUMBER_OJ is the F02's OJ number). Some awards follow a
contract notice that is not in the package, as happens at the start of any period.

Layout, after TED's daily packages (https://ted.europa.eu/packages/daily/{yyyynnnnn}, one tar.gz per OJ S
issue): each notice is a member `YYYYMMDD_NNN/<number>_<year>.xml`, in a folder named after its publication
date and OJ S issue number, the file named after its publication number and year: six digits for R2.0.9
notices (`209416_2020.xml` for 2020/S 087-209416, as in files taken from real packages), eight for eForms
(`00012345_2024.xml` for 00012345-2024). The eForms file names and the folder name are assumptions (we could
not read a real package here); readers should depend on neither. TED publishes one package per issue; this
one holds the issues of several years in one archive (R2.0.9 notices dispatched from April 2017 to October
2023, eForms from 25 October 2023 on), so that the values cross every threshold period of ISV.md section 3.
All amounts are in euro.

The same arguments give the same bytes: members are sorted, their times are their publication dates, and
the gzip header carries no name or time. `--junk N` adds N members that are not notices (other XML, a
notice cut off halfway, an empty file, bytes that are not XML) for robustness tests; they do not count in
`--count`.

The manifest (`--manifest FILE.jsonl`, one line per member, in member order) holds the facts the generator
put in each notice; see samples/notices/README.md for its fields. It says nothing about ISV applicability:
that is for the checker's rules to decide.
"""

from __future__ import annotations

import argparse
import calendar
import gzip
import io
import json
import random
import sys
import tarfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eforms_xml
import ted_xml
from notice_buyers import BUYERS, COUNTRY_SHARES, SUPPLIERS, Buyer
from notice_cpv import CPV_CODES, Cpv
from notice_records import AWARD, CONTRACT, EFORMS, PRIOR_INFORMATION, TED, Lot, Notice, Supplier, publication_id

TED_ERA = (date(2017, 4, 3), date(2023, 10, 20))
EFORMS_ERA = (date(2023, 10, 25), date(2026, 11, 27))
# the EU thresholds per period, as the checker's rules hold them (ISV.md section 3): one table, not two
THRESHOLDS = yaml.safe_load((Path(__file__).resolve().parents[2] / "rules" / "thresholds.yaml").read_text("utf-8"))
# how far from a threshold a "near" value lands: just below, exactly on it, just above
NEAR = (0.95, 0.98, 0.99, 0.999, 1.0, 1.0, 1.001, 1.01, 1.02, 1.05)
CONTRACT_TYPES = (("services", 50), ("supplies", 35), ("works", 15))
PROCEDURES = (("open", 75), ("restricted", 12), ("neg-w-call", 9), ("comp-dial", 4))
STRATEGIC = (("none", 80), ("soc-obj", 8), ("env-imp", 9), ("inn-pur", 3))
JUNK_KINDS = ("non_notice", "truncated", "empty", "not_xml")

TITLES = {
    "nl": ("Raamovereenkomst {w}", "Europese aanbesteding {w}", "Aanbesteding {w} {year}", "{W} {town}"),
    "en": ("Framework agreement for {w}", "Provision of {w}", "{W} {year}", "{W} for {town}"),
    "de": ("Rahmenvereinbarung {w}", "Vergabe {w} {year}", "{W} {town}", "Beschaffung: {w}"),
    "fr": ("Accord-cadre {w}", "Marché de {w}", "{W} {year}", "{W} - {town}"),
}
LOTS_SUFFIX = {"nl": " ({n} percelen)", "en": " ({n} lots)", "de": " ({n} Lose)", "fr": " ({n} lots)"}
LOT_TITLE = {"nl": "Perceel {i}: {W}", "en": "Lot {i}: {W}", "de": "Los {i}: {W}", "fr": "Lot {i} : {W}"}
AND = {"nl": " en ", "en": " and ", "de": " und ", "fr": " et "}
DESCRIPTION = {
    "nl": "{buyer} besteedt {what} aan. De looptijd van de opdracht is {m} maanden.",
    "en": "{buyer} is tendering {what}. The contract runs for {m} months.",
    "de": "{buyer} schreibt {what} aus. Die Laufzeit beträgt {m} Monate.",
    "fr": "{buyer} lance une consultation pour {what}. Le marché a une durée de {m} mois.",
}
PRIOR = {
    "nl": "Vooraankondiging. ",
    "en": "Prior information. ",
    "de": "Vorinformation. ",
    "fr": "Avis de préinformation. ",
}


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _issue(day: date) -> int:
    """The OJ S issue of a publication date: its working day of the year."""
    first = date(day.year, 1, 1)
    weeks, rest = divmod((day - first).days + 1, 7)
    return weeks * 5 + sum(1 for i in range(rest) if (first.weekday() + i) % 7 < 5)


def threshold(day: date, contract_type: str, central: bool) -> int:
    """The EU threshold in euro in force on `day`: values are drawn around it, on either side."""
    period = next(p for p in THRESHOLDS["thresholds"] if p["from"] <= day <= p["to"])
    key = "works" if contract_type == "works" else "central" if central else "sub_central"
    return int(period[key])


class Generator:
    """Draws the notices of one package; the same seed draws the same package."""

    def __init__(self, seed: int, eforms_share: float) -> None:
        self.rng = random.Random(seed)
        self.eforms_share = eforms_share
        self.by_country = {c: [b for b in BUYERS if b.country == c] for c in COUNTRY_SHARES}
        self.by_type = {t: [c for c in CPV_CODES if c.contract_type == t] for t, _ in CONTRACT_TYPES}
        self.sequence = 0

    # drawing the facts

    def buyer(self) -> Buyer:
        country = _weighted(self.rng, list(COUNTRY_SHARES.items()))
        buyers = self.by_country[country]
        return self.rng.choices(buyers, weights=[b.weight for b in buyers])[0]

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def day(self, era: tuple[date, date], margin: int = 0) -> date:
        span = (era[1] - era[0]).days - margin
        return _weekday(era[0] + timedelta(days=self.rng.randrange(span)))

    def published(self, dispatch: date) -> date:
        return _weekday(dispatch + timedelta(days=self.rng.randint(2, 4)))

    def codes(self, contract_type: str, count: int) -> list[Cpv]:
        pool = self.by_type[contract_type]
        risk = [c for c in pool if c.category]
        other = [c for c in pool if not c.category]
        chosen: list[Cpv] = []
        while len(chosen) < count:
            source = risk if risk and self.rng.random() < 0.45 else other
            code = self.rng.choice(source)
            if code not in chosen:
                chosen.append(code)
        return chosen

    def extra(self, main: Cpv) -> Cpv:
        """An additional code that goes with a lot's main code: mostly one of the same kind of purchase."""
        pool = self.by_type[main.contract_type]
        if main.category:
            same = [c for c in pool if c.category == main.category and c != main]
        else:
            same = [c for c in pool if not c.category and c != main] if self.rng.random() < 0.85 else pool
        return self.rng.choice(same or pool)

    def value(self, contract_type: str, buyer: Buyer, day: date) -> int | None:
        """An estimated value in cents: none, near a threshold of the day, or anywhere in a wide range."""
        roll = self.rng.random()
        if roll < 0.12:
            return None
        if roll < 0.45:
            central = buyer.central if self.rng.random() < 0.7 else not buyer.central
            euros = round(threshold(day, contract_type, central) * self.rng.choice(NEAR))
            return euros * 100
        low, high = (500_000, 60_000_000) if contract_type == "works" else (20_000, 25_000_000)
        euros = int(low * (high / low) ** self.rng.random())
        if self.rng.random() < 0.8:
            return round(euros, -3) * 100
        return euros * 100 + self.rng.randrange(100)

    def split(self, total: int, parts: int) -> list[int]:
        weights = [self.rng.uniform(0.5, 3.0) for _ in range(parts)]
        shares = [int(total * w / sum(weights)) // 100 * 100 for w in weights[:-1]]
        return [*shares, total - sum(shares)]

    # one notice of each kind

    def purchase(self, fmt: str, kind: str, buyer: Buyer, dispatch: date) -> Notice:
        rng = self.rng
        contract_type = _weighted(rng, CONTRACT_TYPES)
        n_lots = 1 if rng.random() < 0.6 else rng.choice((2, 2, 3, 3, 4, 5))
        n_lots = min(n_lots, len(self.by_type[contract_type]) - 1)
        mains = self.codes(contract_type, n_lots)
        extras: list[list[Cpv]] = []
        for main in mains:
            extra = self.extra(main) if rng.random() < 0.3 else None
            extras.append([extra] if extra is not None and extra not in mains else [])
        total = self.value(contract_type, buyer, dispatch)
        if total is None:
            lot_values: list[int | None] = [None] * n_lots
        elif n_lots == 1:
            lot_values = [total if rng.random() < 0.8 else None]
        else:
            lot_values = list(self.split(total, n_lots))
            if rng.random() < 0.15:
                total = None  # the notice states its lots' values only
        language = buyer.language
        framework = rng.random() < 0.35
        template = 0 if framework else rng.randrange(1, 4)
        months = rng.choice((12, 24, 36, 48, 48, 60))

        def title(lang: str) -> str:
            words = mains[0].words[lang]
            text = TITLES[lang][template].format(
                w=words, W=words[:1].upper() + words[1:], year=dispatch.year, town=buyer.town
            )
            return text + (LOTS_SUFFIX[lang].format(n=n_lots) if n_lots > 1 else "")

        what = [c.words[language] for c in mains]
        what_text = what[0] if len(what) == 1 else ", ".join(what[:-1]) + AND[language] + what[-1]
        description = DESCRIPTION[language].format(buyer=buyer.name, what=what_text, m=months)
        if kind == PRIOR_INFORMATION:
            description = PRIOR[language] + description
        lots = []
        for i, (main, more, value) in enumerate(zip(mains, extras, lot_values, strict=True), 1):
            words = main.words[language]
            if fmt == EFORMS:
                lot_id = f"{'PAR' if kind == PRIOR_INFORMATION else 'LOT'}-{i:04d}"
            else:
                lot_id = str(i) if n_lots > 1 else ""
            lot_title = (
                LOT_TITLE[language].format(i=i, W=words[:1].upper() + words[1:]) if n_lots > 1 else title(language)
            )
            lots.append(
                Lot(
                    id=lot_id,
                    cpv=tuple(c.code for c in (main, *more)),
                    title=lot_title,
                    value=value,
                    strategic=_weighted(rng, STRATEGIC) if fmt == EFORMS and kind != PRIOR_INFORMATION else "",
                )
            )
        additional: list[str] = []
        for lot in lots:
            for code in lot.cpv:
                if code != mains[0].code and code not in additional:
                    additional.append(code)
        self.sequence += 1
        initials = "".join(w[0] for w in buyer.name.replace("(", "").split() if w[0].isupper())[:4]
        return Notice(
            format=fmt,
            kind=kind,
            buyer=buyer,
            contract_type=contract_type,
            cpv_main=mains[0].code,
            cpv_additional=tuple(additional),
            lots=tuple(lots),
            value=total,
            procedure_type=_weighted(rng, PROCEDURES),
            dispatch=dispatch,
            publication=self.published(dispatch),
            title=title(language),
            title_en=title("en"),
            description=description,
            reference=f"{dispatch.year}-{initials}-{self.sequence:05d}",
            notice_uuid=self.uuid(),
            folder_id="" if kind == PRIOR_INFORMATION else self.uuid(),
            duration_months=months,
            framework=framework,
            issue_time=f"{rng.randint(7, 18):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}",
        )

    def award(self, notice: Notice, dispatch: date, follows: int) -> Notice:
        """The award of a procedure: its lots with a winner each, and the estimates the notice repeats."""
        rng = self.rng
        suppliers = SUPPLIERS.get(notice.buyer.language, SUPPLIERS["en"])
        repeat_estimates = rng.random() < 0.7
        lots = []
        for lot in notice.lots:
            base = lot.value if lot.value is not None else (notice.value or 0) // len(notice.lots)
            if base == 0:
                base = self.value(notice.contract_type, notice.buyer, dispatch) or 25_000_000
            awarded = round(base * rng.uniform(0.78, 1.08) / 100) * 100
            winner = Supplier(*rng.choice(suppliers))
            lots.append(
                replace(
                    lot,
                    value=lot.value if repeat_estimates else None,
                    awarded=awarded,
                    winner=winner,
                    tenders=rng.randint(1, 9),
                )
            )
        value = notice.value if repeat_estimates and notice.format == EFORMS else None
        return replace(
            notice,
            kind=AWARD,
            lots=tuple(lots),
            value=value,
            dispatch=dispatch,
            publication=self.published(dispatch),
            notice_uuid=self.uuid(),
            issue_time=f"{rng.randint(7, 18):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}",
            follows=follows,
        )

    def notices(self, count: int) -> list[Notice]:
        rng = self.rng
        notices: list[Notice] = []
        while len(notices) < count:
            fmt = EFORMS if rng.random() < self.eforms_share else TED
            era = EFORMS_ERA if fmt == EFORMS else TED_ERA
            roll = rng.random()
            if roll < 0.12:
                notices.append(self.purchase(fmt, PRIOR_INFORMATION, self.buyer(), self.day(era)))
            elif roll < 0.18:
                # an award whose contract notice was published before the package
                contract = self.purchase(fmt, CONTRACT, self.buyer(), self.day(era))
                award = self.award(contract, contract.dispatch, -1)
                notices.append(award)
            else:
                contract = self.purchase(fmt, CONTRACT, self.buyer(), self.day(era, margin=250))
                notices.append(contract)
                if len(notices) < count and rng.random() < 0.5:
                    dispatch = _weekday(contract.publication + timedelta(days=rng.randint(45, 240)))
                    notices.append(self.award(contract, dispatch, len(notices) - 1))
        return self.numbered(notices)

    def numbered(self, notices: list[Notice]) -> list[Notice]:
        """Publication numbers as TED gives them: rising with the issue, unique within a year."""
        used: dict[int, set[int]] = {}
        order = sorted(range(len(notices)), key=lambda i: (notices[i].publication, i))
        result = list(notices)
        for i in order:
            n = notices[i]
            issue = _issue(n.publication)
            result[i] = replace(n, issue=issue, number=self.number(used, n.publication.year, issue))
        for i, n in enumerate(result):
            if n.kind != AWARD:
                continue
            if n.follows >= 0:
                result[i] = replace(n, refers_to=result[n.follows].publication_id)
            elif n.format == TED:
                # the OJ number of a contract notice from before the package
                earlier = _weekday(n.dispatch - timedelta(days=self.rng.randint(60, 400)))
                issue = _issue(earlier)
                number = self.number(used, earlier.year, issue)
                result[i] = replace(n, refers_to=publication_id(TED, number, earlier, issue))
        return result

    def number(self, used: dict[int, set[int]], year: int, issue: int) -> int:
        taken = used.setdefault(year, set())
        while True:
            number = (issue - 1) * 3000 + 1 + self.rng.randrange(2999)
            if number not in taken:
                taken.add(number)
                return number


def member_name(n: Notice) -> str:
    digits = 8 if n.format == EFORMS else 6
    return f"{n.publication:%Y%m%d}_{n.issue:03d}/{n.number:0{digits}d}_{n.publication.year}.xml"


def render(n: Notice) -> bytes:
    if n.format == TED:
        return ted_xml.render(n)
    sdk = {2023: "1.9", 2024: "1.10", 2025: "1.13"}.get(n.publication.year, "1.15")
    return eforms_xml.render(n, sdk)


def manifest_line(member: str, n: Notice, contract_notices: set[str]) -> dict[str, object]:
    form = {
        (EFORMS, CONTRACT): "cn-standard",
        (EFORMS, AWARD): "can-standard",
        (EFORMS, PRIOR_INFORMATION): "pin-only",
        (TED, CONTRACT): "F02",
        (TED, AWARD): "F03",
        (TED, PRIOR_INFORMATION): "F01",
    }[(n.format, n.kind)]
    lots = []
    for lot in n.lots:
        entry: dict[str, object] = {"id": lot.id or None, "cpv": list(lot.cpv), "value": _euros(lot.value)}
        if n.format == EFORMS and n.kind != PRIOR_INFORMATION:
            entry["strategic_procurement"] = lot.strategic
        if n.kind == AWARD:
            entry["awarded_value"] = _euros(lot.awarded)
            entry["winner"] = lot.winner.name if lot.winner else None
        lots.append(entry)
    contract_notice = None
    if n.kind == AWARD and n.refers_to in contract_notices:
        contract_notice = n.refers_to
    return {
        "member": member,
        "format": n.format,
        "kind": n.kind,
        "form": form,
        "publication_number": n.publication_id,
        "procedure_key": n.procedure_key,
        "contract_notice": contract_notice,
        "buyer": n.buyer.name,
        "legal_type": n.buyer.legal_type if n.format == EFORMS else (n.buyer.ca_type or "CA_TYPE_OTHER"),
        "legal_type_other": n.buyer.ca_type_other if n.format == TED and not n.buyer.ca_type else None,
        "country": n.buyer.country,
        "contract_type": n.contract_type,
        "procedure_type": None if n.kind == PRIOR_INFORMATION else n.procedure_type,
        "cpv_main": n.cpv_main,
        "cpv_additional": list(n.cpv_additional),
        "lots": lots,
        "estimated_value": _euros(n.value),
        "currency": "EUR",
        "title": n.title,
        "dispatch_date": n.dispatch.isoformat(),
        "publication_date": n.publication.isoformat(),
    }


def _euros(cents: int | None) -> float | None:
    return None if cents is None else cents / 100


def junk(
    rng: random.Random, count: int, notices: list[Notice], rendered: dict[str, bytes]
) -> list[tuple[str, bytes, str]]:
    """Members that are not notices, hidden among the notices under notice-like names."""
    used = {member_name(n) for n in notices}
    members = sorted(rendered)
    result = []
    for i in range(count):
        kind = JUNK_KINDS[i % len(JUNK_KINDS)]
        host = notices[rng.randrange(len(notices))]
        digits = 8 if host.format == EFORMS else 6
        while True:
            name = f"{host.publication:%Y%m%d}_{host.issue:03d}/{rng.randrange(10 ** (digits - 1), 10**digits):0{digits}d}_{host.publication.year}.xml"
            if name not in used:
                used.add(name)
                break
        if kind == "non_notice":
            data = rng.choice(NON_NOTICES).encode("utf-8")
        elif kind == "truncated":
            whole = rendered[members[rng.randrange(len(members))]]
            data = whole[: int(len(whole) * rng.uniform(0.3, 0.8))]
        elif kind == "empty":
            data = b""
        else:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(64, 2048)))
        result.append((name, data, kind))
    return result


NON_NOTICES = (
    """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" \
xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>INV-2024-0042</cbc:ID>
  <cbc:IssueDate>2024-03-01</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
</Invoice>
""",
    """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>TED - Tenders Electronic Daily</title>
    <link>https://ted.europa.eu</link>
    <item><title>Netherlands-Den Haag: Portable computers</title></item>
  </channel>
</rss>
""",
    """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>503 Service Unavailable</title></head>
<body><p>The service is temporarily unavailable.</p></body></html>
""",
)


def write_package(path: Path, members: list[tuple[str, bytes]]) -> None:
    """A gzip tar whose bytes depend on the members only: sorted, fixed times and owners, no gzip name."""
    folders = sorted({name.split("/")[0] for name, _ in members})
    entries: list[tuple[str, bytes | None]] = [(f, None) for f in folders] + list(members)
    entries.sort(key=lambda e: e[0])
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.USTAR_FORMAT) as tar,
    ):
        for name, data in entries:
            day = date(int(name[:4]), int(name[4:6]), int(name[6:8]))
            info = tarfile.TarInfo(name)
            info.mtime = calendar.timegm(day.timetuple())
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if data is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                info.mode = 0o644
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))


def build(
    count: int, seed: int, junk_count: int = 0, eforms_share: float = 0.7
) -> tuple[list[tuple[str, bytes]], list[dict[str, object]]]:
    """The package's members and the manifest lines, both in member order."""
    generator = Generator(seed, eforms_share)
    notices = generator.notices(count)
    contract_notices = {n.publication_id for n in notices if n.kind == CONTRACT}
    rendered = {member_name(n): render(n) for n in notices}
    lines = {member_name(n): manifest_line(member_name(n), n, contract_notices) for n in notices}
    members = dict(rendered)
    for name, data, kind in junk(generator.rng, junk_count, notices, rendered):
        members[name] = data
        lines[name] = {"member": name, "format": "junk", "kind": kind}
    order = sorted(members)
    return [(name, members[name]) for name in order], [lines[name] for name in order]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=3000, help="number of notices (default 3000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the .tar.gz to write")
    parser.add_argument("--manifest", type=Path, help="write the ground truth as JSON Lines here")
    parser.add_argument("--junk", type=int, default=0, metavar="N", help="add N members that are not notices")
    parser.add_argument("--eforms-share", type=float, default=0.7, help="share of eForms notices (default 0.7)")
    args = parser.parse_args(argv)
    if args.count < 1 or args.junk < 0 or not 0 <= args.eforms_share <= 1:
        parser.error("--count must be at least 1, --junk at least 0 and --eforms-share between 0 and 1")
    started = time.perf_counter()
    members, lines = build(args.count, args.seed, args.junk, args.eforms_share)
    write_package(args.output, members)
    if args.manifest:
        with args.manifest.open("w", encoding="utf-8") as out:
            for line in lines:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    eforms = sum(1 for line in lines if line["format"] == EFORMS)
    ted = sum(1 for line in lines if line["format"] == TED)
    print(
        f"{args.output}: {eforms + ted} notices ({eforms} eForms, {ted} TED R2.0.9), "
        f"{len(lines) - eforms - ted} junk members, {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
