"""The "Publish bussola" Processing algorithm on real QGIS (processing.run)."""

from __future__ import annotations

import json

from capacitymetro_plugin.batch.config import config_for_area
from capacitymetro_plugin.core.bussola import site_data
from capacitymetro_plugin.core.registry.sample import build_sample_registry


def test_publish_bussola_writes_the_site_of_the_area(processing_provider, shared_data, tmp_path):
    import processing

    reg = build_sample_registry(shared_data, tmp_path / "registry.gpkg")
    comuni = config_for_area("trento").comuni
    result = processing.run(
        "capacitymetro:publish_bussola",
        {
            "REGISTRY": str(reg.path),
            "TITLE": "Trento",
            "COMUNI": ",".join(comuni),
            "OUTPUT": str(tmp_path / "bussola"),
        },
    )
    want = site_data(reg, title="Trento", comuni=comuni)["services"]
    assert result["SERVICES"] == len(want) > 0
    assert (tmp_path / "bussola" / "index.html").exists()
    assert result["ZIP_FILE"].endswith("bussola.zip")
    text = (tmp_path / "bussola" / "data" / "services.js").read_text(encoding="utf-8")
    data = json.loads(text[len("window.BUSSOLA_DATA=") :].rstrip().rstrip(";"))
    assert [s["name"] for s in data["services"]] == [s["name"] for s in want]
