"""CSV/GeoJSON import and export: delimiters, encodings, WKT, CRS, broken rows, all-or-nothing."""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import pytest
from pyproj import Transformer
from shapely.geometry import LineString, Point

from capacitymetro_plugin.core.errors import ValidationError
from capacitymetro_plugin.core.registry import exchange
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.registry import Registry

BROKEN = (
    "name;sectors;operator_type;lat;lon;comune;com_istat_code;languages;capacity;organization\n"
    "Sportello Città Aperta;information;public;41,1171;16,8719;Bari;72006;it;20;Comune di Bari\n"  # 2 good
    "Caritas;reception;third_sector;abc;16.87;Bari;072006;it;;Caritas diocesana\n"  # 3 bad coordinates
    "Mensa;food;third_sector;41.12;16.87;Bari;072006;it;;Caritas diocesana\n"  # 4 unknown sector
    ";health;public;41.11;16.86;Bari;072006;it;;\n"  # 5 missing name
    "Scuola di italiano perché sì;italian_language;third_sector;;;Bari;072006;it,ar;;\n"  # 6 good, no point
    "Ufficio per l'accoglienza;reception;public;41.1;16.9;Bari;072006;it;twenty;\n"  # 7 bad capacity
    "Centro lontano;health;public;95.0;16.9;Bari;072006;it;;\n"  # 8 latitude out of range
    "Riga rotta;health;public;41.1;16.9;Bari;072006;it;;;;\n"  # 9 too many fields
)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def broken_csv(tmp_path):
    path = tmp_path / "servizi.csv"
    path.write_bytes(BROKEN.encode("latin-1"))  # accents as Latin-1 bytes, ';' and decimal commas
    return path


def test_broken_csv_is_rejected_with_a_report_and_writes_nothing(tmp_path, broken_csv):
    reg = Registry.create(tmp_path / "registry.gpkg")
    before = _digest(reg.path)
    with pytest.raises(ValidationError) as err:
        exchange.import_file(reg, broken_csv)
    report = err.value.report
    assert _digest(reg.path) == before
    got = {(i.row, i.field, i.code) for i in report.errors}
    assert got == {
        (3, "geometry", "invalid_geometry"),
        (4, "sectors", "unknown_sector"),
        (5, "name", "missing_required"),
        (7, "capacity", "invalid_capacity"),
        (8, "geometry", "invalid_geometry"),
        (9, "row", "bad_row_length"),
    }
    assert report.bad_rows() == {3, 4, 5, 7, 8, 9}
    assert "6 of 8 rows" in str(err.value)
    assert "nothing was written" in str(err.value)
    assert "non è stato scritto nulla" in err.value.localized("it")
    # the row without coordinates is only a warning
    assert any(
        i.row == 6 and i.code == "missing_geometry" and i.severity == "warning" for i in report
    )


def test_accept_partial_imports_only_good_rows(tmp_path, broken_csv):
    reg = Registry.create(tmp_path / "registry.gpkg")
    result = exchange.import_file(reg, broken_csv, accept_partial=True)
    assert result.rejected_rows == [3, 4, 5, 7, 8, 9]
    names = sorted(s.name for s in reg.services())
    assert names == ["Scuola di italiano perché sì", "Sportello Città Aperta"]  # Latin-1 decoded
    s = reg.search(text="Sportello")[0]
    assert (s.lon, s.lat) == pytest.approx((16.8719, 41.1171))
    assert s.comune_istat == "072006" and s.capacity == 20 and s.comune_name == "Bari"
    # organizations come from the 'organization' column; only those of imported rows are kept
    assert [o.name for o in reg.organizations()] == ["Comune di Bari"]
    assert s.organization_id == reg.organizations()[0].organization_id
    nowhere = reg.search(text="Scuola")[0]
    assert nowhere.lon is None and nowhere.languages == ["it", "ar"]


def test_comma_csv_utf8_with_wkt_in_utm(tmp_path):
    x, y = Transformer.from_crs(4326, 32632, always_xy=True).transform(11.1196733, 46.0930253)
    text = (
        "name,sectors,operator_type,wkt,status,last_verified\n"
        f'Cinformi,"information;documents_legal",public,POINT ({x} {y}),active,2024-01-31\n'
        'Città dei ragazzi,community,third_sector,"LINESTRING (0 0, 1 1)",active,\n'
    )
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    parsed = exchange.read_services_file(path, crs="EPSG:32632")
    assert [i.code for i in parsed.report.errors] == ["invalid_geometry"]
    assert parsed.report.errors[0].row == 3
    s = parsed.services[0]
    assert s.sectors == ["information", "documents_legal"]
    assert (s.lon, s.lat) == pytest.approx((11.1196733, 46.0930253), abs=1e-7)
    assert s.last_verified == "2024-01-31"


