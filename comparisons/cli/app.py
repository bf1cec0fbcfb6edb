"""The typer application and the options shared by several commands."""
from __future__ import annotations

import contextlib
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

app = typer.Typer(
    name="xjur",
    help="Compare what crypto-exchange safeguard rules demand in each market, what it costs, and how much of a "
         "hack it would cover.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class PipeConsole(Console):
    """A rich console that ends the program with status 0, not 1, when the reader of its pipe has gone."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        quiet_closed_pipe()


console = PipeConsole()
console_err = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        sys.stdout.write(f"xjur {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version of xjur and exit"),
) -> None:
    """Compare what crypto-exchange safeguard rules demand in each market, what it costs, and how much of a hack
    it would cover."""


def command():
    """The click command of ``app``, with no type shown after a flag (``--in-force-only``, not
    ``--in-force-only <bool>``): a flag takes no value."""
    import typer.main

    cmd = typer.main.get_command(app)
    groups = [cmd]
    while groups:
        group = groups.pop()
        ctx = typer.Context(group, info_name="xjur")
        for param in group.get_params(ctx):
            if getattr(param, "is_flag", False) and not getattr(param, "count", False):
                param.metavar = ""
        groups.extend(getattr(group, "commands", {}).values())
    return cmd


def pipe_closed() -> bool:
    """Whether click has met a closed stdout (it then wraps stdout in its ``PacifyFlushWrapper`` so that the
    final flush is silent; the class is looked up by name, as typer vendors click in some versions)."""
    return type(sys.stdout).__name__ == "PacifyFlushWrapper"


def quiet_closed_pipe() -> None:
    """The reader of stdout has gone (``xjur compare ... | head -1``): end quietly with status 0 (Python's own
    recipe: point stdout at devnull so that the flush at exit does not fail again)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    sys.exit(0)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class BatchFormat(str, Enum):
    """``xjur compare``'s formats: those of every command, and two for large batches."""

    table = "table"
    json = "json"
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


# Options shared by compare, stress, brief (typer reads these defaults as option declarations)
JurisdictionOpt = typer.Option(None, "--jurisdiction", "-j", help="Jurisdiction code (repeatable); default: all installed")
AsOfOpt = typer.Option(None, "--as-of", help="Comparison date (YYYY-MM-DD); default: today")
CurrencyOpt = typer.Option("USD", "--currency", help="Reference currency of amount_ref")
ScenarioOpt = typer.Option(["central"], "--scenario", help="Japanese reserve scenario: low, central, high or all (repeatable)")
ParametersOpt = typer.Option(None, "--parameters", help="YAML file of dated parameters replacing built-in values (repeatable)")
InForceOnlyOpt = typer.Option(False, "--in-force-only", help="Leave proposed regimes out")
FxRatesOpt = typer.Option(None, "--fx-rates", help="CSV of rates (currency,per_eur[,date]) instead of the ECB history")
FormatOpt = typer.Option(Format.table, "--format", "-f", help="Output format")
OutputOpt = typer.Option(None, "--output", "-o", help="Write to this file instead of the terminal")


class TableName(str, Enum):
    obligations = "obligations"
    costs = "costs"
    summary = "summary"


TableOpt = typer.Option(None, "--table", metavar="TABLE", help="The table --format csv writes: obligations (Contract 2), costs (per "
                                              "obligation and funding form) or summary (per profile and market); "
                                              "default: obligations (plan: summary)")
AssumptionsOpt = typer.Option(None, "--assumptions", help="YAML file of cost assumptions replacing built-in ones "
                                                         "(cost of capital, yields, insurance rates, capacity; repeatable)")
SheetOpt = typer.Option(None, "--sheet", help="Sheet of the XLSX profile files to read (default: the sheet "
                                             "named 'profiles', else the first)")
FundingOpt = typer.Option(None, "--funding", help="YAML file fixing the funding mix: shares per jurisdiction / "
                                                 "obligation / form (default: the cheapest allowed mix)")


def cost_kwargs(assumptions: Optional[List[Path]], funding: Optional[Path]) -> dict:
    """The cost keyword arguments of ``compare`` from --assumptions and --funding."""
    return dict(assumptions=[str(p) for p in assumptions] if assumptions else None,
                funding=str(funding) if funding else None)


def profile_source(profiles, sheet: Optional[str]):
    """The profile paths as given, or (with ``--sheet``) the profiles read from that sheet of each workbook."""
    paths = [str(p) for p in profiles]
    if sheet is None:
        return paths
    from ..load import load_profiles

    return load_profiles(paths, sheet=sheet)


def compare_kwargs(jurisdiction: Optional[List[str]], as_of: Optional[str], currency: str, scenario: List[str],
                   parameters: Optional[List[Path]], in_force_only: bool, fx_rates: Optional[Path]) -> dict:
    """The keyword arguments of ``compare`` from the shared options."""
    return dict(
        jurisdictions=jurisdiction or None, as_of=as_of, currency=currency, scenarios=scenario,
        parameters=[str(p) for p in parameters] if parameters else None, in_force_only=in_force_only,
        fx=str(fx_rates) if fx_rates else None,
    )


def emit(text: str, output: Optional[Path]) -> None:
    """Print ``text`` or write it to ``output``."""
    if output is None:
        sys_stdout_write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        console_err.print(f"wrote {output}")


@contextlib.contextmanager
def to_file(output: Optional[Path], width: int = 160):
    """A rich console writing to ``output`` (then "wrote FILE" on stderr), or the terminal's when None."""
    if output is None:
        yield console
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as fh:
        yield Console(file=fh, width=width)
    console_err.print(f"wrote {output}", highlight=False)


def emit_result(result, format: "Format", output: Optional[Path], print_table, width: int = 160,
                table: Optional["TableName"] = None) -> None:
    """JSON, CSV or the terminal tables (to the screen or to ``output``), then the warnings on stderr (JSON
    carries them in its ``warnings`` key instead). ``table``: which table CSV holds (``--table``)."""
    if table is not None and format is not Format.csv:
        from jurisdictions.framework import XjurError

        raise XjurError(f"--table {table.value}: chooses the table of --format csv (--format {format.value} "
                        "shows every table)")
    if format is Format.json:
        emit(result.to_json(), output)
        return
    if format is Format.csv:
        emit(result.to_csv(table=table.value) if table is not None else result.to_csv(), output)
        print_warnings(result.warnings)
        return
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as fh:
            print_table(result, Console(file=fh, width=width))
    else:
        print_table(result)
    print_warnings(result.warnings)


def sys_stdout_write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


#: warnings printed on the terminal; the rest are counted (all of them: --format json, key "warnings")
MAX_WARNINGS_SHOWN = 200


def print_warnings(warnings, total: int | None = None, everything: str = "") -> None:
    """The first :data:`MAX_WARNINGS_SHOWN` warnings on stderr and how many more there are (``total``: of which
    ``warnings`` may be the first part; ``everything``: the file that holds them all)."""
    warnings = list(warnings)
    total = len(warnings) if total is None else total
    more = total - min(len(warnings), MAX_WARNINGS_SHOWN)
    _print_each_warning(warnings[:MAX_WARNINGS_SHOWN])
    if more > 0:
        where = everything or "--format json, key 'warnings'"
        console_err.print(f"[yellow]warning:[/] … and {more:,} more warnings (all of them: {where})",
                          highlight=False)


def _print_each_warning(warnings) -> None:
    for w in warnings:
        who = " ".join(x for x in (w.get("jurisdiction", ""), w.get("profile", "")) if x)
        style = "yellow" if w.get("level", "warning") == "warning" else "dim"
        from rich.markup import escape

        text = escape(f"{who + ': ' if who else ''}{w['message']}")
        console_err.print(f"[{style}]{w.get('level', 'warning')}:[/] {text}", highlight=False)
