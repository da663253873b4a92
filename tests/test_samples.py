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
        # a reader that ran paragraphs together would give a long document few blocks; a short letter
        # or order has few anyway (one block per 200 characters at least, up to 15)
        assert report.document.block_count >= min(15, report.document.characters // 200), path.name


def test_the_block_builder_takes_its_fast_path():
    """The fast path is switched on only where it makes what validation makes for a sample of every
    field; a field added to `Block` and not to the sample switched it off silently (issue 19)."""
    from isv_checker.readers import builder

    assert builder._make_block.__name__ == "trusted"


def test_every_block_a_reader_makes_is_what_validation_would_make():
    """The block builder skips pydantic's validation (a hot path); each reader must still hand it
    values of the declared types, so a block re-validated from its own fields is the same block."""
    from isv_checker.document import Block, BlockKind
    from isv_checker.readers import read_path

    fixtures = SAMPLES.parent / "tests" / "fixtures"
    documents = sorted(
        p for p in [*SAMPLES.iterdir(), *fixtures.rglob("*")] if p.suffix in (".docx", ".pdf", ".txt", ".odt")
    )
    assert {p.suffix for p in documents} >= {".docx", ".pdf", ".txt"}
    exact = (int, str, bool, tuple, type(None), BlockKind)
    for path in documents:
        for block in read_path(path).blocks:
            assert Block.model_validate(block.model_dump()) == block, (path.name, block.index)
            assert all(type(value) in exact for value in block.__dict__.values()), (path.name, block.index)
            assert type(block.kind) is BlockKind, (path.name, block.index)
            assert all(type(title) is str for title in block.heading_path), (path.name, block.index)
