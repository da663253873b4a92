"""`isv-check CMD --help` as a person reads it: arguments by readable names, and what a command reads."""

from __future__ import annotations

import pytest
import typer

from isv_checker.cli import main
from isv_checker.cli.app import app

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main([*argv, "--help"]) == 0
    return capsys.readouterr().out


def test_every_command_is_listed():
    assert {"scan", "tender", "batch", "results", "export", "sdg-table", "memo", "annotate"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_usage_names_arguments_without_typer_internals(command, capsys):
    """Regression (issue 18): usage lines showed `{paths}...` and arguments `<list[Path]>`."""
    out = _help(capsys, command)
    assert "{" not in out and "<list[" not in out, out
    assert "<str>" not in out.split("Options:")[0], out  # an argument is named, not typed


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("scan", "isv-check scan [OPTIONS] PATH..."),
        ("tender", "isv-check tender [OPTIONS] DOSSIER..."),
        ("batch", "isv-check batch [OPTIONS] PATH..."),
        ("sdg-table", "isv-check sdg-table [OPTIONS] RESULTS..."),
        ("memo", "isv-check memo [OPTIONS] DOCUMENT"),
        ("annotate", "isv-check annotate [OPTIONS] DRAFT"),
        ("explain", "isv-check explain [OPTIONS] RULE_ID"),
    ],
)
def test_usage_line(command, usage, capsys):
    out = _help(capsys, command)
    assert f"Usage: {usage}\n" in out
    assert "\n  " + usage.split()[-1] + "  " in out  # the Arguments section uses the same name


def test_sdg_table_help_says_it_reads_the_results_database(capsys):
    """Regression (issue 18): `sdg-table --help` did not say it reads what `batch --db` wrote."""
    out = " ".join(_help(capsys, "sdg-table").split())
    assert "results database (`isv-check batch --db`)" in out
    assert "`isv-check scan --format json`" in out and "`isv-check tender --format json`" in out
    listing = " ".join(_help(capsys).split())
    assert "sdg-table Write the SDG table from a results database or JSON reports." in listing


def test_missing_argument_is_named_as_in_the_usage_line(capsys):
    assert main(["scan"]) == 2
    err = capsys.readouterr().err
    assert "Usage: isv-check scan [OPTIONS] PATH..." in err and "Missing argument 'PATH'." in err
