"""ISO 4217 currency codes (active alphabetic codes, list of 2024), used to validate ``currency`` fields.

Whether xjur can *convert* a currency is a separate question answered by ``comparisons.fx``; this module
only rejects strings that are not currency codes at all.
"""
from __future__ import annotations

from .errors import did_you_mean

ISO_4217: frozenset[str] = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF
CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF
GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD
LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP
PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP
TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
""".split())


def check_currency_code(code: object) -> str:
    """Return the upper-cased ISO 4217 code, or raise ``ValueError`` with a hint."""
    if not isinstance(code, str) or not code.strip():
        raise ValueError("must be an ISO 4217 currency code such as USD, EUR or JPY")
    c = code.strip().upper()
    if c not in ISO_4217:
        raise ValueError(f"unknown currency {code!r} (not an ISO 4217 code){did_you_mean(c, sorted(ISO_4217))}")
    return c
