"""Historical exchange and custodian loss events, packaged with xjur for the stress tests.

The data is a verbatim copy of the rulebook's ``incidents.csv`` (``comparisons/data/incidents.csv``): one row
per incident, every row with its ``source_url``. Nothing is estimated to fill a gap. This module only *reads*
the free-text columns into numbers, by rules written down here and exposed in the returned frame:

- **id / slug.** The CSV id (``coincheck_2018``) and the slug with hyphens (``coincheck-2018``) are both
  accepted; the slug is what outputs show.
- **Loss amount.** ``loss_local_amount`` in ``loss_local_currency`` where the CSV gives one (the amount as
  reported in the source's own currency); otherwise ``loss_usd_millions`` × 1,000,000 in USD. A USD range
  ``low-high`` (sources disagree) is read at the point chosen by ``loss_point``: ``"midpoint"`` (default),
  ``"low"`` or ``"high"``. Columns ``loss_usd_low`` / ``loss_usd_high`` keep both ends; ``loss_basis`` says
  which figure was used.
- **Customer share.** From ``customer_loss_share_known``: ``yes (¥Xbn customer, ¥Ybn own)`` → X / (X + Y);
  ``yes (≈A of ≈B ...)`` → A / B; ``yes (no customer loss ...)`` → 0; any other ``yes`` → 1 (the whole loss
  was the customers'); ``no`` and ``partly`` → unknown (NaN). Where unknown, the stress test replays the whole
  loss as a customer loss (``customer_share_used`` = 1, an assumption stated in ``customer_share_basis``).
- **Wallet.** From the free-text ``wallet_type``: starting with ``hot`` or ``warm`` → ``hot`` (Contract 1
  counts warm and other online storage as hot); starting with ``cold`` → ``cold``; otherwise ``hot`` when the
  text says the keys were online (``online co-signing``), else ``unknown`` (empty, ``n/a``, bare multisig).
- **Date.** ``date`` as written (``YYYY-MM-DD``, or ``YYYY-MM`` where the sources give no day); ``loss_date``
  is the day used for the exchange rate: the date itself, or the first day of the month for ``YYYY-MM``
  (``loss_date_basis`` says which).
- **What customers got back.** ``recovery_rate`` = ``recovery_rate_pct`` / 100 (NaN where the sources state
  none; it may exceed 1, e.g. FTX's claims paid above their petition-date value); ``paid_by`` (the firm, a
  parent, a rescuer, an insolvency estate, the customers, or not stated) is read from ``customer_outcome`` by
  the packaged ``incident_outcomes.yaml``, each entry quoting the words it rests on (``paid_by_evidence``).
"""
from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from jurisdictions.framework import XjurError, did_you_mean

LOSS_POINTS: tuple[str, ...] = ("midpoint", "low", "high")
WALLETS: tuple[str, ...] = ("hot", "cold", "unknown")

#: the columns of the rulebook file, in order (the packaged copy must keep them all, source_url included)
CSV_COLUMNS: tuple[str, ...] = (
    "id", "exchange", "jurisdiction", "date", "asset_lost_native", "loss_usd_millions", "loss_local_amount",
    "loss_local_currency", "customer_loss_share_known", "wallet_type", "cause", "customer_outcome",
    "recovery_rate_pct", "source_url",
)


class IncidentError(XjurError):
    """An unknown incident id, or a malformed incidents file."""


def incidents_path() -> Path:
    """The packaged copy of the rulebook's incidents.csv."""
    return Path(str(files("comparisons") / "data" / "incidents.csv"))


def outcomes_path() -> Path:
    """The packaged reading of who paid after each incident (``incident_outcomes.yaml``)."""
    return Path(str(files("comparisons") / "data" / "incident_outcomes.yaml"))


PAID_BY: tuple[str, ...] = ("firm", "parent", "rescuer", "insolvency_estate", "customers", "not_stated")


