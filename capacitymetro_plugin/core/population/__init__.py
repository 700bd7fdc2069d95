"""Population inputs: ISTAT readers, embedded resident population, zones, dasymetric grid."""

from .estimate import estimate_comuni_from_provinces, foreign_from_table, largest_remainder
from .grid import PopulationGrid, dasymetric_grid, residential_streets
from .istat import (
    IstatTable,
    download_cached,
    download_strasa,
    rcs_citizenship_url,
    read_citizenship,
    read_strasa,
    strasa_url,
)
from .residents import comuni_boundaries, resident_population
from .sections import read_sections, section_zones
from .zones import metric_crs, validate_zones

__all__ = [
    "IstatTable",
    "download_cached",
    "rcs_citizenship_url",
    "PopulationGrid",
    "comuni_boundaries",
    "dasymetric_grid",
    "download_strasa",
    "estimate_comuni_from_provinces",
    "foreign_from_table",
    "largest_remainder",
    "metric_crs",
    "read_citizenship",
    "read_sections",
    "read_strasa",
    "residential_streets",
    "resident_population",
    "section_zones",
    "strasa_url",
    "validate_zones",
]
