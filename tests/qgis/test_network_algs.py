"""The four network algorithms through QGIS Processing (and once through qgis_process), on a
synthetic 100 m street grid where travel times are known by hand (Manhattan distance / speed)."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from qgis.core import QgsProcessingException
from shapely.geometry import LineString

from capacitymetro_plugin.core.network import Network

CRS = "EPSG:32632"
X0, Y0 = 660_000.0, 5_100_000.0
N = 8
WALK = 4.5 / 3.6


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("netgrid")
    lines = []
    for i in range(N):
        for j in range(N):
            x, y = X0 + 100 * i, Y0 + 100 * j
            if i + 1 < N:
                lines.append(LineString([(x, y), (x + 100, y)]))
            if j + 1 < N:
                lines.append(LineString([(x, y), (x, y + 100)]))
    streets = gpd.GeoDataFrame({"sid": range(len(lines))}, geometry=lines, crs=CRS)
    streets.to_file(tmp / "streets.gpkg", layer="streets", engine="fiona")
    services = gpd.GeoDataFrame(
        {
            "service_id": ["A", "B", "C"],
            "sectors": ["health", "health;information", "school"],
            "wait_min": [0.0, 2.0, 0.0],
        },
        geometry=gpd.points_from_xy([X0 + 3, X0 + 700, X0 + 400], [Y0 + 2, Y0 + 700, Y0]),
        crs=CRS,
    ).to_crs(4326)  # in degrees on purpose: the algorithms reproject
    services.to_file(tmp / "services.gpkg", layer="services", engine="fiona")
    return tmp


@pytest.fixture(scope="module")
def prepared(processing_provider, inputs):
    import processing

    out = processing.run(
        "capacitymetro:preparenetwork",
        {
            "STREETS": str(inputs / "streets.gpkg") + "|layername=streets",
            "MODE": 0,
            "OUTPUT": str(inputs / "grid_walk.npz"),
            "OUTPUT_EDGES": str(inputs / "grid_edges.gpkg"),
        },
    )
    return out


def test_prepare_network(prepared, inputs):
    net = Network.load(prepared["OUTPUT"])
    assert net.n_nodes == N * N and prepared["NODES"] == N * N
    assert net.n_edges == 2 * 2 * N * (N - 1)
    edges = gpd.read_file(prepared["OUTPUT_EDGES"])
    assert len(edges) == 2 * N * (N - 1)
    assert np.allclose(edges["time_s"], 100 / WALK)


def _isochrones(prepared, inputs, output, **params):
    """Run Service isochrones on the grid's three services; return the output layer."""
    import processing

    out = processing.run(
        "capacitymetro:serviceisochrones",
        {
            "NETWORK": prepared["OUTPUT"],
            "SERVICES": str(inputs / "services.gpkg") + "|layername=services",
            "ID_FIELD": "service_id",
            "OUTPUT": str(inputs / output),
            **params,
        },
    )
    return out, gpd.read_file(out["OUTPUT"])


def test_service_isochrones(prepared, inputs):
    out, iso = _isochrones(prepared, inputs, "iso.gpkg", THRESHOLDS="2, 4, 6", BANDS=0)
    assert out["COUNT"] == 9 and len(iso) == 9
    assert sorted(set(iso["service_id"])) == ["A", "B", "C"]
    a = iso[iso.service_id == "A"].sort_values("threshold_min")
    assert a["area_km2"].is_monotonic_increasing
    # 6 minutes from the corner: 450 m along streets, so (X0+400, Y0) is in, (X0+600, Y0) out.
    g = a.geometry.iloc[-1]
    assert g.contains(gpd.points_from_xy([X0 + 400], [Y0])[0])
    assert not g.contains(gpd.points_from_xy([X0 + 600], [Y0])[0])
    _, h = _isochrones(prepared, inputs, "iso_hull.gpkg", THRESHOLDS="6", METHOD=2)
    assert len(h) == 3
    street_hull = h[h.service_id == "A"].geometry.iloc[0]
    assert street_hull.area > 0.9 * g.area
    # The recipe's hull: reached nodes only, here those with i + j <= 4 (400 m of 450 m), the
    # triangle (0, 0), (400, 0), (0, 400) widened by the default 20 m.
    _, n = _isochrones(prepared, inputs, "iso_node_hull.gpkg", THRESHOLDS="6", METHOD=3)
    node_hull = n[n.service_id == "A"].geometry.iloc[0]
    triangle = shapely.Polygon([(X0, Y0), (X0 + 400, Y0), (X0, Y0 + 400)]).buffer(20, quad_segs=4)
    assert shapely.symmetric_difference(node_hull, triangle).area < 1e-6 * triangle.area
    assert street_hull.area > node_hull.area + 40 * 400


