"""Builds the bundled tender dossiers from their sources.

Each folder in `samples/tenders/source/` is one tender: a `tender.yaml` (how it is packaged and its
ground-truth label, the tender's verdict) and one `.sample` per document (the format of
`build_samples.py`, each with exactly one output and its own per-document label), plus `raw/` files
that are copied as they are (a corrupt PDF, a page saved under the wrong name), named with `.raw`
added (`Annex 5 Price Schedule.pdf.raw`), so that a scan of the samples folder does not read them. The dossier is written
to `samples/tenders/NAME/` or, for `packaging: zip`, `samples/tenders/NAME.zip`, with the documents
in the sub-folders `subfolders` names. `samples/tenders/labels.yaml` holds every tender's label.

    python samples/build_tenders.py              # build every dossier
    python samples/build_tenders.py --only NAME  # build one dossier
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_samples import CATEGORIES, ELEMENTS, VERDICTS, SourceError, build, load_sources
from build_samples import LABEL_KEYS as DOCUMENT_LABEL_KEYS

TENDERS_DIR = Path(__file__).resolve().parent / "tenders"
SOURCE_DIR = TENDERS_DIR / "source"
LABELS = "labels.yaml"
TENDER_KEYS = {"packaging", "subfolders", "raw", "label"}
# a tender's label has a document label's facts and clause, not its decoys (each file's own label lists
# those), and names the files that hold the clause
LABEL_KEYS = (DOCUMENT_LABEL_KEYS - {"decoys", "annex_elsewhere"}) | {"clause_files"}
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # members get a fixed time, so a rebuild of the same files is the same ZIP


def check_tender_label(name: str, data: object, stems: set[str]) -> dict:
    def fail(message: str) -> SourceError:
        return SourceError(f"{name}/tender.yaml: {message}")

    if not isinstance(data, dict) or set(data) - TENDER_KEYS or "label" not in data:
        raise fail(f"needs a mapping with keys from {sorted(TENDER_KEYS)}, `label` among them")
    if data.get("packaging", "folder") not in ("folder", "zip"):
        raise fail("packaging is `folder` or `zip`")
    label = data["label"]
    if not isinstance(label, dict) or set(label) - LABEL_KEYS:
        raise fail(f"label keys are {sorted(LABEL_KEYS)}")
    if label.get("verdict") not in VERDICTS:
        raise fail(f"label: verdict must be one of {list(VERDICTS)}")
    if not set(label.get("categories") or ()) <= set(CATEGORIES):
        raise fail("label: unknown category")
    if not set(label.get("elements_present") or ()) <= set(ELEMENTS):
        raise fail("label: unknown element")
    unknown = set(label.get("clause_files") or ()) - stems
    if unknown:
        raise fail(f"label: clause_files names no document of the dossier: {sorted(unknown)}")
    for stem in data.get("subfolders") or {}:
        if stem not in stems:
            raise fail(f"subfolders: no document {stem!r}")
    return label


def build_dossier(folder: Path, out_root: Path) -> tuple[str, dict]:
    """Build one dossier; returns (the name it is labelled under, its label)."""
    samples = load_sources(source_dir=folder)
    for sample in samples:
        if len(sample.outputs) != 1:
            raise SourceError(f"{sample.source}: a document of a dossier has exactly one output")
    data = yaml.safe_load((folder / "tender.yaml").read_text(encoding="utf-8"))
    label = check_tender_label(folder.name, data, {s.name for s in samples})
    subfolders = data.get("subfolders") or {}
    with tempfile.TemporaryDirectory(prefix="isv-tender-") as tmp:
        built, staged = Path(tmp) / "built", Path(tmp) / folder.name
        written = build(samples, built)
        for sample in samples:
            target = staged / subfolders.get(sample.name, "")
            target.mkdir(parents=True, exist_ok=True)
            for file in written[sample.name]:
                shutil.copyfile(built / file, target / file)
        raw = folder / "raw"
        if raw.is_dir():
            for file in sorted(raw.iterdir()):
                shutil.copyfile(file, staged / file.name.removesuffix(".raw"))
        folder_out, zip_out = out_root / folder.name, out_root / f"{folder.name}.zip"
        shutil.rmtree(folder_out, ignore_errors=True)
        zip_out.unlink(missing_ok=True)
        if data.get("packaging", "folder") == "zip":
            with zipfile.ZipFile(zip_out, "w", zipfile.ZIP_DEFLATED) as archive:
                for file in sorted(p for p in staged.rglob("*") if p.is_file()):
                    info = zipfile.ZipInfo(file.relative_to(staged).as_posix(), ZIP_TIME)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, file.read_bytes())
            return zip_out.name, label
        shutil.copytree(staged, folder_out)
        return folder_out.name, label


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", metavar="NAME", help="build only this dossier (its source folder's name)")
    args = parser.parse_args(argv)
    folders = sorted(p for p in SOURCE_DIR.iterdir() if (p / "tender.yaml").is_file())
    if args.only:
        folders = [f for f in folders if f.name == args.only]
        if not folders:
            print(f"error: no dossier {args.only!r} in {SOURCE_DIR}", file=sys.stderr)
            return 2
    labels_path = TENDERS_DIR / LABELS
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8")) if labels_path.is_file() else {}
    labels = {k: v for k, v in (labels or {}).items() if (SOURCE_DIR / k.removesuffix(".zip")).is_dir()}
    try:
        for folder in folders:
            name, label = build_dossier(folder, TENDERS_DIR)
            labels.pop(f"{folder.name}.zip", None)
            labels.pop(folder.name, None)
            labels[name] = label
            print(f"{name}: {len(list(folder.glob('*.sample')))} documents")
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    header = "# The ground truth of every tender dossier, written by samples/build_tenders.py from tender.yaml\n"
    labels_path.write_text(header + yaml.safe_dump(labels, allow_unicode=True, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
