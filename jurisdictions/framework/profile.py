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
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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

#: Every field of Contract 1, in a stable order (``incidents`` is YAML-only).
FIELDS: tuple[str, ...] = REQUIRED_FIELDS + ("adjusted_liabilities", "active_users", "recent_incident_losses", "incidents")

#: Columns of a validated profile frame, in order.
FRAME_COLUMNS: tuple[str, ...] = tuple(f for f in FIELDS if f != "incidents")


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
        from .errors import did_you_mean

        for s in v:
            if s not in SERVICES:
                raise ValueError(f"unknown service {s!r}{did_you_mean(s, SERVICES)}")
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
        if info.field_name == "hot_wallet_share":
            if not 0 <= v <= 1:
                raise ValueError(MSG_SHARE)
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
        return row
