"""samples/notices/make_bulk.py: the bulk package of notices that the notice tests and the benchmark run on.

The package is run as a person runs it (the script, in a subprocess) and then read back with lxml, with no
DTD and no network: every notice must be well-formed, say what the manifest says it says, and every award
the manifest ties to a contract notice must find that notice in the package.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tarfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from lxml import etree

from .conftest import ROOT

SCRIPT = ROOT / "samples" / "notices" / "make_bulk.py"
COUNT = 1200
JUNK = 8
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

UBL = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
}
TED_NS = "http://publications.europa.eu/resource/schema/ted/R2.0.9/publication"
T = {"t": TED_NS, "n2016": "http://publications.europa.eu/resource/schema/ted/2016/nuts"}
EFORMS_ROOTS = {
    "contract": "ContractNotice",
    "award": "ContractAwardNotice",
    "prior_information": "PriorInformationNotice",
}
TED_FORMS = {"contract": "F02_2014", "award": "F03_2014", "prior_information": "F01_2014"}
ALPHA2 = {"NLD": "NL", "BEL": "BE", "DEU": "DE", "FRA": "FR", "AUT": "AT", "IRL": "IE", "LUX": "LU", "FIN": "FI"}


def _run(out: Path, seed: int, hash_seed: str, count: int = COUNT) -> tuple[Path, Path]:
    stem = f"bulk-{seed}-{hash_seed}-{count}"
    package, manifest = out / f"{stem}.tar.gz", out / f"{stem}.jsonl"
    command = [sys.executable, str(SCRIPT), "--count", str(count), "--seed", str(seed), "--junk", str(JUNK)]
    command += ["-o", str(package), "--manifest", str(manifest)]
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert f"{count} notices" in done.stdout
    return package, manifest


@pytest.fixture(scope="module")
def bulk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _run(tmp_path_factory.mktemp("bulk"), 7, "1")


@pytest.fixture(scope="module")
def manifest(bulk: tuple[Path, Path]) -> list[dict]:
    return [json.loads(line) for line in bulk[1].read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def members(bulk: tuple[Path, Path]) -> dict[str, bytes]:
    with tarfile.open(bulk[0]) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


@pytest.fixture(scope="module")
def trees(manifest: list[dict], members: dict[str, bytes]) -> dict[str, etree._Element]:
    return {
        line["member"]: etree.fromstring(members[line["member"]], PARSER)
        for line in manifest
        if line["format"] != "junk"
    }


def test_same_arguments_give_the_same_bytes(bulk: tuple[Path, Path], tmp_path: Path):
    package, manifest = _run(tmp_path, 7, "2")  # another hash seed: no set order may leak into the output
    assert package.read_bytes() == bulk[0].read_bytes()
    assert manifest.read_bytes() == bulk[1].read_bytes()
    small, other = _run(tmp_path, 7, "1", count=100)[0], _run(tmp_path, 8, "1", count=100)[0]
    assert small.read_bytes() != other.read_bytes()  # the seed is used


def test_members_are_laid_out_like_a_ted_daily_package(bulk: tuple[Path, Path], manifest: list[dict]):
    with tarfile.open(bulk[0]) as tar:
        infos = tar.getmembers()
    names = [i.name for i in infos]
    assert names == sorted(names)
    folders = {i.name for i in infos if i.isdir()}
    files = [i for i in infos if i.isfile()]
    assert [i.name for i in files] == [line["member"] for line in manifest]
    assert len(files) == COUNT + JUNK
    for info in files:
        assert info.name.split("/")[0] in folders
        assert (info.uid, info.gid, info.uname, info.gname) == (0, 0, "", "")
    for line in manifest:
        if line["format"] == "junk":
            continue
        folder, _, file = line["member"].partition("/")
        number = line["publication_number"]
        published = date.fromisoformat(line["publication_date"])
        assert re.fullmatch(r"\d{8}_\d{3}", folder) and folder[:8] == published.strftime("%Y%m%d")
        if line["format"] == "eforms":
            assert re.fullmatch(r"\d{8}-\d{4}", number)
            assert file == number.replace("-", "_") + ".xml"
        else:  # 2020/S 087-209416 -> 209416_2020.xml, in issue 087
            year, issue, serial = re.fullmatch(r"(\d{4})/S (\d{3})-(\d{6})", number).groups()
            assert file == f"{serial}_{year}.xml" and folder.endswith("_" + issue)
        assert date.fromisoformat(line["dispatch_date"]) < published


def test_every_notice_is_well_formed_and_of_its_kind(manifest: list[dict], trees: dict[str, etree._Element]):
    for line in manifest:
        if line["format"] == "junk":
            continue
        root = trees[line["member"]]
        name = etree.QName(root)
        if line["format"] == "eforms":
            assert name.localname == EFORMS_ROOTS[line["kind"]]
            assert name.namespace == f"urn:oasis:names:specification:ubl:schema:xsd:{name.localname}-2"
            assert root.findtext("cbc:NoticeTypeCode", namespaces=UBL) == line["form"]
        else:
            assert (name.namespace, name.localname) == (TED_NS, "TED_EXPORT")
            assert root.find(f"t:FORM_SECTION/t:{TED_FORMS[line['kind']]}", T) is not None
            assert line["form"] == TED_FORMS[line["kind"]][:3]


def test_junk_members_are_not_notices(manifest: list[dict], members: dict[str, bytes]):
    junk = [line for line in manifest if line["format"] == "junk"]
    assert Counter(line["kind"] for line in junk) == {"non_notice": 2, "truncated": 2, "empty": 2, "not_xml": 2}
    for line in junk:
        data = members[line["member"]]
        if line["kind"] == "non_notice":
            root = etree.fromstring(data, PARSER)
            assert etree.QName(root).localname not in {*EFORMS_ROOTS.values(), "TED_EXPORT"}
        else:
            with pytest.raises(etree.XMLSyntaxError):
                etree.fromstring(data, PARSER)


def _facts(line: dict, root: etree._Element) -> dict:
    """The facts a manifest line states, read back from the XML with plain XPath."""
    if line["format"] == "eforms":
        ns = UBL
        value = root.findtext(
            "cac:ProcurementProject/cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount", namespaces=ns
        )
        return {
            "publication_number": root.findtext(".//efac:Publication/efbc:NoticePublicationID", namespaces=ns),
            "procedure_key": root.findtext("cbc:ContractFolderID", namespaces=ns),
            "buyer": root.findtext(".//efac:Organization/efac:Company/cac:PartyName/cbc:Name", namespaces=ns),
            "country": ALPHA2[root.findtext(".//efac:Organization/efac:Company//cbc:IdentificationCode", namespaces=ns)],
            "legal_type": root.findtext("cac:ContractingParty//cbc:PartyTypeCode", namespaces=ns),
            "contract_type": root.findtext("cac:ProcurementProject/cbc:ProcurementTypeCode", namespaces=ns),
            "cpv_main": root.findtext("cac:ProcurementProject/cac:MainCommodityClassification/cbc:ItemClassificationCode", namespaces=ns),
            "cpv_additional": root.xpath("cac:ProcurementProject/cac:AdditionalCommodityClassification/cbc:ItemClassificationCode/text()", namespaces=ns),
            "estimated_value": None if value is None else float(value),
            "lots": root.xpath("cac:ProcurementProjectLot/cbc:ID/text()", namespaces=ns),
            "dispatch_date": root.findtext("cbc:IssueDate", namespaces=ns)[:10],
        }  # fmt: skip
    form = root.find("t:FORM_SECTION/*", T)
    value = form.findtext("t:OBJECT_CONTRACT/t:VAL_ESTIMATED_TOTAL", namespaces=T)
    additional = []
    for code in form.xpath("t:OBJECT_CONTRACT/t:OBJECT_DESCR/t:CPV_ADDITIONAL/t:CPV_CODE/@CODE", namespaces=T):
        if code not in additional:
            additional.append(code)
    ca_type = form.find("t:CONTRACTING_BODY/t:CA_TYPE", T)
    lots = form.xpath("t:OBJECT_CONTRACT/t:OBJECT_DESCR", namespaces=T)
    key = form.findtext("t:PROCEDURE/t:NOTICE_NUMBER_OJ", namespaces=T) or root.findtext(
        ".//t:NOTICE_DATA/t:NO_DOC_OJS", namespaces=T
    )
    return {
        "publication_number": root.findtext("t:CODED_DATA_SECTION/t:NOTICE_DATA/t:NO_DOC_OJS", namespaces=T),
        "procedure_key": None if line["kind"] == "prior_information" else key,
        "buyer": form.findtext("t:CONTRACTING_BODY/t:ADDRESS_CONTRACTING_BODY/t:OFFICIALNAME", namespaces=T),
        "country": root.find("t:CODED_DATA_SECTION/t:NOTICE_DATA/t:ISO_COUNTRY", T).get("VALUE"),
        "legal_type": "CA_TYPE_OTHER" if ca_type is None else ca_type.get("VALUE"),
        "contract_type": form.find("t:OBJECT_CONTRACT/t:TYPE_CONTRACT", T).get("CTYPE").lower(),
        "cpv_main": form.find("t:OBJECT_CONTRACT/t:CPV_MAIN/t:CPV_CODE", T).get("CODE"),
        "cpv_additional": [c for c in additional if c != form.find("t:OBJECT_CONTRACT/t:CPV_MAIN/t:CPV_CODE", T).get("CODE")],
        "estimated_value": None if value is None else float(value),
        "lots": [d.findtext("t:LOT_NO", namespaces=T) for d in lots],
        "dispatch_date": form.findtext("t:COMPLEMENTARY_INFO/t:DATE_DISPATCH_NOTICE", namespaces=T),
    }  # fmt: skip


def test_the_manifest_states_what_the_notices_state(manifest: list[dict], trees: dict[str, etree._Element]):
    for line in manifest:
        if line["format"] == "junk":
            continue
        facts = _facts(line, trees[line["member"]])
        expected = {key: line[key] for key in facts if key != "lots"}
        assert {key: value for key, value in facts.items() if key != "lots"} == expected, line["member"]
        assert facts["lots"] == [lot["id"] for lot in line["lots"]], line["member"]


def test_counts_per_format_and_country_match_the_manifest(manifest: list[dict], trees: dict[str, etree._Element]):
    from_xml = Counter(
        ("eforms" if etree.QName(root).localname in EFORMS_ROOTS.values() else "ted", _facts(line, root)["country"])
        for line, root in ((line, trees[line["member"]]) for line in manifest if line["format"] != "junk")
    )
    from_manifest = Counter((line["format"], line["country"]) for line in manifest if line["format"] != "junk")
    assert from_xml == from_manifest
    formats = Counter(line["format"] for line in manifest)
    assert 0.6 < formats["eforms"] / COUNT < 0.8 and formats["junk"] == JUNK
    countries = Counter(line["country"] for line in manifest if line["format"] != "junk")
    assert countries.most_common(1)[0][0] == "NL" and {"BE", "DE", "FR"} < set(countries) and len(countries) >= 6


def test_every_award_follows_its_contract_notice_in_the_package(manifest: list[dict], trees: dict[str, etree._Element]):
    contracts = {line["publication_number"]: line for line in manifest if line.get("kind") == "contract"}
    keys = {line["procedure_key"] for line in contracts.values()}
    awards = [line for line in manifest if line.get("kind") == "award"]
    followed = [line for line in awards if line["contract_notice"] is not None]
    assert len(followed) > COUNT // 5 and len(awards) > len(followed)  # and some whose notice is older
    for award in awards:
        if award["contract_notice"] is None:
            assert award["procedure_key"] not in keys
            continue
        contract = contracts[award["contract_notice"]]
        assert award["procedure_key"] == contract["procedure_key"]
        assert (award["buyer"], award["format"]) == (contract["buyer"], contract["format"])
        assert award["dispatch_date"] > contract["publication_date"]
        root = trees[award["member"]]
        if award["format"] == "eforms":
            folder = trees[contract["member"]].findtext("cbc:ContractFolderID", namespaces=UBL)
            assert root.findtext("cbc:ContractFolderID", namespaces=UBL) == folder
        else:  # F03 -> the F02's OJ number, in the form and in the coded data
            assert (
                root.findtext(".//t:F03_2014/t:PROCEDURE/t:NOTICE_NUMBER_OJ", namespaces=T)
                == contract["publication_number"]
            )
            assert root.findtext(".//t:REF_NOTICE/t:NO_DOC_OJS", namespaces=T) == contract["publication_number"]


def _load(name: str):
    """One of the generator's modules, without putting samples/notices on sys.path for the whole session."""
    spec = importlib.util.spec_from_file_location(f"_bulk_{name}", ROOT / "samples" / "notices" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _rule_categories() -> dict[str, list[str]]:
    data = yaml.safe_load((ROOT / "rules" / "categories.yaml").read_text(encoding="utf-8"))
    return {c["id"].removeprefix("ISV-CAT-").lower().replace("-", "_"): c["cpv"] for c in data["categories"]}


def test_the_generators_category_tags_agree_with_the_rules():
    """The generator draws purchases in and out of the categories; the rules say which codes those are."""
    rules = _rule_categories()
    codes = _load("notice_cpv").CPV_CODES
    for code in codes:
        matching = {cat for cat, prefixes in rules.items() if any(code.code.startswith(p) for p in prefixes)}
        assert matching == ({code.category} if code.category else set()), code.code
    assert {c.category for c in codes if c.category} == set(rules)


def test_the_mix_has_what_the_notice_tests_need(manifest: list[dict]):
    rules = _rule_categories()
    notices = [line for line in manifest if line["format"] != "junk"]

    def in_category(code: str) -> bool:
        return any(code.startswith(p) for prefixes in rules.values() for p in prefixes)

    mixed = [n for n in notices if len(n["lots"]) > 1 and len({in_category(lot["cpv"][0]) for lot in n["lots"]}) == 2]
    assert len(mixed) > 50
    assert {"works", "supplies", "services"} == {n["contract_type"] for n in notices}
    assert {"cga", "body-pl-cga", "la", "ra", "body-pl", "org-sub"} <= {n["legal_type"] for n in notices}
    ted_types = {"MINISTRY", "NATIONAL_AGENCY", "REGIONAL_AUTHORITY", "BODY_PUBLIC", "CA_TYPE_OTHER"}
    assert ted_types <= {n["legal_type"] for n in notices}
    no_value = [n for n in notices if n["estimated_value"] is None and all(lot["value"] is None for lot in n["lots"])]
    assert len(no_value) > 50
    periods = yaml.safe_load((ROOT / "rules" / "thresholds.yaml").read_text(encoding="utf-8"))["thresholds"]
    below = above = exact = 0
    for n in notices:
        value, day = n["estimated_value"], date.fromisoformat(n["dispatch_date"])
        if value is None:
            continue
        period = next(p for p in periods if p["from"] <= day <= p["to"])
        for limit in (period["central"], period["sub_central"], period["works"]):
            below += limit * 0.97 <= value < limit
            above += limit < value <= limit * 1.03
            exact += value == limit
    assert below > 20 and above > 20 and exact > 10
    assert {n["dispatch_date"][:4] for n in notices} >= {str(y) for y in range(2017, 2027)}


def test_eforms_notices_validate_against_the_sdk_schemas(manifest: list[dict], trees: dict[str, etree._Element]):
    """Needs the schemas/ folder of OP-TED/eForms-SDK in EFORMS_SDK_SCHEMAS; the repository does not bundle it."""
    folder = os.environ.get("EFORMS_SDK_SCHEMAS")
    if not folder or not (Path(folder) / "maindoc" / "UBL-ContractNotice-2.3.xsd").is_file():
        pytest.skip("set EFORMS_SDK_SCHEMAS to the schemas/ folder of an eForms SDK 1.x checkout")
    schemas = {
        root: etree.XMLSchema(etree.parse(str(Path(folder) / "maindoc" / f"UBL-{root}-2.3.xsd")))
        for root in EFORMS_ROOTS.values()
    }
    for line in manifest:
        if line["format"] == "eforms":
            root = trees[line["member"]]
            schema = schemas[etree.QName(root).localname]
            assert schema.validate(root), (line["member"], str(schema.error_log.last_error))
