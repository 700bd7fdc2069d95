"""Census-section files in ISTAT's published layout, made by the tests (no real ISTAT file).

The boundaries are a zip holding ``R04_21/R04_21_WGS84.shp`` in EPSG:32632 with the 2021
fields ``SEZ21_ID`` (PRO_COM × 10⁷ + section number) and ``PRO_COM``; the variables are a
``;``-separated CSV with the columns of ISTAT's table per section (``CODREG``…``PROCOM``,
``SEZ21_ID``, ``P1`` residents, ``ST1`` foreign residents: the 2011 name).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd

VAR_COLUMNS = ["CODREG", "REGIONE", "CODPRO", "PROVINCIA", "CODCOM", "COMUNE", "PROCOM",
               "SEZ21_ID", "P1", "P2", "P3", "ST1"]  # fmt: skip


def section_id(pro_com: str, n: int) -> int:
    return int(pro_com) * 10**7 + n


def write_boundaries(sections: gpd.GeoDataFrame, folder: Path, name: str = "R04_21") -> Path:
    """``sections`` (SEZ21_ID, PRO_COM, geometry) → ``folder/<name>.zip`` as ISTAT ships it."""
    shp_dir = folder / f"{name}_shp"
    shp_dir.mkdir(parents=True, exist_ok=True)
    sections.to_file(shp_dir / f"{name}_WGS84.shp", engine="fiona")
    path = folder / f"{name}.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for part in sorted(shp_dir.iterdir()):
            zf.write(part, f"{name}/{part.name}")
    return path


def write_variables(rows: list[dict], path: Path) -> Path:
    """Rows with PROCOM, SEZ21_ID, P1, ST1 → ISTAT's ``;`` CSV (other columns filled)."""
    lines = [";".join(VAR_COLUMNS)]
    for r in rows:
        pc = str(r["PROCOM"]).zfill(6)
        full = {"CODREG": 4, "REGIONE": "Trentino-Alto Adige/Südtirol", "CODPRO": int(pc[:3]),
                "PROVINCIA": "Trento", "CODCOM": int(pc[3:]), "COMUNE": r.get("COMUNE", ""),
                "P2": r["P1"] // 2, "P3": r["P1"] - r["P1"] // 2, **r}  # fmt: skip
        full["PROCOM"] = int(pc)
        lines.append(";".join(str(full[c]) for c in VAR_COLUMNS))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
