"""Loading exchange profiles (Contract 1) from YAML, CSV, XLSX, Parquet, DataFrames and lists of dicts.

Whatever the source, the result is one validated frame (see ``jurisdictions.framework.validation``), and
bad input raises one :class:`ProfileError` listing every problem with its file, row and field.
YAML is read with the safe loader: tags such as ``!!python/object`` are rejected, never run.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import yaml
from pydantic import ValidationError

from jurisdictions.framework import FIELDS, Problem, Profile, ProfileError, did_you_mean, validate_frame
from jurisdictions.framework import input_policy as policy
from jurisdictions.framework.errors import NO_VALUE, shorten
from jurisdictions.framework.profile import not_a_number_message
from jurisdictions.framework.validation import RowLabels

ProfilesLike = Any  # path, list of paths, DataFrame, list of dicts / Profile objects


def _pydantic_problems(err: ValidationError, source: str, row: str) -> list[Problem]:
    out = []
    for e in err.errors():
        loc = e.get("loc", ())
        field = ".".join(str(x) if not isinstance(x, int) else f"[{x}]" for x in loc).replace(".[", "[")
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        kind = str(e.get("type", ""))
        if kind == "extra_forbidden":
            msg = f"unknown field {field!r}{did_you_mean(field, FIELDS)}"
        elif kind == "missing":
            msg = "required field is missing"
        elif kind.startswith(("date_", "datetime_")):
            msg = "not a date: write dates as YYYY-MM-DD (e.g. 2025-06-10)"
        elif kind in ("float_parsing", "int_parsing") and isinstance(e.get("input"), str):
            msg = not_a_number_message(e["input"])
        value = e.get("input", NO_VALUE) if e.get("type") != "missing" else NO_VALUE
        if isinstance(value, Mapping):
            value = NO_VALUE
        out.append(Problem(source, row, field, value, msg))
    return out


def profiles_from_records(records: Sequence[Any], source: str = "<list>", labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Validate records one by one with the pydantic model (all problems collected), then as a frame."""
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    labels = list(labels) if labels is not None else [f"row {i + 1}" for i in range(len(records))]
    if not records:
        raise ProfileError([Problem(source, "", "", NO_VALUE, "no profiles: the input is empty")])
    for rec, label in zip(records, labels):
        if isinstance(rec, Profile):
            rows.append(rec.as_row())
            continue
        if not isinstance(rec, Mapping):
            problems.append(Problem(source, label, "", NO_VALUE, "a profile must be a mapping of fields to values"))
            continue
        name = rec.get("name")
        where = f"{label} (name {shorten(name, 60)})" if isinstance(name, str) and name else label
        try:
            rows.append(Profile.model_validate(dict(rec)).as_row())
        except ValidationError as e:
            problems.extend(_pydantic_problems(e, source, where))
    if problems:
        raise ProfileError(problems)
    return validate_frame(pd.DataFrame(rows), source, labels)


def _refused(e: policy.InputError) -> ProfileError:
    """An input-policy refusal as a profile error (file, where, why)."""
    return ProfileError([Problem(e.source, e.where, "", NO_VALUE, e.message)])


#: Keys of a licensing plan's top level (a plan given where profiles are expected is named as such).
_PLAN_MARKERS = frozenset({"group", "markets"})


def _read_yaml(path: Path) -> pd.DataFrame:
    try:
        data = policy.load_yaml(path, "profiles_yaml")  # size, UTF-8, no aliases, bounded nesting; safe loader
    except policy.InputError as e:
        raise _refused(e) from None
    except yaml.constructor.ConstructorError as e:
        mark = e.problem_mark
        where = f"line {mark.line + 1}" if mark else ""
        raise ProfileError([Problem(str(path), where, "", NO_VALUE,
                                    f"YAML tag not allowed (profiles are plain data; nothing is executed): {e.problem}")]) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ProfileError([Problem(str(path), where, "", NO_VALUE,
                                    f"malformed YAML: {getattr(e, 'problem', None) or e}")]) from None
    if data is None:
        raise ProfileError([Problem(str(path), "", "", NO_VALUE, "no profiles: the file is empty")])
    refused = policy.check_tree(data, str(path), numbers=False)  # texts: bounded, no control characters
    if refused:
        raise ProfileError([Problem(str(path), where, "", value, why) for where, value, why in refused[:1000]])
    if isinstance(data, Mapping) and _PLAN_MARKERS <= set(map(str, data)):
        raise ProfileError([Problem(str(path), "top level", "", NO_VALUE,
                                    "this is a licensing plan (it has 'group' and 'markets'), not a list of "
                                    f"profiles: run it with `xjur plan {path}`")])
    if isinstance(data, Mapping) and "profiles" in data:
        extra = [k for k in data if k != "profiles"]
        if extra:
            raise ProfileError([Problem(str(path), "top level", str(extra[0]), NO_VALUE,
                                        "unknown top-level key (a profile list lives under 'profiles:')")])
        records = data["profiles"]
        if not isinstance(records, list):
            raise ProfileError([Problem(str(path), "profiles", "", NO_VALUE, "'profiles' must be a list")])
        labels = [f"profiles[{i}]" for i in range(len(records))]
    elif isinstance(data, Mapping):
        records, labels = [data], ["top level"]
    elif isinstance(data, list):
        records, labels = data, [f"[{i}]" for i in range(len(data))]
    else:
        raise ProfileError([Problem(str(path), "top level", "", NO_VALUE,
                                    "expected one profile (a mapping) or a list under 'profiles:'")])
    return profiles_from_records(records, str(path), labels)


