"""Accessibility indices: 2SFCA/E2SFCA, language access, bivariate classes."""

from .bivariate import bivariate_classes, classify3, quantile_class, tertile_breaks
from .classes import (
    class_labels,
    class_shares,
    classify,
    format_number,
    quantile_breaks,
    round_breaks,
)
from .e2sfca import E2sfcaResult, capacity_supply, catchment_min, e2sfca_cells
from .fca import DEFAULT_STEPS, decay_weights, fca, gaussian_weights, stepped_weights
from .language import (
    citizenship_languages,
    language_access,
    language_access_cells,
    language_access_grid,
    languages_of,
    languages_within,
    parse_languages,
    read_citizenship_mix,
    spread_citizenships,
    unserved_by_language,
)

__all__ = [
    "DEFAULT_STEPS",
    "E2sfcaResult",
    "capacity_supply",
    "catchment_min",
    "e2sfca_cells",
    "bivariate_classes",
    "class_labels",
    "class_shares",
    "classify",
    "format_number",
    "quantile_breaks",
    "round_breaks",
    "citizenship_languages",
    "classify3",
    "decay_weights",
    "fca",
    "gaussian_weights",
    "language_access",
    "language_access_cells",
    "language_access_grid",
    "read_citizenship_mix",
    "languages_of",
    "languages_within",
    "parse_languages",
    "spread_citizenships",
    "quantile_class",
    "stepped_weights",
    "tertile_breaks",
    "unserved_by_language",
]
