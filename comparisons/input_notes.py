"""Notes on inputs a comparison used without the profile saying so (issue 18, item 7).

Contract 1 gives two optional fields a default of 0 that changes what a rule demands: ``adjusted_liabilities``
(Hong Kong's liquid capital falls to its floor) and ``active_users`` (MiCA's significant-CASP test). A profile
that leaves one out gets a ``note`` per market that reads it, naming the obligations computed with the 0.
An incident dated after ``as_of`` that counts toward ``recent_incident_losses`` (derived from the profile's
``incidents``) gets a ``warning`` per market that reads that field: the comparison is "as of" a date, and a
later loss should not raise a reserve on it.

Which profiles left a field out: the raw input when it is a DataFrame or a list of records, else the value 0
(a profile that gives 0 reads the same, and the note says "0, the default"). Incidents are read from the raw
records (the validated frame keeps only their sum).
Pure functions; vectorised over profiles (a Python loop runs over incidents only).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

#: optional Contract 1 fields whose default (0) changes a rule's amount or test
DEFAULTED_FIELDS: tuple[str, ...] = ("adjusted_liabilities", "active_users")


def raw_records(source: Any) -> list[Mapping] | None:
    """The profiles as given, when they were given as records (dicts or pydantic ``Profile`` objects)."""
    if isinstance(source, pd.DataFrame) or isinstance(source, (str, bytes)) or not isinstance(source, Sequence):
        return None
    out = []
    for rec in source:
        if isinstance(rec, Mapping):
            out.append(rec)
        elif hasattr(rec, "model_dump") and hasattr(rec, "model_fields_set"):
            d = rec.model_dump()
            out.append({k: v for k, v in d.items() if k in rec.model_fields_set or k == "incidents"})
        else:
            return None
    return out


def defaulted(source: Any, frame: pd.DataFrame, records: list[Mapping] | None
              ) -> tuple[dict[str, np.ndarray], bool]:
    """Per field of DEFAULTED_FIELDS, which profiles did not give it; and whether that is known exactly
    (False: only the value 0 was seen). ``records``: :func:`raw_records` of ``source``."""
    if isinstance(source, pd.DataFrame) and len(source) == len(frame) and not frame is source:
        return {f: (source[f].isna().to_numpy() if f in source.columns else np.ones(len(frame), dtype=bool))
                for f in DEFAULTED_FIELDS}, True
    if records is not None and len(records) == len(frame):
        return {f: np.array([rec.get(f) is None for rec in records], dtype=bool) for f in DEFAULTED_FIELDS}, True
    return {f: frame[f].to_numpy() == 0 for f in DEFAULTED_FIELDS if f in frame.columns}, False


def default_notes(masks: Mapping[str, np.ndarray], exact: bool, names: pd.Series, jurisdictions: Sequence[Any],
                  rows: pd.DataFrame) -> list[dict]:
    """A ``note`` per profile, defaulted field and market that reads it (not where the market's rows that
    read it have no amount: e.g. the profile is outside the regime's scope)."""
    out: list[dict] = []
    for j in jurisdictions:
        for f, mask in masks.items():
            if f not in getattr(j, "reads", ()) or not mask.any():
                continue
            using = list(dict.fromkeys(s.id for s in j.obligations if f in getattr(s, "inputs", ())))
            who = names[mask]
            if using:  # keep the profiles where some row that reads the field has an amount
                r = rows[(rows["jurisdiction"] == j.code).to_numpy() & rows["obligation"].isin(using).to_numpy()
                         & rows["amount"].notna().to_numpy()]
                who = who[who.isin(set(r["profile"].astype(str)))]
            said = "not given: taken as 0 (the Contract 1 default)" if exact else \
                "is 0 (also the default when the field is left out)"
            where = (f"{', '.join(using)} computed with 0" if using
                     else f"{j.code}'s tests that read it (no amount does) see 0")
            for name in who:
                out.append({"jurisdiction": j.code, "profile": str(name), "level": "note",
                            "message": f"{f} {said}: {where}; give the firm's figure if it has one"})
    return out


def late_incidents(source: Any, records: list[Mapping] | None) -> list[tuple[str, dt.date, float]]:
    """(profile, date, customer loss) of each incident whose loss counts toward ``recent_incident_losses``
    (the profile did not give that field, so it is the incidents' sum): dates are filtered by the caller.
    ``records``: :func:`raw_records` of ``source``."""
    if records is None and isinstance(source, pd.DataFrame) and "incidents" in source.columns:
        records = source.to_dict("records")
    if records is None:
        return []
    lists = [(r.get("name"), r.get("incidents"), r.get("recent_incident_losses") is None) for r in records]
    out = []
    for name, incidents, derived in lists:
        if not derived or not isinstance(incidents, (list, tuple)):
            continue
        for inc in incidents:
            get = inc.get if isinstance(inc, Mapping) else (lambda k, i=inc: getattr(i, k, None))
            day = get("date")
            if isinstance(day, str):
                try:
                    day = dt.date.fromisoformat(day)
                except ValueError:
                    continue
            if isinstance(day, dt.datetime):
                day = day.date()
            if isinstance(day, dt.date):
                out.append((str(name), day, float(get("customer_loss") or 0.0)))
    return out


def late_incident_warnings(incidents: Sequence[tuple[str, dt.date, float]], as_of: dt.date,
                           frame: pd.DataFrame, jurisdictions: Sequence[Any]) -> list[dict]:
    """A ``warning`` per incident dated after ``as_of`` and market that reads ``recent_incident_losses``."""
    late = [(n, d, loss) for n, d, loss in incidents if d > as_of]
    if not late:
        return []
    ccy = dict(zip(frame["name"].astype(str), frame["currency"].astype(str)))
    out = []
    for j in jurisdictions:
        if "recent_incident_losses" not in getattr(j, "reads", ()):
            continue
        for name, day, loss in late:
            out.append({"jurisdiction": j.code, "profile": name, "level": "warning",
                        "message": f"the incident of {day.isoformat()} ({ccy.get(name, '')} {loss:,.0f} customer loss) "
                                   f"is dated after as_of {as_of.isoformat()} but counts toward "
                                   "recent_incident_losses: list only incidents up to as_of, or give "
                                   "recent_incident_losses"})
    return out
