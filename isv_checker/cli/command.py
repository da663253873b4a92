"""The command class every `isv-check` command is made with, so `--help` names its arguments as a
person reads them: `isv-check scan [OPTIONS] PATH...`, not typer's `{paths}...` and `<list[Path]>`.

An argument is shown by its metavar (`typer.Argument(metavar="PATH")`, the upper-cased parameter
name without one), `...` when it takes several, in brackets when it may be left out; the help line
beside it keeps its text and `[required]`. Options are left as typer shows them. This applies to the
plain help the app prints (`rich_markup_mode=None`), the only one it uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from typer.core import TyperArgument, TyperCommand

if TYPE_CHECKING:
    from typer._click.core import Context
    from typer._click.formatting import HelpFormatter


def argument_name(argument: TyperArgument) -> str:
    """How the usage line and the Arguments section name an argument: PATH, PATH..., RULE_ID."""
    name = argument.metavar or (argument.name or "").upper()
    return name + ("..." if argument.nargs != 1 else "")


class Command(TyperCommand):
    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, TyperArgument):
                arguments.append((argument_name(param), record[1]))
            elif param.param_type_name == "option":
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
