"""Which services an analysis counts: one rule for every door (Processing, dock, command line).

A service is analysed when its status is one of ``statuses`` (default: active only; suspended and
closed services reach nobody), it lies in the area's comuni (when given), it has a location, and it
offers one of ``sectors`` (when given). Every service left out is counted by reason, so outputs
can say what they leave out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry.vocabularies import STATUS_CODES, split_codes

if TYPE_CHECKING:
    import geopandas as gpd

#: Statuses analysed by default.
ANALYSED_STATUSES: tuple[str, ...] = ("active",)

_REASONS_IT = {
    "outside the area": "fuori dall'area",
    "no location": "senza posizione",
    "not in the sectors": "non nei settori scelti",
}


@dataclass
class ServiceSelection:
    """The services an analysis counts, and how many were left out for which reason."""

    services: gpd.GeoDataFrame
    left_out: dict[str, int] = field(default_factory=dict)

    def describe(self, language: str = "en") -> str:
        """Return e.g. "12 services analysed; left out: 2 status closed, 5 no location"."""
        italian = language.startswith("it")
        parts = []
        for reason, n in self.left_out.items():
            if not n:
                continue
            if italian:
                reason = _REASONS_IT.get(reason, reason.replace("status", "stato"))
            parts.append(f"{n} {reason}")
        head = (
            f"{len(self.services)} servizi analizzati"
            if italian
            else f"{len(self.services)} services analysed"
        )
        if not parts:
            return head
        return head + ("; esclusi: " if italian else "; left out: ") + ", ".join(parts)


def select_services(
    services: gpd.GeoDataFrame,
    *,
    statuses: Sequence[str] = ANALYSED_STATUSES,
    comuni: Sequence[str] | None = None,
    sectors: Sequence[str] | None = None,
    require_location: bool = True,
) -> ServiceSelection:
    """Return the services an analysis counts (see the module docstring).

    Parameters
    ----------
    services
        Registry services (the ``services`` layer), with ``status``, ``comune_istat`` and
        ``sectors`` columns where present; a missing ``status`` counts as active.
    statuses
        Statuses to keep (codes of :data:`~.vocabularies.STATUSES`).
    comuni
        ISTAT codes of the area's comuni; ``None`` keeps every comune.
    sectors
        Sector codes; a service offering any of them is kept. ``None`` or ``["all"]`` keeps all.
    require_location
        Leave out services without a (non-empty) geometry.

    Returns
    -------
    ServiceSelection
    """
    unknown = sorted(set(statuses) - STATUS_CODES)
    if unknown:
        raise InputError(
            f"Unknown service status {unknown}.",
            fix=f"Use some of: {', '.join(sorted(STATUS_CODES))}.",
            it=f"Stato del servizio sconosciuto {unknown}.",
            fix_it=f"Usa alcuni di: {', '.join(sorted(STATUS_CODES))}.",
        )
    left_out: dict[str, int] = {}
    keep = services
    if "status" in keep.columns:
        status = keep["status"].fillna("active").astype(str).str.strip().str.lower()
        status = status.replace("", "active")
        for value in sorted(set(status) - set(statuses)):
            left_out[f"status {value}"] = int((status == value).sum())
        keep = keep[status.isin(list(statuses))]
    if comuni is not None and "comune_istat" in keep.columns:
        inside = keep["comune_istat"].astype(str).str.zfill(6).isin([str(c) for c in comuni])
        left_out["outside the area"] = int((~inside).sum())
        keep = keep[inside]
    if require_location:
        located = keep.geometry.notna() & ~keep.geometry.is_empty
        left_out["no location"] = int((~located).sum())
        keep = keep[located]
    wanted = {s for s in (sectors or []) if s != "all"}
    if wanted and "sectors" in keep.columns:
        offers = keep["sectors"].map(lambda v: bool(wanted & set(split_codes(v))))
        left_out["not in the sectors"] = int((~offers).sum())
        keep = keep[offers]
    return ServiceSelection(keep.copy(), left_out)
