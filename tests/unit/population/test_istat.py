"""ISTAT STRASA and citizenship readers on small files written in the demo.istat.it layout."""

import zipfile

import pytest

from capacitymetro_plugin.core.errors import DataUnavailableError, InputError
from capacitymetro_plugin.core.population import (
    download_strasa,
    rcs_citizenship_url,
    read_citizenship,
    read_strasa,
    strasa_url,
)

COMUNI_IT = (
    '"Cittadini stranieri residenti al 1° gennaio 2023 per età e sesso"\n'
    '"Codice comune";"Comune";"Età";"Maschi";"Femmine";"Totale"\n'
    '"15175";"Pioltello";0;60;55;115\n'
    '"15175";"Pioltello";1;58;61;119\n'
    '"15175";"Pioltello";999;118;116;234\n'
    '"27042";"Venezia";0;200;190;390\n'
    '"27042";"Venezia";999;200;190;390\n'
)


def test_comune_strasa_italian_layout(tmp_path):
    path = tmp_path / "strasa.csv"
    path.write_text(COMUNI_IT, encoding="utf-8")
    table = read_strasa(path)
    assert table.level == "comune" and table.year == 2023
    assert sorted(table.data["code"].unique()) == ["015175", "027042"]
    assert 999 not in set(table.data["age"])
    tot = table.totals().set_index("code")["total"]
    assert tot["015175"] == 234 and tot["027042"] == 390


def test_strasa_total_row_mismatch_is_an_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(COMUNI_IT.replace(";999;118;116;234", ";999;118;116;300"), encoding="utf-8")
    with pytest.raises(InputError, match="015175"):
        read_strasa(path)


def test_strasa_negative_count_is_an_error(tmp_path):
    path = tmp_path / "neg.csv"
    path.write_text(COMUNI_IT.replace(";1;58;61;119", ";1;-58;61;3"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_strasa(path)
    assert "negativ" in err.value.localized("it")


def test_strasa_without_age_column_names_what_is_missing(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('"title"\n"Codice comune","Comune","Maschi","Femmine"\n"1001","A",1,2\n')
    with pytest.raises(InputError, match="age"):
        read_strasa(path)


def test_citizenship_table(tmp_path):
    path = tmp_path / "citt.csv"
    path.write_text(
        '"Stranieri residenti al 1° gennaio 2023 per cittadinanza"\n'
        '"Codice comune","Comune","Paese di cittadinanza","Maschi","Femmine","Totale"\n'
        '"015175","Pioltello","Egitto",900,676,1576\n'
        '"015175","Pioltello","Romania",560,607,1167\n'
        '"015175","Pioltello","Totale",1460,1283,2743\n',
        encoding="utf-8",
    )
    table = read_citizenship(path)
    assert list(table.data["citizenship"]) == ["Egitto", "Romania"]
    assert table.data["total"].sum() == 2743 and table.year == 2023


def test_download_uses_cache_and_local_url(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    zpath = src / "STRASA_2023_it_Comuni.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("STRASA_2023_it_Comuni.csv", COMUNI_IT.encode("cp1252", errors="replace"))
    assert strasa_url(2023) == "https://demo.istat.it/data/strasa/STRASA_2023_it_Comuni.zip"
    assert strasa_url(2022, level="province", lang="en").endswith("STRASA_2022_en_Provinces.zip")
    assert rcs_citizenship_url(2025).endswith("/data/rcs/Dati_RCS_cittadinanza_2025.zip")
    cache = tmp_path / "cache"
    got = download_strasa(2023, cache_dir=cache, url=zpath.as_uri())
    assert got == cache / "STRASA_2023_it_Comuni.zip"
    from capacitymetro_plugin.core.downloads import provenance

    record = provenance(got)  # through the one download module: where it came from
    assert record is not None and record.url == zpath.as_uri() and "ISTAT" in record.licence
    zpath.unlink()  # a second call must be served by the cache
    again = download_strasa(2023, cache_dir=cache, url=zpath.as_uri())
    assert again == got
    assert read_strasa(got).totals()["total"].sum() == 624
    with pytest.raises(DataUnavailableError):
        download_strasa(2022, cache_dir=cache, url=(src / "missing.zip").as_uri())


def test_comune_strasa_without_title_or_total_column(tmp_path):
    # newer demo.istat.it files (e.g. STRASA_2024_it_Comuni.csv) start with the header
    path = tmp_path / "STRASA_2024_it_Comuni.csv"
    path.write_text(
        "Codice comune;Comune;Età;Maschi;Femmine\n"
        "1001;Agliè;0;3;2\n1001;Agliè;1;1;0\n1001;Agliè;999;4;2\n",
        encoding="utf-8",
    )
    table = read_strasa(path)
    assert table.year == 2024 and table.level == "comune"  # year from the file name
    assert table.totals().iloc[0][["code", "total"]].tolist() == ["001001", 6]