def load_outcomes(path: str | Path | None = None) -> pd.DataFrame:
    """``id, paid_by, paid_by_evidence`` per incident, from ``incident_outcomes.yaml``."""
    import yaml

    p = Path(path or outcomes_path())
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise IncidentError(f"{p}: cannot read the incident outcomes ({e})") from None
    rows = []
    for key, entry in (doc.get("incidents") or {}).items():
        paid = (entry or {}).get("paid_by", "")
        if paid not in PAID_BY:
            raise IncidentError(f"{p}: incidents.{key}, field 'paid_by': {paid!r} is not one of {', '.join(PAID_BY)}"
                                f"{did_you_mean(str(paid), PAID_BY)}")
        rows.append({"id": key, "paid_by": paid, "paid_by_evidence": str((entry or {}).get("evidence", ""))})
    return pd.DataFrame(rows, columns=["id", "paid_by", "paid_by_evidence"])


def _raw(path: str) -> pd.DataFrame:
    p = Path(path)
    try:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as e:
        raise IncidentError(f"{p}: cannot read the incidents file ({e})") from None
    missing = [c for c in CSV_COLUMNS if c not in raw.columns]
    if missing:
        raise IncidentError(f"{p}: incidents file lacks the columns {missing}")
    return raw


def slug(incident_id: str) -> str:
    """``coincheck_2018`` → ``coincheck-2018``."""
    return str(incident_id).strip().lower().replace("_", "-")


# -- parsing the free-text columns -------------------------------------------------------------------------

_UNIT = {"": 1.0, "k": 1e3, "m": 1e6, "bn": 1e9, "tn": 1e12}
_AMOUNT = r"[≈~]?\s*(?:[¥$€]|US\$|HK\$|₹)?\s*(\d[\d,]*(?:\.\d+)?)\s*(bn|tn|m|k)?\b"


def _amount(num: str, unit: str | None) -> float:
    return float(num.replace(",", "")) * _UNIT[(unit or "").lower()]


def _short(x: float) -> str:
    """4,500,000,000 → '4.5 bn' (for the basis texts)."""
    for div, suffix in ((1e12, " tn"), (1e9, " bn"), (1e6, " m")):
        if abs(x) >= div:
            return f"{x / div:,.3g}{suffix}"
    return f"{x:,.0f}"


def parse_range(text: str) -> tuple[float, float]:
    """``"450-480"`` → (450, 480); ``"72"`` → (72, 72); empty → (NaN, NaN)."""
    t = str(text).strip()
    if not t:
        return (np.nan, np.nan)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)", t)
    if m:
        lo, hi = float(m.group(1)), float(m.group(2))
        return (min(lo, hi), max(lo, hi))
    try:
        v = float(t)
    except ValueError:
        raise IncidentError(f"incidents.csv: value {t!r} is neither a number nor a range low-high") from None
    return (v, v)


def parse_customer_share(text: str) -> tuple[float, str]:
    """The customers' share of the loss from ``customer_loss_share_known``, and how it was read."""
    t = str(text).strip()
    low = t.lower()
    inside = t[t.find("(") + 1: t.rfind(")")] if "(" in t else ""
    if low.startswith("yes"):
        m = re.search(_AMOUNT + r"\s*customer\s*,\s*" + _AMOUNT + r"\s*own", inside, flags=re.I)
        if m:
            cust, own = _amount(m.group(1), m.group(2)), _amount(m.group(3), m.group(4))
            return cust / (cust + own), f"known: customer {_short(cust)} of {_short(cust + own)} (customer + own)"
        m = re.search(_AMOUNT + r"\s+of\s+" + _AMOUNT, inside, flags=re.I)
        if m:
            part, whole = _amount(m.group(1), m.group(2)), _amount(m.group(3), m.group(4))
            return part / whole, f"known: {_short(part)} of {_short(whole)}"
        if re.search(r"\bno customer loss\b", inside, flags=re.I):
            return 0.0, "known: no customer loss"
        return 1.0, "known: the loss was the customers'"
    if low.startswith("partly"):
        return np.nan, "partly known (see customer_loss_share_known)"
    return np.nan, "not known"


