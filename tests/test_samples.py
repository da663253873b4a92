"""The bundled samples are built from their sources: a source edited without a rebuild fails here."""

from __future__ import annotations

import hashlib
import json

import yaml

from isv_checker.pipeline import check

from .conftest import SAMPLES


def test_manifest_matches_sources_and_outputs_exist():
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))["sources"]
    sources = sorted((SAMPLES / "source").glob("*.sample"))
    assert sources
    assert sorted(manifest) == sorted(f"source/{p.name}" for p in sources)
    for source in sources:
        entry = manifest[f"source/{source.name}"]
        assert entry["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest(), (
            f"{source.name} changed since the last build: run python samples/build_samples.py"
        )
        for output in entry["outputs"]:
            assert (SAMPLES / output).is_file(), output


def test_every_sample_output_has_a_label_and_reads():
    labels = yaml.safe_load((SAMPLES / "labels.yaml").read_text(encoding="utf-8"))
    documents = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".docx", ".pdf", ".txt"))
    assert {p.name for p in documents} == set(labels)
    for path in documents:
        report = check(path)
        assert report.status.value in ("ok", "ocr"), (path.name, report.status, report.status_message)
        assert report.document.block_count >= 15, path.name