def _layout_problem(raw: pd.DataFrame, source: str, where: str, hint: str = "") -> Problem | None:
    """A table whose layout is not Contract 1's, with the fix: a header row that is not the first row (a
    title above it), columns separated by ';' instead of ',', or (``hint``) a workbook whose profiles may be
    on another sheet."""
    cols = [str(c).strip() for c in raw.columns]
    if "name" in cols:
        return None
    if any(";" in c and "name" in [p.strip() for p in c.split(";")] for c in cols):
        return Problem(source, "header", "", NO_VALUE,
                       "the columns are separated by ';': xjur reads comma-separated CSV (',' between columns; "
                       "';' only between services inside the services cell, e.g. custody;trading_platform)")
    head = raw.head(20).astype("string")
    for i, row in enumerate(head.itertuples(index=False, name=None)):
        cells = {str(v).strip() for v in row if v is not pd.NA}
        if {"name", "currency"} <= cells:
            return Problem(source, where, "", NO_VALUE,
                           f"the header row (name, currency, services, ...) is line {i + 2}, not line 1: delete the "
                           f"{i + 1} row{'s' if i else ''} above it (a title, notes) so the header is the first row"
                           f"{hint}")
    if hint:
        return Problem(source, where, "", NO_VALUE, f"no 'name' column: the header (name, currency, services, "
                       f"...) must be the sheet's first row{hint}")
    return None


def _read_table(path: Path, sheet: str | None = None) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        max_rows = policy.limits("profiles").max_rows
        if suffix == ".parquet":
            raw = _read_parquet(path)
            labels = RowLabels(len(raw), lambda i: f"row {i + 1}")
            where = hint = ""
        elif suffix == ".csv":
            policy.check_size(path, "profiles")
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True, nrows=max_rows + 1)
            labels = RowLabels(len(raw), lambda i: f"row {i + 1} (line {i + 2})")
            where = hint = ""
        else:
            import openpyxl  # noqa: F401 - lazy: only Excel input pays for it

            policy.check_xlsx(path, "profiles")  # size on disk and unpacked, before anything is inflated
            book = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
            if sheet is not None and sheet not in book:
                raise ProfileError([Problem(str(path), "", "", NO_VALUE, f"no sheet {sheet!r} in the workbook "
                                            f"(sheets: {', '.join(map(repr, book))}){did_you_mean(sheet, book)}")])
            sheet = sheet if sheet is not None else ("profiles" if "profiles" in book else next(iter(book)))
            raw = book[sheet]
            others = [s for s in book if s != sheet]
            labels = RowLabels(len(raw), lambda i: f"sheet {sheet!r} row {i + 1} (line {i + 2})")
            where = f"sheet {sheet!r}"
            hint = (f"; or read another sheet with --sheet NAME (sheets: {', '.join(map(repr, book))})"
                    if others else "")
        policy.check_rows(len(raw), str(path), "profiles")
    except policy.InputError as e:
        raise _refused(e) from None
    except pd.errors.EmptyDataError:
        raise ProfileError([Problem(str(path), "", "", NO_VALUE, "no profiles: the file is empty")]) from None
    except (pd.errors.ParserError, ValueError, OSError, KeyError, TypeError) as e:
        raise ProfileError([Problem(str(path), "", "", NO_VALUE, f"cannot read the file: {e}")]) from None
    layout = _layout_problem(raw, str(path), where, hint)
    if layout is not None:
        raise ProfileError([layout])
    raw.columns = [str(c).strip() for c in raw.columns]
    if "incidents" in raw.columns:
        raise ProfileError([Problem(str(path), "header", "incidents", NO_VALUE,
                                    "incidents are YAML-only; give recent_incident_losses in a table")])
    return validate_frame(raw, str(path), labels)


