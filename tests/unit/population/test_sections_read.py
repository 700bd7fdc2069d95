"""read_sections: ISTAT census-section boundaries + variables → zones, and its named errors."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from sectionfixtures import section_id, write_boundaries, write_variables
from shapely.geometry import box

from capacitymetro_plugin.core.errors import CrsError, InputError
from capacitymetro_plugin.core.population.sections import read_sections, sections_url

TRENTO = "022205"
# four 500 m squares in UTM 32N by Trento's centre (x 664 km, y 5 104 km)
X0, Y0 = 664_000, 5_103_000


def _layer(n: int = 4, crs="EPSG:32632") -> gpd.GeoDataFrame:
    geoms = [box(X0 + 500 * i, Y0, X0 + 500 * (i + 1), Y0 + 500) for i in range(n)]
    ids = [section_id(TRENTO, i + 1) for i in range(n)]
    return gpd.GeoDataFrame({"SEZ21_ID": ids, "PRO_COM": [int(TRENTO)] * n}, geometry=geoms,
                            crs=crs)  # fmt: skip


ROWS = [
    {"PROCOM": TRENTO, "SEZ21_ID": section_id(TRENTO, 1), "P1": 400, "ST1": 120},
    {"PROCOM": TRENTO, "SEZ21_ID": section_id(TRENTO, 2), "P1": 300, "ST1": 6},
    {"PROCOM": TRENTO, "SEZ21_ID": section_id(TRENTO, 3), "P1": 250, "ST1": 0},
    # section 4 has no row: ISTAT's table lists inhabited sections only
]


@pytest.fixture()
def files(tmp_path):
    return write_boundaries(_layer(), tmp_path), write_variables(ROWS, tmp_path / "vars.csv")


def test_zip_and_csv_in_the_published_layout(files):
    zones = read_sections(*files, comuni=[TRENTO])
    assert list(zones.columns) == ["section_id", "pro_com", "residents", "foreign", "geometry"]
    assert zones.crs.to_epsg() == 32632
    got = dict(zip(zones["section_id"], zip(zones["residents"], zones["foreign"])))
    assert got == {
        "22205" + "0000001": (400, 120),
        "22205" + "0000002": (300, 6),
        "22205" + "0000003": (250, 0),
        "22205" + "0000004": (0, 0),
    }
    assert set(zones["pro_com"]) == {TRENTO}
    assert zones.attrs["facts"] == {
        "sections": 4, "without_variables": 1, "residents": 950.0, "foreign": 126.0
    }  # fmt: skip


def test_missing_foreign_column_names_the_columns(files, tmp_path):
    table = pd.read_csv(files[1], sep=";").drop(columns=["ST1"])
    with pytest.raises(InputError) as err:
        read_sections(files[0], table)
    assert "foreign residents column (ST1)" in str(err.value)
    assert "P1" in str(err.value) and "stranieri" in err.value.localized("it")
    # the column can be named: here the residents themselves, for the sake of the test
    zones = read_sections(files[0], table, foreign_field="P2")
    assert zones["foreign"].sum() == 200 + 150 + 125


def test_no_crs_and_wrong_crs_are_named(files, tmp_path):
    with pytest.raises(CrsError, match="no coordinate reference system"):
        read_sections(_layer(crs=None), files[1])
    # UTM metres declared as degrees: far outside Italy
    with pytest.raises(CrsError, match="outside Italy") as err:
        read_sections(_layer().set_crs(4326, allow_override=True), files[1])
    assert "EPSG:32632" in err.value.localized("it")


def test_codes_that_do_not_match(files, tmp_path):
    other = [dict(r, SEZ21_ID=r["SEZ21_ID"] + 500) for r in ROWS]  # sections of another census
    with pytest.raises(InputError, match="codes do not match"):
        read_sections(files[0], write_variables(other, tmp_path / "other.csv"))
    lost = [*ROWS, {"PROCOM": TRENTO, "SEZ21_ID": section_id(TRENTO, 9), "P1": 80, "ST1": 3}]
    with pytest.raises(InputError, match=r"1 inhabited sections .*\(80 residents"):
        read_sections(files[0], write_variables(lost, tmp_path / "lost.csv"))
    moved = [dict(ROWS[0], PROCOM="022001"), *ROWS[1:]]  # same section, another comune
    with pytest.raises(InputError, match="is in comune 022205 .* but in 022001"):
        read_sections(files[0], write_variables(moved, tmp_path / "moved.csv"))


def test_more_foreign_than_residents_and_comune_without_sections(files, tmp_path):
    bad = [dict(ROWS[0], ST1=401), *ROWS[1:]]
    with pytest.raises(InputError, match="more foreign residents"):
        read_sections(files[0], write_variables(bad, tmp_path / "bad.csv"))
    with pytest.raises(InputError, match="no census section of comuni 022001"):
        read_sections(*files, comuni=[TRENTO, "022001"])


def test_section_url_pattern():
    assert sections_url(5).endswith("/basi_territoriali/2021/R05_21.zip")
    with pytest.raises(InputError):
        sections_url(21)
