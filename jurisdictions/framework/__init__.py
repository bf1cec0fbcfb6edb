"""The plug-in framework: profile schema, obligations schema, dated cited parameters, registry."""
from .errors import FxError, ParameterError, PluginError, Problem, ProfileError, XjurError, did_you_mean
from .obligations import (
    CATEGORIES, COLUMNS, FUNDING_FORMS, RANGE_SCENARIOS, SCENARIOS, CompactRows, scenarios_of, categorical_text, compact_rows,
    choose, compact_table, concat_categoricals, concat_obligations, empty_obligations, join_text, money, number,
    obligation_rows, percent, percents, profile_dtype, text_skipped,
)
from .parameters import ParameterSet, ParameterValue, load_parameters, parse_parameters
from .plugin import Check, Jurisdiction, Note, ObligationSpec, Regime, Scope, check_scenarios, regime_applies
from .declared import Columns, Evaluation, Reader, is_declarative
from .profile import FIELDS, FRAME_COLUMNS, MONEY_FIELDS, SERVICES, Incident, Profile
from .registry import Registry, check_plugin, discover
from .status import output_status, worst, worst_where
from .storage import hot_cap, value_to_move
from .validation import SERVICE_COLUMNS, services_of, validate_frame

__all__ = [
    "categorical_text", "CATEGORIES", "Check", "Columns", "Evaluation", "is_declarative", "Reader", "Scope", "check_plugin", "check_scenarios", "choose", "COLUMNS", "compact_rows",
    "compact_table", "CompactRows", "concat_categoricals", "concat_obligations", "did_you_mean", "discover",
    "empty_obligations", "FIELDS", "FRAME_COLUMNS", "FUNDING_FORMS", "FxError", "hot_cap", "Incident", "join_text",
    "Jurisdiction", "load_parameters", "money", "MONEY_FIELDS", "Note", "number", "obligation_rows",
    "ObligationSpec", "output_status", "ParameterError", "ParameterSet", "ParameterValue", "parse_parameters",
    "percent", "percents", "PluginError", "Problem", "Profile", "profile_dtype", "ProfileError", "Regime",
    "RANGE_SCENARIOS", "regime_applies", "Registry", "SCENARIOS", "scenarios_of", "SERVICE_COLUMNS", "SERVICES", "services_of",
    "text_skipped", "validate_frame", "value_to_move", "worst", "worst_where", "XjurError",
]
