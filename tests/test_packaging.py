"""An installed wheel carries the default rules and templates and reads them from inside the package,
as a clone reads them from the repository's own `rules/` and `templates/`."""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from isv_checker import resources

from .conftest import ROOT

DATA = {
    "isv_checker.rules": "rules",
    "isv_checker.templates": "templates",
    "isv_checker.templates.web": "templates/web",
}


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_the_wheel_lists_every_code_package_and_maps_the_data_folders():
    config = _setuptools()
    code = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "isv_checker").rglob("__init__.py")}
    assert set(config["packages"]) == code | set(DATA), "pyproject.toml's packages must list every package"
    assert config["package-dir"] == DATA
    for package, folder in DATA.items():
        patterns = config["package-data"][package]
        files = [p for p in (ROOT / folder).iterdir() if p.is_file()]
        assert files
        for path in files:
            assert any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns), f"{path} is left out of the wheel"


def test_data_dir_prefers_the_package_copy(tmp_path, monkeypatch):
    package = tmp_path / "site" / "isv_checker"
    (package / "rules").mkdir(parents=True)
    (tmp_path / "site" / "rules").mkdir()  # an unrelated top-level folder beside it in site-packages
    monkeypatch.setattr(resources, "_PACKAGE", package)
    assert resources.data_dir("rules") == package / "rules"
    monkeypatch.setattr(resources, "_PACKAGE", ROOT / "isv_checker")
    assert resources.data_dir("rules") == ROOT / "rules"
    assert resources.data_dir("templates") == ROOT / "templates"


def test_a_built_wheel_checks_a_document_with_its_own_rules(tmp_path):
    """Build the wheel, unpack it as an installed package, and run the checker from it alone: without
    `site` (so the editable install's finder is not loaded) and outside the repository."""
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if built.returncode != 0 and "Could not find a version" in built.stderr:
        pytest.skip("the build backend cannot be installed here (no package index)")
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("isv_checker-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(site)
    for folder in ("rules", "templates", "templates/web"):
        for path in (ROOT / folder).glob("*.*"):
            assert f"isv_checker/{folder}/{path.name}" in names
    sample = ROOT / "samples" / "bz-managed-connectivity-2025.pdf"
    script = (
        "import isv_checker, sys; from isv_checker.pipeline import check; from isv_checker.render.templates import "
        "DEFAULT_TEMPLATES_DIR; from isv_checker.ruleset.load import DEFAULT_RULES_DIR; "
        f"r = check({str(sample)!r}); print(isv_checker.__file__, DEFAULT_RULES_DIR, DEFAULT_TEMPLATES_DIR, r.verdict)"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]),
    }
    run = subprocess.run(
        [sys.executable, "-S", "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    module, rules, templates, verdict = run.stdout.split()
    assert Path(module).is_relative_to(site)
    assert Path(rules) == site / "isv_checker" / "rules" and Path(templates) == site / "isv_checker" / "templates"
    from isv_checker.pipeline import check

    assert verdict == check(sample).verdict
