"""``xjur demo``: the main job on the bundled examples.

Compares the bundled example profiles across every installed market (all reserve scenarios), prints the
side-by-side tables, and writes into ``--out-dir``: the obligations (CSV, JSON), the HTML briefing, the
Excel workbook and every chart as PNG and SVG, with a progress display on the terminal.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import app, console, console_err, print_warnings


def bundled_examples() -> Path:
    """The example profiles shipped inside the package (a copy of the repository's examples/)."""
    from importlib.resources import files

    return Path(str(files("comparisons") / "data" / "examples" / "profiles.yaml"))


@app.command("demo")
def demo_command(
    out_dir: Path = typer.Option(Path("xjur-demo"), "--out-dir", help="Where to write the demo's files"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Comparison date (default: today)"),
    currency: str = typer.Option("USD", "--currency", help="Reference currency"),
    no_charts: bool = typer.Option(False, "--no-chart-files", help="Do not write the charts as PNG/SVG files"),
    all_parameters: bool = typer.Option(False, "--all-parameters",
                                        help="List every parameter in the briefing's appendix (default: those "
                                             "behind its figures)"),
) -> None:
    """Compare the bundled example profiles across every installed market and write the results."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ..report import charts as ch
    from ..report.briefing import build_briefing, write_briefing
    from ..compare import compare
    from ..report.workbook import write_workbook
    from .compare_cmd import print_result_table

    src = bundled_examples()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    progress = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(bar_width=28),
                        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=console_err,
                        transient=False)
    labels = {"costs": "costs and funding", "stress": "stress tests (past incidents)",
              "sensitivity": "sensitivity of Japan's reserve", "charts": "charts"}
    with progress:
        task = progress.add_task("comparing the example profiles", total=8)
        result = compare(str(src), as_of=as_of, currency=currency, scenarios=["all"])
        progress.advance(task)

        def on_step(name: str) -> None:
            progress.update(task, description=labels.get(name, name))
            progress.advance(task)

        b = build_briefing(result, on_step=on_step, all_parameters=all_parameters)
        progress.update(task, description="writing obligations (CSV, JSON)")
        result.to_csv(out_dir / "obligations.csv")
        (out_dir / "obligations.json").write_text(result.to_json(), encoding="utf-8")
        written += [out_dir / "obligations.csv", out_dir / "obligations.json"]
        progress.advance(task)

        progress.update(task, description="writing the briefing (HTML)")
        written.append(write_briefing(b, out_dir / "briefing.html"))
        progress.advance(task)

        progress.update(task, description="writing the workbook (Excel)")
        written.append(write_workbook(b, out_dir / "briefing.xlsx"))
        progress.advance(task)

        if not no_charts:
            chart_task = progress.add_task("charts (PNG, SVG)", total=len(b.charts))
            for name, (_title, chart) in b.charts.items():
                written.extend(ch.save_svg_png(chart, out_dir / "charts" / name))
                progress.advance(chart_task)
        progress.update(task, description="done", completed=8)

    print_result_table(result)
    print_warnings(b.stress.warnings if b.stress is not None else result.warnings)
    for note in b.omitted:
        console_err.print(f"[yellow]left out:[/] {note}", highlight=False)
    console.print(f"wrote {len(written)} files to {out_dir}/: obligations.csv, obligations.json, briefing.html, "
                  f"briefing.xlsx" + (f", charts/ ({len(b.charts)} charts as SVG and PNG)" if not no_charts else ""),
                  highlight=False)
    console.print(f"open {out_dir / 'briefing.html'} in a browser (works offline)", highlight=False)