def test_sniff_and_encoding():
    assert exchange.sniff_delimiter("a;b;c\n1;2;3") == ";"
    assert exchange.sniff_delimiter('a,"b;c",d\n') == ","


def test_layer_import_any_crs_and_non_points(tmp_path):
    gdf = gpd.GeoDataFrame(
        {
            "name": ["A", "B"],
            "sectors": ["health", "health"],
            "operator_type": ["public", "public"],
        },
        geometry=[Point(500000, 4550000), LineString([(0, 0), (1, 1)])],
        crs=32633,
    )
    parsed = exchange.parse_layer(gdf)
    assert parsed.rows == [1, 2]
    assert [(i.row, i.code) for i in parsed.report.errors] == [(2, "invalid_geometry")]
    lon, lat = Transformer.from_crs(32633, 4326, always_xy=True).transform(500000, 4550000)
    assert (parsed.services[0].lon, parsed.services[0].lat) == pytest.approx((lon, lat))


def test_csv_and_geojson_export_round_trip(tmp_path, broken_csv):
    reg = Registry.create(tmp_path / "registry.gpkg")
    exchange.import_file(reg, broken_csv, accept_partial=True)
    reg.update_service(
        reg.search(text="Sportello")[0].service_id, internal_notes="riservato", contact_name="Anna"
    )
    csv_path = exchange.export_csv(reg, tmp_path / "out.csv")
    gj_path = exchange.export_geojson(reg, tmp_path / "out.geojson")
    header = csv_path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert "internal_notes" not in header and "contact_name" not in header
    doc = json.loads(gj_path.read_text(encoding="utf-8"))
    assert all("internal_notes" not in f["properties"] for f in doc["features"])
    full = exchange.export_csv(reg, tmp_path / "full.csv", public=False)
    assert "riservato" in full.read_text(encoding="utf-8")
    for path in (csv_path, gj_path):
        back = Registry.create(tmp_path / f"back-{path.suffix[1:]}.gpkg")
        exchange.import_file(back, path)
        a = {s.service_id: s for s in reg.services()}
        b = {s.service_id: s for s in back.services()}
        assert set(a) == set(b), path  # uuids are kept
        for sid, s in a.items():
            t = b[sid]
            for f in (
                "name",
                "sectors",
                "languages",
                "capacity",
                "comune_istat",
                "operator_type",
                "status",
            ):
                assert getattr(s, f) == getattr(t, f), (path, f)
            if s.lon is None:
                assert t.lon is None
            else:
                assert (t.lon, t.lat) == pytest.approx((s.lon, s.lat), abs=1e-7)


def test_geojson_export_keeps_a_missing_capacity_missing(tmp_path, monkeypatch):
    # pandas 2 (QGIS 3.40 on Debian 13) gives None for a missing Int64 value in to_dict(),
    # pandas 1.5 gives pd.NA: an object column of None builds the pandas 2 record on any pandas.
    reg = Registry.create(tmp_path / "registry.gpkg")
    full = reg.add_service(Service(name="Dormitorio", sectors=["reception"], capacity=20))
    empty = reg.add_service(Service(name="Sportello", sectors=["information"]))
    real_frame = exchange.services_frame

    def pandas2_frame(registry, *, public=True):
        gdf = real_frame(registry, public=public)
        capacity = gdf["capacity"].astype(object)
        return gdf.assign(capacity=capacity.where(capacity.notna(), None))

    monkeypatch.setattr(exchange, "services_frame", pandas2_frame)
    assert pandas2_frame(reg)["capacity"].tolist().count(None) == 1
    doc = json.loads(exchange.export_geojson(reg, tmp_path / "out.geojson").read_text("utf-8"))
    capacity = {f["properties"]["service_id"]: f["properties"]["capacity"] for f in doc["features"]}
    assert capacity == {full.service_id: 20, empty.service_id: None}
