"""Coverage of the (foreign) population by services: times, per-area tables, gaps, what-if."""

from .analysis import CoverageResult, assign_zones, coverage_analysis
from .coverage import (
    DEFAULT_THRESHOLDS,
    ServiceTimes,
    coverage_by_area,
    coverage_by_sector,
    gap_polygons,
    select_services,
    service_times,
    split_codes,
    weighted_median,
    what_if,
)
from .islands import parts_without_service

__all__ = [
    "DEFAULT_THRESHOLDS",
    "CoverageResult",
    "assign_zones",
    "coverage_analysis",
    "ServiceTimes",
    "coverage_by_area",
    "coverage_by_sector",
    "gap_polygons",
    "parts_without_service",
    "select_services",
    "service_times",
    "split_codes",
    "weighted_median",
    "what_if",
]
