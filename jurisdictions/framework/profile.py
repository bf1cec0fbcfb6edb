"""Contract 1: the exchange profile.

One profile describes one business (an exchange, or one entity of a group). Every money field is in the
profile's ``currency``. The field names are fixed by ``shared/DESIGN.md`` (Contract 1); they are the YAML
keys, the CSV/Excel headers and the DataFrame columns.

This module holds the single-profile pydantic model. The batch path validates whole frames with the same
rules in :mod:`jurisdictions.framework.validation`; a test checks that both agree.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .input_policy import MAX_ABS_NUMBER, MSG_TOO_LARGE, text_problem
from .optional_fields import OPTIONAL_FIELDS, list_problem

#: MiCA's ten crypto-asset services (Art. 3(1)(16)); the service codes of Contract 1.
SERVICES: tuple[str, ...] = (
    "custody",
    "trading_platform",
    "exchange_fiat",
    "exchange_crypto",
    "execution",
    "placing",
    "reception_transmission",
    "advice",
    "portfolio_management",
    "transfer",
)

#: Money fields of Contract 1 (all in the profile's currency).
MONEY_FIELDS: tuple[str, ...] = (
    "client_crypto_assets",
    "client_fiat",
    "annual_trading_volume",
    "fixed_overheads",
    "annual_operating_expenses",
    "own_funds",
    "adjusted_liabilities",
    "recent_incident_losses",
)

#: The messages of the field rules, shared by the pydantic model and the vectorised validator.
MSG_NOT_FINITE = "must be a finite number (NaN and inf are not amounts)"
MSG_NEGATIVE = "must not be negative"
MSG_SHARE = "share must be between 0 and 1"
MSG_WHOLE = "must be a whole number"
#: A share given as a whole percentage (``hot_wallet_share: 3``): the message names the form expected.
MSG_SHARE_PERCENT = "share must be between 0 and 1: a fraction, not a percentage (3 % is written 0.03)"


def share_message(value: float) -> str:
    """The message for a share outside [0, 1]; a whole number up to 100 is read as a percentage given."""
    return MSG_SHARE_PERCENT if 1 < value <= 100 and value == int(value) else MSG_SHARE


def not_a_number_message(text: object) -> str:
    """"not a number", with the form expected when the text is a number written another way."""
    t = str(text).strip()
    if t.endswith("%") and _is_number(t[:-1]):
        return f"not a number: write a share or rate as a fraction ({t} is {float(t[:-1].strip()) / 100:g})"
    if "," in t and _is_number(t.replace(",", "")):
        return (f"not a number: write numbers without thousands separators ({t} is {t.replace(',', '')})" if _THOUSANDS.fullmatch(t) else
                f"not a number: write decimals with '.' ({t} is {t.replace(',', '.')})")
    return "not a number"


def _is_number(t: str) -> bool:
    try:
        float(t)
    except ValueError:
        return False
    return True


def unknown_service_message(codes: list[str], named: bool = True) -> str:
    """The message for unknown service codes (all of them), naming the fix: ``;`` between services when a
    code holds a comma, a "did you mean" when one is close, else the list of service codes. With
    ``named=False`` (one code, shown beside the message as its value) the code is not repeated."""
    from .errors import did_you_mean

    head = "unknown service" + ("s" if len(codes) > 1 else "")
    if named:
        head += " " + ", ".join(repr(c) for c in codes)
    if any("," in c for c in codes):
        parts = [p.strip() for c in codes for p in c.split(",") if p.strip()]
        return f"{head}: services are separated by ';', not ',' (write {';'.join(parts)!r})"
    if len(codes) == 1 and did_you_mean(codes[0], SERVICES):
        return head + did_you_mean(codes[0], SERVICES)
    close = "".join(f"; {c!r}{did_you_mean(c, SERVICES)}" for c in codes if did_you_mean(c, SERVICES))
    return f"{head}{close} (service codes: {', '.join(SERVICES)}; in a CSV cell, ';' between them)"


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")

#: Money fields that may be negative (own funds / net assets can be).
SIGNED_MONEY_FIELDS: frozenset[str] = frozenset({"own_funds"})

REQUIRED_FIELDS: tuple[str, ...] = (
    "name",
    "currency",
    "services",
    "client_crypto_assets",
    "hot_wallet_share",
    "client_fiat",
    "annual_trading_volume",
    "fixed_overheads",
    "annual_operating_expenses",
    "own_funds",
)

#: Optional fields and their defaults (Contract 1).
DEFAULTS: dict[str, object] = {
    "adjusted_liabilities": 0.0,
    "active_users": 0,
    "recent_incident_losses": 0.0,
}

#: Every field of Contract 1, in a stable order (``incidents`` is YAML-only; the later optional fields of
#: ``optional_fields`` last).
FIELDS: tuple[str, ...] = REQUIRED_FIELDS + ("adjusted_liabilities", "active_users", "recent_incident_losses",
                                             "incidents") + OPTIONAL_FIELDS

#: Columns every validated profile frame has, in order (an optional field of ``optional_fields`` follows them
#: when the input gives it).
FRAME_COLUMNS: tuple[str, ...] = tuple(f for f in FIELDS if f != "incidents" and f not in OPTIONAL_FIELDS)


class Incident(BaseModel):
    """One security incident of the profile's own history (YAML only)."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    customer_loss: float = Field(ge=0)
    wallet: Literal["hot", "cold", "unknown"] = "unknown"
    description: str = ""

    @field_validator("customer_loss")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("must be a finite number")
        if abs(v) > MAX_ABS_NUMBER:
            raise ValueError(MSG_TOO_LARGE)
        return v

    @field_validator("description")
    @classmethod
    def _text(cls, v: str) -> str:
        why = text_problem(v)
        if why:
            raise ValueError(f"description {why}")
        return v


