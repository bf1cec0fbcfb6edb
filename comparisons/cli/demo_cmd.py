"""``xjur demo``: the main job on the bundled examples."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import app, console, print_warnings


def bundled_examples() -> Path:
    """The example profiles shipped inside the package (a copy of the repository's examples/)."""
    from importlib.resources import files

    return Path(str(files("comparisons") / "data" / "examples" / "profiles.yaml"))


@app.command("demo")
def demo_command(
    out_dir: Path = typer.Option(Path("xjur-demo"), "--out-dir", help="Where to write the demo's files"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Comparison date (default: today)"),
    currency: str = typer.Option("USD", "--currency", help="Reference currency"),
) -> None:
    """Compare the bundled example profiles across every installed market and write the results."""
    from ..compare import compare
    from .compare_cmd import print_result_table

    src = bundled_examples()
    result = compare(str(src), as_of=as_of, currency=currency, scenarios=["all"])
    print_result_table(result)
    print_warnings(result.warnings)
    out_dir.mkdir(parents=True, exist_ok=True)
    result.to_csv(out_dir / "obligations.csv")
    (out_dir / "obligations.json").write_text(result.to_json(), encoding="utf-8")
    console.print(f"wrote {out_dir / 'obligations.csv'} and {out_dir / 'obligations.json'}", highlight=False)
