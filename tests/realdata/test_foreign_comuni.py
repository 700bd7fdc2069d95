"""Foreign residents from the comune's own figure, not the province share (issue 14).

The oracle is the table itself, read here with the csv module: the cells of a comune with a
figure sum to that figure; a comune without one keeps the ISTAT province estimate; every
output says which (``foreign_source``) and the sources line says ESTIMATE only where it is one.
"""

from __future__ import annotations

import csv
import dataclasses

import geopandas as gpd
import pytest

from capacitymetro_plugin.batch.config import CONFIG_DIR, load_config
from capacitymetro_plugin.batch.pipeline import Summary, step_population
from capacitymetro_plugin.batch.report import foreign_credit, sources
from capacitymetro_plugin.core.progress import Progress

TABLE = "stranieri_pct_comuni_target_da_pagine_web.csv"


def _figure(shared_data, code: str) -> float:
    with open(shared_data / TABLE, newline="", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["com_istat_code"] == code)
    return float(row["foreign_count_page"])


def _population(config, shared_data, tmp_path):
    summary = Summary(config=config, out_dir=tmp_path)
    cells, zones = step_population(config, shared_data, summary, Progress())
    return summary, cells, zones


def test_bari_uses_the_comune_figure(shared_data, tmp_path):
    config = load_config(CONFIG_DIR / "bari.toml")
    summary, cells, zones = _population(config, shared_data, tmp_path)
    want = _figure(shared_data, "072006")  # 14,572 on 31 Dec 2023
    assert cells["foreign"].sum() == pytest.approx(want, abs=0.5)
    assert list(zones["foreign_source"]) == ["comune"]
    assert summary.numbers["foreign_source"] == "comune"
    line = next(s for s in sources(summary, "en") if s.startswith("Foreign residents"))
    assert "per-comune figure" in line and "ESTIMATE from" not in line, line
    it = foreign_credit(config, summary, it=True)
    assert "dato per comune" in it and "STIMA dal totale" not in it, it

    # without the table: the province share, said to be an estimate, and a different number
    plain = dataclasses.replace(config, foreign_comuni="")
    summary2, cells2, zones2 = _population(plain, shared_data, tmp_path / "plain")
    assert summary2.numbers["foreign_source"] == "province estimate"
    assert list(zones2["foreign_source"]) == ["province estimate"]
    assert abs(cells2["foreign"].sum() - want) > 1000  # 3.6 % of residents, not 4.6 %
    line2 = next(s for s in sources(summary2, "en") if s.startswith("Foreign residents"))
    assert "ESTIMATE" in line2, line2


def test_mixed_comuni_keep_the_province_estimate_where_no_figure(shared_data, tmp_path):
    """Quarto d'Altino has a count in the table, Marcon none: one each, 'mixed' overall."""
    config = dataclasses.replace(
        load_config(CONFIG_DIR / "bari.toml"),
        comuni=["027031", "027020"],  # Quarto d'Altino, Marcon (Venezia)
        province="027",
        streets_for_weights="",
        citizenship="",
    )
    summary, cells, zones = _population(config, shared_data, tmp_path)
    by_zone = cells.groupby("zone")["foreign"].sum()
    assert by_zone["027031"] == pytest.approx(_figure(shared_data, "027031"), abs=0.5)
    source = dict(zip(zones["zone"], zones["foreign_source"]))
    assert source == {"027031": "comune", "027020": "province estimate"}
    assert summary.numbers["foreign_source"] == "mixed"
    # Marcon: the province share of its residents, as without any table
    plain = dataclasses.replace(config, foreign_comuni="")
    _, cells2, _ = _population(plain, shared_data, tmp_path / "plain")
    assert by_zone["027020"] == pytest.approx(
        cells2.groupby("zone")["foreign"].sum()["027020"], rel=1e-9
    )
    line = foreign_credit(config, summary, it=False)
    assert "per-comune figure" in line and "elsewhere ESTIMATE" in line, line
    layer = gpd.read_file(tmp_path / "capacitymetro.gpkg", layer="population_zones")
    assert set(layer["foreign_source"]) == {"comune", "province estimate"}
