"""`capacitymetro publish` without a site to write: each wrong call is named, in both
languages, before anything is read or written (the whole door runs in
tests/realdata/test_mestre_transit.py and test_transit_ferries.py)."""

from pathlib import Path

from capacitymetro_plugin.cli import main

REPO = Path(__file__).resolve().parents[3]
TRENTO = str(REPO / "config" / "trento.toml")  # no [transit]


def test_a_date_for_an_area_without_transit_is_named(tmp_path, capsys):
    reg = tmp_path / "registry.gpkg"
    reg.write_bytes(b"")  # never opened: the request is refused first
    out = tmp_path / "site"
    code = main(["publish", "--config", TRENTO, "--registry", str(reg), "--out", str(out),
                 "--date", "2025-11-19"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "no [transit]" in err and "--gtfs" in err and "Traceback" not in err
    assert not out.exists()


def test_no_registry_and_no_area_is_named(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["publish", "--out", "site"]) == 2
    err = capsys.readouterr().err
    assert "--registry" in err and "--config" in err
    assert main(["publish", "--config", TRENTO]) == 2  # no run in out/trento here
    err = capsys.readouterr().err
    assert "No registry at out/trento/registry.gpkg" in err and "capacitymetro run" in err
    assert main(["publish", "--config", TRENTO, "--step-min", "0"]) == 2
    assert "--step-min 0" in capsys.readouterr().err
    assert not (tmp_path / "site").exists() and not (tmp_path / "out").exists()
