"""Areas from the embedded ISTAT table against an independent copy: openpolis's ISTAT boundaries."""

from __future__ import annotations

import geopandas as gpd
import pytest

from capacitymetro_plugin.core.areas import comuni_table, resolve_area

pytestmark = pytest.mark.realdata

TARGETS = {
    "torino": "001",
    "milano": "015",
    "belluno": "025",
    "treviso": "026",
    "venezia": "027",
    "padova": "028",
    "napoli": "063",
    "bari": "072",
}


@pytest.fixture(scope="module")
def openpolis(shared_data):
    return gpd.read_file(shared_data / "istat_comuni_target_2023.gpkg", layer="comuni")


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_target_areas_have_the_comuni_of_the_istat_boundaries(name, openpolis):
    area = resolve_area(name)
    assert area.provinces == (TARGETS[name],)
    boundaries = openpolis.loc[
        openpolis["prov_istat_code"].astype(str).str.zfill(3) == TARGETS[name]
    ]
    assert set(area.comuni) == set(boundaries["com_istat_code"])


def test_every_target_comune_resolves_by_its_own_name(openpolis):
    """879 comuni by name (with the province abbreviation where a name is shared)."""
    table = comuni_table()
    shared = set(table.loc[table["name"].str.lower().duplicated(keep=False), "name"].str.lower())
    wrong = []
    for name, code, sigla in openpolis[["name", "com_istat_code", "prov_acr"]].itertuples(
        index=False
    ):
        spec = f"comune:{name} ({sigla})" if name.lower() in shared else f"comune:{name}"
        if resolve_area(spec, table=table).comuni != (code,):
            wrong.append((name, code))
    assert wrong == []


def test_the_istat_population_csv_gives_the_same_areas(shared_data):
    local = comuni_table(shared_data / "istat_popolazione_comuni_italia_2023.csv.gz")
    for name in TARGETS:
        assert resolve_area(name, table=local) == resolve_area(name)