def check_parquet(path: Path, kind: str = "profiles") -> int:
    """A Parquet file within the input policy (size on disk; data rows and unpacked size from the footer,
    before any page is read): its row count."""
    import pyarrow.lib
    import pyarrow.parquet as pq  # lazy: only Parquet input pays for it

    policy.check_size(path, kind)
    try:
        meta = pq.ParquetFile(path).metadata
    except (pyarrow.lib.ArrowException, OSError) as e:
        raise policy.InputError(str(path), "", f"not a readable Parquet file ({e})") from None
    policy.check_rows(meta.num_rows, str(path), kind)
    policy.check_unpacked(sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)), str(path), kind)
    return meta.num_rows


def _read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet table of profiles, checked by the input policy first, as plain columns (text as Python
    strings, as a CSV file is read), for :func:`validate_frame`."""
    import pyarrow.lib
    import pyarrow.parquet as pq

    check_parquet(path)
    try:
        table = pq.read_table(path)
    except (pyarrow.lib.ArrowException, OSError) as e:
        raise policy.InputError(str(path), "", f"not a readable Parquet file ({e})") from None
    return table.to_pandas(types_mapper=None, strings_to_categorical=False, ignore_metadata=True)


def read_profiles_file(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """One file of profiles, by extension: .yaml/.yml, .csv, .xlsx, .parquet (``sheet``: the workbook's sheet to read;
    default: the sheet named ``profiles``, else the first)."""
    p = Path(path)
    if not p.exists():
        raise ProfileError([Problem(str(p), "", "", NO_VALUE, "file not found")])
    if p.is_dir():
        raise ProfileError([Problem(str(p), "", "", NO_VALUE, "a directory, not a profile file")])
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _read_yaml(p)
    if sheet is not None and suffix not in (".xlsx", ".xlsm"):
        raise ProfileError([Problem(str(p), "", "", NO_VALUE, "--sheet applies to XLSX workbooks only")])
    if suffix in (".csv", ".xlsx", ".xlsm", ".parquet"):
        return _read_table(p, sheet)
    raise ProfileError([Problem(str(p), "", "", NO_VALUE,
                                "unsupported file type (use .yaml, .csv, .xlsx or .parquet)")])


def _is_validated(frame: pd.DataFrame) -> bool:
    return "svc_custody" in frame.columns and frame.attrs.get("xjur_validated", False)


def load_profiles(source: ProfilesLike, *, sheet: str | None = None) -> pd.DataFrame:
    """Profiles from a path, several paths, a DataFrame, or a list of dicts / ``Profile`` objects.

    ``sheet`` names the sheet of XLSX files to read (default: the sheet named ``profiles``, else the first)."""
    if isinstance(source, pd.DataFrame):
        if _is_validated(source):
            return source
        if "incidents" in source.columns:
            return profiles_from_records(source.to_dict("records"), "<frame>")
        index = source.index
        df = validate_frame(source, "<frame>", RowLabels(len(source), lambda i: f"row {index[i]}"))
    elif isinstance(source, (str, Path)):
        df = read_profiles_file(source, sheet)
    elif isinstance(source, Iterable):
        items = list(source)
        if items and all(isinstance(x, (str, Path)) for x in items):
            frames = [read_profiles_file(x, sheet) for x in items]
            df = frames[0] if len(frames) == 1 else _concat_checked(frames, [str(x) for x in items])
        else:
            df = profiles_from_records(items)
    else:
        raise TypeError(f"cannot load profiles from {type(source).__name__}")
    df.attrs["xjur_validated"] = True
    return df


def _concat_checked(frames: list[pd.DataFrame], sources: list[str]) -> pd.DataFrame:
    """Several files: names must be unique across all of them.

    Each file's names are unique already (validated), so a name seen before comes from an earlier file:
    one ``duplicated`` pass over all names finds them, and each is reported against the first file that
    has it (a file listed twice is not reported against itself).
    """
    df = pd.concat(frames, ignore_index=True)
    names = df["name"]
    again = names.duplicated(keep="first").to_numpy()
    if again.any():
        file_of = np.repeat(np.arange(len(frames)), [len(f) for f in frames])
        codes, _ = pd.factorize(names)
        first_file = np.full(codes.max() + 1, len(frames))
        np.minimum.at(first_file, codes, file_of)  # the first file holding each name
        problems = []
        for i in np.flatnonzero(again).tolist():
            src, first = sources[file_of[i]], sources[first_file[codes[i]]]
            if src != first:
                problems.append(Problem(src, "", "name", names.iloc[i], f"duplicate name (also in {first})"))
        if problems:
            raise ProfileError(problems)
    return df
