"""capacitymetro batch: bad input is named before any work (no cluster started, nothing written)."""

import pytest

from capacitymetro_plugin.batch.national import batch_configs
from capacitymetro_plugin.cli import main
from capacitymetro_plugin.core.errors import InputError


def test_an_unknown_area_is_named_and_nothing_is_computed(tmp_path, capsys):
    out = tmp_path / "batch"
    code = main(["batch", "--areas", "venezia,atlantide,bari", "--offline", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "'atlantide'" in err and "nothing was computed" in err
    assert "venezia" not in err.split("Unknown area in --areas:")[1].split(".")[0]
    assert not out.exists()


def test_the_unknown_area_error_is_in_italian_too():
    with pytest.raises(InputError) as exc:
        batch_configs("trento, Città di Nessuno")
    assert "Città di Nessuno" in exc.value.localized("it")
    assert "non è stato calcolato nulla" in exc.value.localized("it")


def test_all_metros_region_and_italy_expand_to_areas():
    metros = batch_configs("all-metros")
    assert len(metros) == 14 and len({c.key for c in metros}) == 14
    assert {"milano", "roma", "napoli"} <= {c.key for c in metros}
    veneto = batch_configs("Veneto")  # a region: its 7 provinces (Venezia is a metro city)
    assert len(veneto) == 7
    assert sum(len(c.comuni) for c in veneto) == 563
    italy = batch_configs("italy")
    assert len(italy) == 107
    assert sum(len(c.comuni) for c in italy) == 7899


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, capsys):
    pytest.importorskip("distributed")
    argv = ["batch", "--areas", "venezia", "--scheduler", "tcp://127.0.0.1:9"]
    code = main([*argv, "--connect-timeout", "2", "--offline", "--out", str(tmp_path / "b")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Cannot reach the Dask scheduler tcp://127.0.0.1:9" in err
    assert "--scheduler" in err
