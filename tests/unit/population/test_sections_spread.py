"""Foreign residents per census section, spread on real Trento cells (issue 14).

Four synthetic sections tile the real ISTAT boundary of the comune of Trento (a 2×2 split of
its extent); the grid is the CLI's own (100 m cells weighted by Trento's residential streets
from the real OSM extract). Oracle: an independent geopandas join of the cells' centres with
the sections the test made: every section's cells hold its residents and foreign residents,
the comune's cells the sum, and the share of foreign residents near a point now differs from
the share of all residents (under the comune or province spread it is the same by construction).
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pytest
from sectionfixtures import section_id, write_boundaries, write_variables
from shapely.geometry import Point, box

from capacitymetro_plugin.batch.config import CONFIG_DIR, load_config
from capacitymetro_plugin.batch.pipeline import Summary, step_population
from capacitymetro_plugin.batch.report import foreign_credit
from capacitymetro_plugin.core.population import comuni_boundaries
from capacitymetro_plugin.core.progress import Progress

TRENTO = "022205"
# residents and foreign residents per section: the north-west one has a third foreign
COUNTS = [(60_000, 20_000), (30_000, 1_500), (15_000, 300), (12_000, 600)]


@pytest.fixture(scope="module")
def sections(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sections")
    comune = comuni_boundaries(year=2023, comuni=[TRENTO]).to_crs(32632)
    x0, y0, x1, y1 = comune.total_bounds
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    quads = [box(x0, ym, xm, y1), box(xm, ym, x1, y1), box(x0, y0, xm, ym), box(xm, y0, x1, ym)]
    shape = comune.geometry.iloc[0]
    layer = gpd.GeoDataFrame(
        {
            "SEZ21_ID": [section_id(TRENTO, i + 1) for i in range(4)],
            "PRO_COM": [int(TRENTO)] * 4,
        },
        geometry=[shape.intersection(q) for q in quads],
        crs=32632,
    )
    rows = [
        {"PROCOM": TRENTO, "SEZ21_ID": section_id(TRENTO, i + 1), "P1": p, "ST1": f}
        for i, (p, f) in enumerate(COUNTS)
    ]
    return (
        layer,
        write_boundaries(layer, folder),
        write_variables(rows, folder / "R04_indicatori_2021_sezioni.csv"),
    )


def _run(config, shared_data, out):
    summary = Summary(config=config, out_dir=out)
    cells, zones = step_population(config, shared_data, summary, Progress())
    return summary, cells, zones


def _share_near(cells, point: Point, radius: float) -> tuple[float, float]:
    near = cells.geometry.centroid.distance(point) <= radius
    return (
        float(cells.loc[near, "pop_total"].sum() / cells["pop_total"].sum()),
        float(cells.loc[near, "foreign"].sum() / cells["foreign"].sum()),
    )


def test_cells_take_the_foreign_residents_of_their_section(shared_data, sections, tmp_path):
    layer, zipped, table = sections
    base = load_config(CONFIG_DIR / "trento.toml")
    config = dataclasses.replace(
        base,
        census_sections=str(zipped),
        census_section_variables=str(table),
        census_sections_credit="test sections",
    )
    summary, cells, zones = _run(config, shared_data, tmp_path / "sections")
    # oracle: the cells' centres joined to the sections the test made, by geopandas
    centres = gpd.GeoDataFrame(cells[["pop_total", "foreign"]], geometry=cells.centroid)
    joined = gpd.sjoin(centres, layer.to_crs(cells.crs), predicate="within", how="left")
    per = joined.groupby("SEZ21_ID")[["pop_total", "foreign"]].sum()
    for i, (pop, foreign) in enumerate(COUNTS):
        sid = section_id(TRENTO, i + 1)
        assert per.loc[sid, "pop_total"] == pytest.approx(pop, abs=0.5)
        assert per.loc[sid, "foreign"] == pytest.approx(foreign, abs=0.5)
    assert cells["foreign"].sum() == pytest.approx(sum(f for _, f in COUNTS), abs=0.5)
    assert cells["pop_total"].sum() == pytest.approx(sum(p for p, _ in COUNTS), abs=0.5)
    # every cell and zone says where its figure comes from
    assert set(cells["foreign_source"]) == {"section"}
    assert set(zones["foreign_source"]) == {"section"}
    assert summary.numbers["foreign_source"] == "section"
    line = foreign_credit(config, summary, it=False)
    assert "census-section figure (test sections)" in line and "ESTIMATE" not in line
    # the share of foreign residents within 3 km of the north-west section differs from the
    # share of all residents (there a third of the people are foreign, elsewhere 2–5 %)
    nw = layer.geometry.iloc[0].representative_point()
    total_share, foreign_share = _share_near(cells, nw, 3000)
    assert foreign_share > total_share + 0.05, (total_share, foreign_share)

    # without sections: the ISTAT province share, spread by residents: the two shares are equal
    _, cells2, zones2 = _run(base, shared_data, tmp_path / "province")
    assert set(cells2["foreign_source"]) == {"province estimate"}
    total2, foreign2 = _share_near(cells2, nw, 3000)
    assert foreign2 == pytest.approx(total2, rel=1e-9)
    ratio = cells2["foreign"] / cells2["pop_total"].where(cells2["pop_total"] > 0)
    assert np.nanmax(ratio) - np.nanmin(ratio) < 1e-9  # one constant share in every cell


def test_config_needs_both_section_files(tmp_path):
    from capacitymetro_plugin.core.errors import InputError

    text = (CONFIG_DIR / "trento.toml").read_text(encoding="utf-8")
    path = tmp_path / "trento.toml"
    path.write_text(
        text.replace("[population]\n", '[population]\ncensus_sections = "R04_21.zip"\n', 1),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="census_section_variables go together") as err:
        load_config(path)
    assert "vanno insieme" in err.value.localized("it")
