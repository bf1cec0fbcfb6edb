"""The web form's inputs: which fields it shows, how a submitted form becomes ``compare``'s arguments, and
where each error goes on the page.

A submitted form is a query string (so the result page's URL is shareable): the profile's fields as typed,
or ``data`` (the profiles of an uploaded file, as YAML, zlib-compressed and base64url-encoded), the
options, and the parameter / assumption overrides as YAML text. Everything is written to a per-request
temporary folder and read back through ``load_profiles`` and the input policy, exactly as the CLI reads
files: the messages are the CLI's.
"""
from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from jurisdictions.framework import RANGE_SCENARIOS, SERVICES, ProfileError
from jurisdictions.framework import input_policy as policy
from jurisdictions.framework.optional_fields import LIST_FIELDS, OPTIONAL_MONEY_FIELDS
from jurisdictions.framework.profile import FIELDS, MONEY_FIELDS

#: the scenarios a user may tick (the framework's low/central/high)
SCENARIOS = RANGE_SCENARIOS
#: Help text of each form field (the README's "Profiles" section and the design's Contract 1 table).
HELP: Mapping[str, str] = {
    "name": "Label of the profile, unique in a batch (shown as text, never as markup).",
    "currency": "ISO 4217 code: the currency of every money field of this profile (USD, JPY, EUR, ...).",
    "services": "MiCA's ten services (Art. 3(1)(16)); tick every one the business offers, at least one.",
    "client_crypto_assets": "Market value of the customers' crypto-assets the firm holds or controls.",
    "hot_wallet_share": "Share (by value) of those assets kept outside cold storage, as a fraction: 0.05, not 5%.",
    "client_fiat": "Customers' money held.",
    "annual_trading_volume": "Value traded on or through the platform over the last 12 months.",
    "fixed_overheads": "Preceding year's fixed overheads as MiCA Art. 67(3) defines them (projected in a first year).",
    "annual_operating_expenses": "Operating expenses over the last 12 months.",
    "own_funds": "Qualifying own funds / net assets available today (may be negative).",
    "adjusted_liabilities": "Optional (default 0): liabilities as Hong Kong's financial resources rules adjust them.",
    "active_users": "Optional (default 0): average active users (MiCA Art. 85 uses EU users).",
    "recent_incident_losses": "Optional (default 0): customer losses from security incidents in the look-back "
                              "window of the Japanese proposal.",
    "fiat_markets": "Optional (default: the profile's currency): ISO 4217 codes of the currencies in which the firm "
                    "takes customer money or runs fiat pairs, separated by commas.",
    "peak_annual_trading_volume": "Optional (default: the annual trading volume): highest annual volume of the "
                                  "current year and the two before it.",
    "total_assets": "Optional: the firm's balance-sheet total; where absent, a market that needs it uses own funds "
                    "+ client fiat and labels the row assumed.",
    "us_states": "Optional: two-letter codes of the US states the firm is or will be licensed in, separated by "
                 "commas; where absent, the US model assumes a representative set (labelled assumed).",
    "third_party_custody_share": "Optional (default 0): share (by value) of client crypto-assets held by an "
                                 "approved third-party custodian, as a fraction.",
    "annual_revenue": "Optional: revenue over the last 12 months; where absent, a rule that needs it gives no "
                      "amount and says so.",
}
#: The Contract 1 fields on the form, in order (``incidents`` is a list of records: YAML uploads only).
PROFILE_FIELDS: tuple[str, ...] = tuple(f for f in FIELDS if f != "incidents")
MAX_DATA_CHARS = 4 * policy.MiB


def unit_of(name: str) -> str:
    """The unit shown beside a field."""
    if name in MONEY_FIELDS or name in OPTIONAL_MONEY_FIELDS:
        return "in the profile's currency"
    if name.endswith("_share"):
        return "fraction 0–1"
    if name == "active_users":
        return "count"
    return ""


