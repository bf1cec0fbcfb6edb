"""``explain``: one obligation of one profile, with its formula, inputs, parameters and citations."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from jurisdictions.framework import XjurError, did_you_mean

from .compare import compare


@dataclass(frozen=True)
class Explanation:
    """Everything behind one obligation row (or one row per scenario)."""

    profile: str
    jurisdiction: str
    obligation: str
    regime: str
    formula: str
    citation: str
    rows: pd.DataFrame  # the Contract 2 rows
    inputs: dict[str, Any]  # profile fields read, in the jurisdiction's currency
    input_currency: str
    parameters: pd.DataFrame  # id, value, unit, effective_from, status, unverified (†), citation, source, note
    as_of: str
    fx_date: str

    def to_dict(self) -> dict:
        from .compare import records

        return {
            "profile": self.profile, "jurisdiction": self.jurisdiction, "regime": self.regime,
            "obligation": self.obligation, "formula": self.formula, "citation": self.citation,
            "as_of": self.as_of, "fx_date": self.fx_date, "input_currency": self.input_currency,
            "inputs": self.inputs, "rows": records(self.rows, ("funding_forms",)),
            "parameters": records(self.parameters),
        }


def _value_text(pv: Any) -> str:
    if pv.scenarios is not None:
        return ", ".join(f"{k}: {'none' if v is None else v}" for k, v in pv.scenarios.items())
    return "none" if pv.value is None else str(pv.value)


def explain(profiles: Any, profile: str, jurisdiction: str, obligation: str, **compare_kwargs: Any) -> Explanation:
    """Explain ``obligation`` of ``jurisdiction`` for the profile named ``profile``."""
    from .load import load_profiles

    frame = load_profiles(profiles)
    names = list(frame["name"])
    if profile not in names:
        raise XjurError(f"no profile named {profile!r}{did_you_mean(profile, names)}; profiles: {', '.join(names)}")
    one = frame[frame["name"] == profile].reset_index(drop=True)
    one.attrs["xjur_validated"] = True
    compare_kwargs.setdefault("scenarios", ("all",))
    result = compare(one, jurisdictions=[jurisdiction], **compare_kwargs)
    j = result.jurisdictions[0]
    specs = [s for s in j.obligations if s.id == obligation]
    if not specs:
        ids = sorted({s.id for s in j.obligations})
        raise XjurError(f"{j.code} has no obligation {obligation!r}{did_you_mean(obligation, ids)}; "
                        f"it has: {', '.join(ids)}")
    rows = result.obligations[result.obligations["obligation"] == obligation].reset_index(drop=True)
    params = result.parameters[j.code]
    prow = []
    regimes = {r.id: r for r in j.regimes}
    for spec in specs:
        day = regimes[spec.regime].read_date(result.as_of) if spec.regime in regimes else result.as_of
        for pid in spec.parameters:
            pv = params.what_if(pid, day)  # the value the rows read: an upcoming regime's at its start
            prow.append({"id": pid, "value": _value_text(pv), "unit": pv.unit,
                         "effective_from": pv.effective_from.isoformat(), "status": pv.status,
                         "unverified": pv.unverified, "citation": pv.citation, "source": pv.source,
                         "note": pv.note})
    from .compare import convert_profiles

    local = convert_profiles(one, result.fx, j.currency)
    spec = specs[0]
    inputs = {f: (local[f].iloc[0].item() if hasattr(local[f].iloc[0], "item") else local[f].iloc[0])
              if f in local.columns else "not given (its default applies)" for f in spec.inputs}
    return Explanation(
        profile=profile, jurisdiction=j.code, obligation=obligation, regime=spec.regime, formula=spec.formula,
        citation=spec.citation, rows=rows, inputs=inputs, input_currency=j.currency,
        parameters=pd.DataFrame(prow, columns=["id", "value", "unit", "effective_from", "status", "unverified",
                                               "citation", "source", "note"]),
        as_of=result.as_of.isoformat(), fx_date=result.fx.date.isoformat(),
    )
