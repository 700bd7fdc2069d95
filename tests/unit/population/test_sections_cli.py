"""`capacitymetro run --config` with census sections for Trento: coverage of foreign residents
now differs from coverage of all residents (under the province share they are equal)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pytest
from sectionfixtures import section_id, write_boundaries, write_variables
from shapely.geometry import box

from capacitymetro_plugin.batch.config import CONFIG_DIR, load_config
from capacitymetro_plugin.core.population import comuni_boundaries
from capacitymetro_plugin.maps.batch_maps import bilingual_layer_title

REPO = Path(__file__).resolve().parents[3]
TRENTO = "022205"
COUNTS = [(60_000, 20_000), (30_000, 1_500), (15_000, 300), (12_000, 600)]


def _sections(folder: Path) -> tuple[Path, Path]:
    comune = comuni_boundaries(year=2023, comuni=[TRENTO]).to_crs(32632)
    x0, y0, x1, y1 = comune.total_bounds
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    quads = [box(x0, ym, xm, y1), box(xm, ym, x1, y1), box(x0, y0, xm, ym), box(xm, y0, x1, ym)]
    layer = gpd.GeoDataFrame(
        {"SEZ21_ID": [section_id(TRENTO, i + 1) for i in range(4)], "PRO_COM": [22205] * 4},
        geometry=[comune.geometry.iloc[0].intersection(q) for q in quads],
        crs=32632,
    )
    rows = [
        {"PROCOM": TRENTO, "SEZ21_ID": section_id(TRENTO, i + 1), "P1": p, "ST1": f}
        for i, (p, f) in enumerate(COUNTS)
    ]
    return write_boundaries(layer, folder), write_variables(rows, folder / "R04_sezioni.csv")


def _run(config: Path, shared_data: Path, out: Path):
    env = dict(os.environ, CAPACITYMETRO_DATA=str(shared_data), QT_QPA_PLATFORM="offscreen")
    cmd = [sys.executable, "-m", "capacitymetro_plugin", "run", "--config", str(config),
           "--out", str(out), "--no-pdf", "--quiet", "--offline"]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env, timeout=600)


def _all_row(out: Path):
    table = pd.read_csv(out / "coverage.csv")
    return table[(table["sector"] == "all") & (table["area"] == "ALL")].iloc[0]


def test_trento_run_with_sections(shared_data, tmp_path):
    zipped, table = _sections(tmp_path)
    text = (CONFIG_DIR / "trento.toml").read_text(encoding="utf-8")
    with_sections = text.replace(
        "[population]\n",
        f'[population]\ncensus_sections = "{zipped}"\ncensus_section_variables = "{table}"\n'
        'census_sections_credit = "test sections"\n',
        1,
    )
    config = tmp_path / "trento_sections.toml"
    config.write_text(with_sections, encoding="utf-8")
    out = tmp_path / "sections"
    result = _run(config, shared_data, out)
    assert result.returncode == 0, result.stdout + result.stderr
    row = _all_row(out)
    assert row["foreign"] == pytest.approx(22_400, abs=1)
    assert abs(row["foreign_served_pct"] - row["pop_total_served_pct"]) > 1.0, row
    summary = pd.read_csv(out / "summary.csv").set_index("key")["value"]
    assert summary["foreign_source"] == "section"
    zones = gpd.read_file(out / "capacitymetro.gpkg", layer="population_zones")
    assert set(zones["foreign_source"]) == {"section"} and len(zones) == 4

    plain = tmp_path / "trento.toml"
    plain.write_text(text, encoding="utf-8")
    out2 = tmp_path / "province"
    result2 = _run(plain, shared_data, out2)
    assert result2.returncode == 0, result2.stdout + result2.stderr
    row2 = _all_row(out2)
    # the zone layer's title says "estimate" only where a zone's figure is one
    summary2 = pd.read_csv(out2 / "summary.csv").set_index("key")["value"]
    assert int(summary["foreign_zones_estimated"]) == 0
    assert int(summary2["foreign_zones_estimated"]) == 1  # Trento: the province share
    for numbers, est in ((summary, False), (summary2, True)):
        run = SimpleNamespace(
            config=load_config(config),
            numbers={"foreign_zones_estimated": int(numbers["foreign_zones_estimated"])},
            notes=[],
        )
        title = bilingual_layer_title("population_zones", run)
        assert ("(estimate)" in title and "(stima)" in title) is est, title
    assert row2["foreign_served_pct"] == pytest.approx(row2["pop_total_served_pct"], abs=0.05)
    print(  # the measured numbers, for the report (pytest -s)
        "served % (foreign, all):",
        (row["foreign_served_pct"], row["pop_total_served_pct"]),
        (row2["foreign_served_pct"], row2["pop_total_served_pct"]),
    )