def test_bad_thresholds_are_a_processing_error(prepared, inputs):
    import processing

    with pytest.raises(QgsProcessingException, match="out of range"):
        processing.run(
            "capacitymetro:serviceisochrones",
            {
                "NETWORK": prepared["OUTPUT"],
                "SERVICES": str(inputs / "services.gpkg") + "|layername=services",
                "THRESHOLDS": "0, 500",
                "OUTPUT": "TEMPORARY_OUTPUT",
            },
        )


def test_territories_with_sector_and_delay(prepared, inputs):
    import processing

    out = processing.run(
        "capacitymetro:territories",
        {
            "NETWORK": prepared["OUTPUT"],
            "SERVICES": str(inputs / "services.gpkg") + "|layername=services",
            "ID_FIELD": "service_id",
            "SECTOR": "health",
            "SECTOR_FIELD": "sectors",
            "DELAY_FIELD": "wait_min",
            "OUTPUT_TYPE": 0,
            "OUTPUT": str(inputs / "terr.gpkg"),
        },
    )
    terr = gpd.read_file(out["OUTPUT"])
    assert set(terr["service_id"]) == {"A", "B"}
    total = 2 * N * (N - 1) * 100
    assert terr["length_m"].sum() == pytest.approx(total, rel=1e-6)
    # By hand: a street point at Manhattan distance dA from A and dB from B goes to A when
    # dA / v < dB / v + 120 s. Check every piece's midpoint.
    mid = terr.geometry.interpolate(0.5, normalized=True)
    da = (np.abs(mid.x - X0) + np.abs(mid.y - Y0)) / WALK
    db = (np.abs(mid.x - X0 - 700) + np.abs(mid.y - Y0 - 700)) / WALK + 120
    expect = np.where(da < db, "A", "B")
    clear = np.abs(da - db) > 1  # ignore pieces touching the border
    assert (terr["service_id"].to_numpy()[clear] == expect[clear]).all()


def test_od_matrix_lines(prepared, inputs):
    import processing

    out = processing.run(
        "capacitymetro:odmatrix",
        {
            "NETWORK": prepared["OUTPUT"],
            "ORIGINS": str(inputs / "services.gpkg") + "|layername=services",
            "ORIGIN_ID": "service_id",
            "DESTINATIONS": str(inputs / "services.gpkg") + "|layername=services",
            "DEST_ID": "service_id",
            "CUTOFF": 0,
            "OUTPUT": str(inputs / "od.gpkg"),
        },
    )
    od = gpd.read_file(out["OUTPUT"])
    assert len(od) == 9
    t = {(r.origin_id, r.dest_id): r.time_min for r in od.itertuples()}
    assert t[("A", "A")] == 0
    assert t[("A", "B")] == pytest.approx(1400 / WALK / 60, abs=1e-6)
    assert t[("A", "C")] == pytest.approx(400 / WALK / 60, abs=1e-6)
    assert t[("C", "B")] == pytest.approx(1000 / WALK / 60, abs=1e-6)