class Profile(BaseModel):
    """One exchange profile (Contract 1). Validation is strict: unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1)
    currency: str
    services: list[str] = Field(min_length=1)
    client_crypto_assets: float
    hot_wallet_share: float
    client_fiat: float
    annual_trading_volume: float
    fixed_overheads: float
    annual_operating_expenses: float
    own_funds: float
    adjusted_liabilities: float = 0.0
    active_users: int = 0
    recent_incident_losses: float | None = None
    incidents: list[Incident] = Field(default_factory=list)
    fiat_markets: list[str] | None = None
    peak_annual_trading_volume: float | None = None
    total_assets: float | None = None
    us_states: list[str] | None = None
    third_party_custody_share: float | None = None
    annual_revenue: float | None = None

    @field_validator("fiat_markets", "us_states", mode="before")
    @classmethod
    def _codes(cls, v: object, info) -> object:
        if v is None:
            return v
        text, why = list_problem(info.field_name, v)
        if why:
            raise ValueError(why)
        return None if text is None else (text.split(";") if text else [])

    @field_validator("peak_annual_trading_volume", "total_assets", "annual_revenue", "third_party_custody_share")
    @classmethod
    def _optional_number(cls, v: float | None, info) -> float | None:
        if v is None:
            return v
        if not math.isfinite(v):
            raise ValueError(MSG_NOT_FINITE)
        if info.field_name == "third_party_custody_share":
            if not 0 <= v <= 1:
                raise ValueError(MSG_SHARE)
        elif v < 0:
            raise ValueError(MSG_NEGATIVE)
        elif v > MAX_ABS_NUMBER:
            raise ValueError(MSG_TOO_LARGE)
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        v = v.strip()  # Python's strip, as the batch path (it also drops the separators \x1c-\x1f)
        if not v:
            raise ValueError("name is required")
        why = text_problem(v, name=True)
        if why:
            raise ValueError(f"name {why}")
        return v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        from .currencies import check_currency_code

        return check_currency_code(v)

    @field_validator("services", mode="before")
    @classmethod
    def _split_services(cls, v: object) -> object:
        if isinstance(v, str):
            return [s.strip() for s in v.split(";") if s.strip()]
        return v

    @field_validator("services")
    @classmethod
    def _known_services(cls, v: list[str]) -> list[str]:
        unknown = [s for s in v if s not in SERVICES]
        if unknown:
            raise ValueError(unknown_service_message(unknown))
        return list(dict.fromkeys(v))

    @field_validator(
        "client_crypto_assets", "hot_wallet_share", "client_fiat", "annual_trading_volume", "fixed_overheads",
        "annual_operating_expenses", "own_funds", "adjusted_liabilities", "recent_incident_losses",
    )
    @classmethod
    def _in_range(cls, v: float | None, info) -> float | None:
        if v is None:
            return v
        if not math.isfinite(v):
            raise ValueError(MSG_NOT_FINITE)
        if abs(v) > MAX_ABS_NUMBER:
            raise ValueError(MSG_TOO_LARGE)
        if info.field_name == "hot_wallet_share":
            if not 0 <= v <= 1:
                raise ValueError(share_message(v))
        elif info.field_name not in SIGNED_MONEY_FIELDS and v < 0:
            raise ValueError(MSG_NEGATIVE)
        return v

    @field_validator("active_users", mode="before")
    @classmethod
    def _users(cls, v: object) -> object:
        if isinstance(v, float) and math.isfinite(v) and v == int(v):
            v = int(v)
        if isinstance(v, int) and not isinstance(v, bool) and v < 0:
            raise ValueError(MSG_NEGATIVE)
        if isinstance(v, float):
            raise ValueError(MSG_WHOLE if math.isfinite(v) else MSG_NOT_FINITE)
        return v

    @model_validator(mode="after")
    def _derive_incident_losses(self) -> "Profile":
        if self.recent_incident_losses is None:
            self.recent_incident_losses = float(sum(i.customer_loss for i in self.incidents))
        return self

    def as_row(self) -> dict[str, object]:
        """The profile as one row of a validated profile frame (services joined with ``;``)."""
        row = self.model_dump(exclude={"incidents"})
        row["services"] = ";".join(self.services)
        for f in OPTIONAL_FIELDS:  # left out: the field's default applies
            if row[f] is None:
                del row[f]
        return row
