"""The plug-in framework: profile schema, obligations schema, dated cited parameters, registry."""
from .errors import FxError, ParameterError, PluginError, Problem, ProfileError, XjurError, did_you_mean
from .obligations import (
    CATEGORIES, COLUMNS, FUNDING_FORMS, SCENARIOS, TEXT_COLUMNS, CompactRows, categorical_text, compact_rows,
    choose, compact_table, concat_categoricals, concat_obligations, empty_obligations, join_text, money, number,
    obligation_rows, percent, percents, profile_dtype, text_skipped,
)
from .parameters import ParameterSet, ParameterValue, load_parameters, parse_parameters
from .plugin import Jurisdiction, Note, ObligationSpec, Regime, check_scenarios, regime_applies
from .profile import FIELDS, FRAME_COLUMNS, MONEY_FIELDS, SERVICES, Incident, Profile
from .registry import Registry, check_plugin, discover
from .status import output_status, worst, worst_where
from .validation import SERVICE_COLUMNS, services_of, validate_frame

__all__ = [
    "CATEGORIES", "COLUMNS", "CompactRows", "TEXT_COLUMNS", "categorical_text", "compact_rows", "compact_table", "choose",
    "concat_categoricals", "percents", "profile_dtype", "text_skipped", "FIELDS", "FRAME_COLUMNS", "FUNDING_FORMS", "FxError", "Incident", "Jurisdiction",
    "MONEY_FIELDS", "Note", "ObligationSpec", "ParameterError", "ParameterSet", "ParameterValue", "PluginError",
    "Problem", "Profile", "ProfileError", "Regime", "Registry", "SCENARIOS", "SERVICES", "SERVICE_COLUMNS",
    "XjurError", "check_plugin", "check_scenarios", "concat_obligations", "did_you_mean", "discover",
    "empty_obligations", "join_text", "load_parameters", "money", "number", "obligation_rows", "output_status",
    "parse_parameters", "percent", "regime_applies", "services_of", "validate_frame", "worst", "worst_where",
]