@dataclass
class FormErrors:
    """Messages by form field (``""``: about the whole form)."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)


def _multi(query: Any, name: str) -> list[str]:
    return list(query.getlist(name)) if hasattr(query, "getlist") else list(query.get(name, []))


def values_of(query: Any) -> dict[str, Any]:
    """What the user typed, for showing the form again (strings; lists for the checkboxes)."""
    out: dict[str, Any] = {f: str(query.get(f, "") or "") for f in PROFILE_FIELDS if f != "services"}
    out["services"] = _multi(query, "services")
    for f in ("as_of", "parameters", "assumptions", "data"):
        out[f] = str(query.get(f, "") or "")
    out["currency_ref"] = str(query.get("currency_ref", "") or "USD")
    out["jurisdictions"] = _multi(query, "j")
    out["scenarios"] = _multi(query, "scenario")
    out["in_force_only"] = bool(query.get("in_force_only"))
    return out


def profile_record(values: Mapping[str, Any]) -> dict[str, Any]:
    """The profile typed into the form as a record for ``load_profiles`` (values as typed: the model parses
    them and words its messages as for a file). Blank optional fields are left out."""
    rec: dict[str, Any] = {}
    for f in PROFILE_FIELDS:
        v = values.get(f)
        if f == "services":
            if v:
                rec[f] = list(v)
            continue
        text = str(v or "").strip()
        if f in LIST_FIELDS:
            if text:
                rec[f] = [c for c in re.split(r"[\s,;]+", text) if c]
            continue
        if text:
            rec[f] = text
    return rec


def encode_data(text: str) -> str:
    """Profiles (YAML text) for a URL: zlib, then base64url."""
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def decode_data(data: str) -> str:
    """The profiles' YAML text from ``data``; the inflated size is bounded by the YAML profile file limit
    (no zip bomb in a URL either)."""
    limit = policy.limits("profiles_yaml").max_bytes
    if len(data) > MAX_DATA_CHARS:
        raise policy.InputError("data", "", f"the shared profiles are longer than {MAX_DATA_CHARS:,} characters")
    try:
        raw = base64.urlsafe_b64decode(data.encode("ascii"))
        d = zlib.decompressobj()
        out = d.decompress(raw, limit + 1)
    except (ValueError, zlib.error) as e:
        raise policy.InputError("data", "", f"the shared profiles in the link are damaged ({e})") from None
    if len(out) > limit or d.unconsumed_tail:
        raise policy.InputError("data", "", f"the shared profiles inflate beyond {limit:,} bytes: refused")
    return out.decode("utf-8", errors="replace")


def safe_filename(name: str, default: str) -> str:
    """The base name of an uploaded file, reduced to harmless characters (it names the file in messages)."""
    base = Path(str(name or "")).name
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")[:80]
    return base or default


def compare_kwargs(values: Mapping[str, Any], workdir: Path) -> dict[str, Any]:
    """``compare``'s keyword arguments from the form's options; override texts are written into ``workdir``
    and read back through the input policy like the CLI's ``--parameters`` / ``--assumptions`` files."""
    kw: dict[str, Any] = {
        "jurisdictions": list(values["jurisdictions"]) or None,
        "as_of": values["as_of"].strip() or None,
        "currency": values["currency_ref"].strip() or "USD",
        "scenarios": list(values["scenarios"]) or ["all"],
        "in_force_only": bool(values["in_force_only"]),
    }
    for name in ("parameters", "assumptions"):
        text = values[name]
        if text.strip():
            p = workdir / f"{name}.yaml"
            p.write_text(text, encoding="utf-8")
            kw[name] = [str(p)]
    return kw


def place_error(err: Exception, errors: FormErrors, workdir: Path, profile_target: str) -> None:
    """Put each message of ``err`` beside the field it is about. ``profile_target``: ``fields`` (the
    typed profile: each problem beside its field) or the name of the upload field."""
    text_of = lambda s: str(s).replace(str(workdir) + "/", "")  # noqa: E731 - the file's own name, not the tmp path
    if isinstance(err, ProfileError):
        for p in err.problems:
            if profile_target == "fields" and p.field.split("[")[0] in PROFILE_FIELDS:
                errors.add(p.field.split("[")[0], text_of(p))
            else:
                errors.add(profile_target if profile_target != "fields" else "", text_of(p))
        return
    msg = text_of(err)
    low = msg.lower()
    target = ""
    if "parameters.yaml" in msg:
        target = "parameters"
    elif "assumptions.yaml" in msg:
        target = "assumptions"
    elif low.startswith("as_of") or "as-of" in low:
        target = "as_of"
    elif "reference currency" in low:
        target = "currency_ref"
    elif "jurisdiction" in low:
        target = "jurisdictions"
    elif "scenario" in low:
        target = "scenarios"
    elif profile_target != "fields":
        target = profile_target
    errors.add(target, msg)


def query_items(values: Mapping[str, Any], data: str = "") -> list[tuple[str, str]]:
    """The query string of a comparison (the shareable URL): the typed profile or ``data``, and the options."""
    items: list[tuple[str, str]] = []
    if data:
        items.append(("data", data))
    else:
        for f in PROFILE_FIELDS:
            if f == "services":
                items.extend(("services", s) for s in values.get("services", ()))
            elif str(values.get(f, "") or "").strip():
                items.append((f, str(values[f])))
    items.extend(("j", j) for j in values.get("jurisdictions", ()))
    items.extend(("scenario", s) for s in values.get("scenarios", ()))
    for f in ("as_of", "currency_ref", "parameters", "assumptions"):
        if str(values.get(f, "") or "").strip():
            items.append((f, str(values[f])))
    if values.get("in_force_only"):
        items.append(("in_force_only", "1"))
    return items


def frame_yaml(frame: Any) -> str:
    """Validated profiles as the YAML of a profile file (what a shared link carries)."""
    import math

    import yaml

    from jurisdictions.framework.profile import FIELDS

    records = []
    for rec in frame.to_dict("records"):
        out = {}
        for k, v in rec.items():
            if k not in FIELDS or v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            if k == "services":
                v = [s for s in str(v).split(";") if s]
            elif hasattr(v, "item"):
                v = v.item()
            elif isinstance(v, (list, tuple)):
                v = list(v)
            out[k] = v
        records.append(out)
    return yaml.safe_dump({"profiles": records}, allow_unicode=True, sort_keys=False)


__all__ = ["FormErrors", "HELP", "PROFILE_FIELDS", "SCENARIOS", "SERVICES", "compare_kwargs",
           "decode_data", "encode_data", "frame_yaml", "place_error", "profile_record", "query_items",
           "safe_filename", "unit_of", "values_of"]