def parse_wallet(text: str) -> str:
    """``hot``, ``cold`` or ``unknown`` from the source's wording of the wallet type."""
    t = str(text).strip().lower()
    if re.match(r"(hot|warm)\b", t):
        return "hot"
    if re.match(r"cold\b", t):
        return "cold"
    if re.search(r"\bonline\b", t):
        return "hot"
    return "unknown"


# -- the frame ------------------------------------------------------------------------------------------------

def load_incidents(loss_point: str = "midpoint", path: str | Path | None = None) -> pd.DataFrame:
    """Every incident with its source, plus the parsed columns.

    Added columns: ``slug``; ``year``; ``loss_usd_low``, ``loss_usd_high``, ``loss_usd`` (USD, at
    ``loss_point``); ``loss_amount`` and ``loss_currency`` (the figure a stress test replays: the local amount
    where given, else the USD figure), ``loss_basis``; ``customer_share`` (NaN = unknown),
    ``customer_share_used`` (unknown → 1), ``customer_share_basis``; ``customer_loss`` (= loss_amount ×
    customer_share_used, in ``loss_currency``); ``wallet`` (hot / cold / unknown); ``loss_date`` and
    ``loss_date_basis`` (the day whose exchange rate applies); ``recovery_rate``; ``paid_by`` and
    ``paid_by_evidence``. ``loss_point`` is also stored in ``frame.attrs["loss_point"]``.
    """
    if loss_point not in LOSS_POINTS:
        raise IncidentError(f"loss_point {loss_point!r}: use one of {', '.join(LOSS_POINTS)}"
                            f"{did_you_mean(loss_point, LOSS_POINTS)}")
    raw = _raw(str(path or incidents_path())).copy()
    src = str(path or "incidents.csv")

    bad_ids = raw["id"][~raw["id"].str.fullmatch(r"[a-z0-9]+(?:_[a-z0-9]+)*_\d{4}")]
    if len(bad_ids):
        raise IncidentError(f"{src}: row {bad_ids.index[0] + 1}, field 'id': {bad_ids.iloc[0]!r} is not exchange_year")
    dup = raw["id"][raw["id"].duplicated()]
    if len(dup):
        raise IncidentError(f"{src}: row {dup.index[0] + 1}, field 'id': {dup.iloc[0]!r} is not unique")

    ranges = []
    for i, v in enumerate(raw["loss_usd_millions"]):
        try:
            ranges.append(parse_range(v))
        except IncidentError as e:
            raise IncidentError(f"{src}: row {i + 1}, field 'loss_usd_millions': {e}") from None
    lo = np.array([r[0] for r in ranges]) * 1e6
    hi = np.array([r[1] for r in ranges]) * 1e6
    point = {"midpoint": (lo + hi) / 2, "low": lo, "high": hi}[loss_point]
    is_range = lo != hi

    local = pd.to_numeric(raw["loss_local_amount"].replace("", np.nan), errors="coerce")
    bad_local = local.isna() & (raw["loss_local_amount"] != "")
    if bad_local.any():
        i = int(np.flatnonzero(bad_local.to_numpy())[0])
        raise IncidentError(f"{src}: row {i + 1}, field 'loss_local_amount': {raw['loss_local_amount'].iloc[i]!r} "
                            "is not a number")
    has_local = local.notna().to_numpy() & (raw["loss_local_currency"].str.strip() != "").to_numpy()
    loss_amount = np.where(has_local, local.to_numpy(dtype="float64"), point)
    loss_currency = np.where(has_local, raw["loss_local_currency"].str.strip().str.upper(),
                             np.where(np.isnan(point), "", "USD"))
    usd_text = raw["loss_usd_millions"].str.strip()
    loss_basis = np.select(
        [has_local, ~np.isnan(point) & is_range, ~np.isnan(point)],
        ["loss_local_amount " + raw["loss_local_currency"].str.strip() + " (as reported)",
         "loss_usd_millions " + usd_text + f" ({loss_point} of the range)",
         "loss_usd_millions " + usd_text],
        default="no loss amount in the data",
    )

    shares = [parse_customer_share(t) for t in raw["customer_loss_share_known"]]
    share = np.array([s[0] for s in shares], dtype="float64")
    share_basis = np.array([s[1] for s in shares], dtype=object)
    share_used = np.where(np.isnan(share), 1.0, share)
    share_basis = np.where(np.isnan(share), share_basis + ": whole loss replayed as customer loss (assumed)",
                           share_basis)

    out = raw.copy()
    out.insert(0, "slug", raw["id"].map(slug))
    out["year"] = raw["id"].str[-4:].astype(int)
    out["loss_usd_low"] = lo
    out["loss_usd_high"] = hi
    out["loss_usd"] = point
    out["loss_amount"] = loss_amount
    out["loss_currency"] = loss_currency
    out["loss_basis"] = loss_basis
    out["customer_share"] = share
    out["customer_share_used"] = share_used
    out["customer_share_basis"] = share_basis
    out["customer_loss"] = loss_amount * share_used
    out["wallet"] = raw["wallet_type"].map(parse_wallet)
    month_only = raw["date"].str.fullmatch(r"\d{4}-\d{2}")
    loss_date = pd.to_datetime(raw["date"].where(~month_only, raw["date"] + "-01"), format="%Y-%m-%d",
                               errors="coerce")
    if loss_date.isna().any():
        i = int(np.flatnonzero(loss_date.isna().to_numpy())[0])
        raise IncidentError(f"{src}: row {i + 1}, field 'date': {raw['date'].iloc[i]!r} is not YYYY-MM-DD or YYYY-MM")
    out["loss_date"] = loss_date.dt.date
    out["loss_date_basis"] = np.where(month_only, "first day of the month (the sources give no day)", "the date")
    rec = pd.to_numeric(raw["recovery_rate_pct"].replace("", np.nan), errors="coerce")
    bad_rec = rec.isna() & (raw["recovery_rate_pct"] != "")
    if bad_rec.any():
        i = int(np.flatnonzero(bad_rec.to_numpy())[0])
        raise IncidentError(f"{src}: row {i + 1}, field 'recovery_rate_pct': {raw['recovery_rate_pct'].iloc[i]!r} "
                            "is not a number")
    out["recovery_rate"] = rec.to_numpy(dtype="float64") / 100.0
    paid = raw[["id"]].merge(load_outcomes(), on="id", how="left")
    out["paid_by"] = paid["paid_by"].fillna("not_stated").to_numpy()
    out["paid_by_evidence"] = paid["paid_by_evidence"].fillna("").to_numpy()
    out.attrs["loss_point"] = loss_point
    out.attrs["source"] = src
    return out


def resolve(ids, incidents: pd.DataFrame | None = None) -> list[str]:
    """The slugs of ``ids`` (slugs or CSV ids, any case); an unknown id raises with a "did you mean" hint."""
    frame = incidents if incidents is not None else load_incidents()
    known = list(frame["slug"])
    out = []
    for given in ([ids] if isinstance(ids, str) else list(ids)):
        s = slug(given)
        if s not in known:
            raise IncidentError(
                f"unknown incident {given!r}{did_you_mean(s, known)}; known incidents: {', '.join(known)}"
            )
        out.append(s)
    return list(dict.fromkeys(out))


def get_incident(incident_id: str, loss_point: str = "midpoint") -> pd.Series:
    """One incident's row (by slug or CSV id)."""
    frame = load_incidents(loss_point)
    s = resolve(incident_id, frame)[0]
    return frame.loc[frame["slug"] == s].iloc[0]