def test_prepare_and_isochrones_through_qgis_process(qgis_process, inputs, tmp_path):
    npz = tmp_path / "cli.npz"
    res = qgis_process(
        "run",
        "capacitymetro:preparenetwork",
        "--",
        f"STREETS={inputs / 'streets.gpkg'}|layername=streets",
        "MODE=1",
        f"OUTPUT={npz}",
    )
    assert res.returncode == 0, res.stdout + res.stderr
    net = Network.load(npz)
    assert net.mode == "bike" and np.allclose(net.time_s, 100 / (15 / 3.6))
    iso = tmp_path / "iso.gpkg"
    res = qgis_process(
        "run",
        "capacitymetro:serviceisochrones",
        "--",
        f"NETWORK={npz}",
        f"SERVICES={inputs / 'services.gpkg'}|layername=services",
        "THRESHOLDS=1,2",
        "BANDS=1",
        f"OUTPUT={iso}",
    )
    assert res.returncode == 0, res.stdout + res.stderr
    got = gpd.read_file(iso)
    assert len(got) == 6 and set(got["from_min"]) == {0.0, 1.0}


def test_services_without_location_closed_ones_skipped_and_counted(prepared, inputs):
    """A registry layer (the dialog's default input) holds services not yet placed and closed
    ones: by default they are left out, how many without a location is returned, and the
    isochrones are those of the located active services alone (the core selection's rule)."""
    from qgis.core import QgsProcessingException

    import processing

    placed = gpd.read_file(inputs / "services.gpkg", layer="services")
    extra = gpd.GeoDataFrame(
        {
            "service_id": ["U1", "U2", "X"],
            "sectors": ["health", "school", "health"],
            "wait_min": [0.0, 0.0, 0.0],
            "status": ["active", "active", "closed"],
        },
        geometry=[None, None, placed.geometry.iloc[2]],
        crs=placed.crs,
    )
    registry = pd.concat([placed.assign(status="active"), extra], ignore_index=True)
    gpd.GeoDataFrame(registry, geometry="geometry", crs=placed.crs).to_file(
        inputs / "registry.gpkg", layer="services", engine="fiona"
    )
    params = {
        "NETWORK": prepared["OUTPUT"],
        "SERVICES": str(inputs / "registry.gpkg") + "|layername=services",
        "ID_FIELD": "service_id",
        "THRESHOLDS": "2,4",
    }
    out = processing.run(
        "capacitymetro:serviceisochrones", {**params, "OUTPUT": str(inputs / "reg_iso.gpkg")}
    )
    assert out["SKIPPED"] == 2
    iso = gpd.read_file(out["OUTPUT"])
    assert sorted(set(iso["service_id"])) == ["A", "B", "C"] and out["COUNT"] == 6
    _, plain = _isochrones(prepared, inputs, "plain_iso.gpkg", THRESHOLDS="2,4")
    assert np.allclose(
        iso.sort_values(["service_id", "threshold_min"])["area_km2"],
        plain.sort_values(["service_id", "threshold_min"])["area_km2"],
    )
    with pytest.raises(QgsProcessingException, match="2 services have no location"):
        processing.run(
            "capacitymetro:serviceisochrones",
            {**params, "SKIP_UNLOCATED": False, "OUTPUT": str(inputs / "reg_iso2.gpkg")},
        )
    terr = processing.run(
        "capacitymetro:territories", {**params, "OUTPUT": str(inputs / "reg_terr.gpkg")}
    )
    assert terr["SKIPPED"] == 2
    assert set(gpd.read_file(terr["OUTPUT"])["service_id"]) <= {"A", "B", "C"}


def test_a_truncated_pbf_is_named_not_read_in_part(processing_provider, shared_data, tmp_path):
    """QGIS's OGR provider reads a cut .osm.pbf in part without an error: the algorithm refuses
    it, as an OSM file and as a street layer, and names the file."""
    import processing

    data = (shared_data / "osm_trento_2023-02_tnst.osm.pbf").read_bytes()
    cut = tmp_path / "trento_cut.osm.pbf"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    for inputs in ({"OSM_FILE": str(cut)}, {"STREETS": f"{cut}|layername=lines"}):
        with pytest.raises(QgsProcessingException, match="trento_cut.osm.pbf is truncated"):
            processing.run(
                "capacitymetro:preparenetwork",
                {**inputs, "MODE": 0, "OUTPUT": str(tmp_path / "net.npz")},
            )
        assert not (tmp_path / "net.npz").exists()
