"""Registry model and GeoPackage storage: CRUD, search, links, CRS, all-or-nothing writes.

Every test runs with both I/O engines (fiona, and pyogrio + osgeo.ogr for a QGIS without fiona).
"""

from __future__ import annotations

import hashlib

import fiona
import pytest
from pyproj import Transformer

from capacitymetro_plugin.core import gio
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry import storage
from capacitymetro_plugin.core.registry.model import Organization, Practice, Service
from capacitymetro_plugin.core.registry.registry import Registry


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True, params=gio.ENGINES)
def io_engine(request, monkeypatch):
    monkeypatch.setattr(gio, "ENGINE", request.param)
    return request.param


@pytest.fixture()
def reg(tmp_path):
    r = Registry.create(tmp_path / "registry.gpkg")
    org = r.add_organization(Organization(name="Comune di Bari", operator_type="public"))
    r.add_services(
        [
            Service(
                name="Casa delle Culture",
                organization_id=org.organization_id,
                operator_type="public",
                sectors=["information", "mediation"],
                languages=["it", "en", "ar"],
                opening_hours="Mo-Fr 09:00-13:00",
                capacity=40,
                comune_istat="072006",
                comune_name="Bari",
                metro_area="072",
                last_verified="2024-05-01",
                internal_notes="secret",
                contact_name="Mario Rossi",
                lon=16.8719,
                lat=41.1171,
            ),
            Service(
                name="Questura di Trento",
                operator_type="public",
                sectors=["documents_legal"],
                comune_istat="022205",
                comune_name="Trento",
                last_verified="2020-01-01",
                status="suspended",
                lon=11.1318,
                lat=46.0462,
            ),
            Service(
                name="Sportello senza posto",
                operator_type="third_sector",
                sectors=["work_training"],
            ),
        ]
    )
    return r


def test_create_writes_all_layers_with_schema_version(tmp_path):
    path = tmp_path / "r.gpkg"
    Registry.create(path)
    assert set(fiona.listlayers(path)) == {
        *storage.LAYERS,
        storage.HISTORY_LAYER,
        storage.TRANSLATIONS_LAYER,
        storage.TRANSLATIONS_HISTORY_LAYER,
        storage.ENTITY_HISTORY_LAYER,
    }
    assert Registry.open(path).load().meta == {"schema_version": "3"}
    with fiona.open(path, layer="services") as src:
        assert src.schema["geometry"] == "Point"
        assert src.crs.to_epsg() == 4326
        assert list(src.schema["properties"]) == [*storage.SERVICE_FIELDS, "row_version"]
        assert src.schema["properties"]["capacity"].startswith("int")
        assert src.schema["properties"]["last_verified"] == "date"
    with pytest.raises(InputError):
        Registry.create(path)


def test_round_trip_every_field(reg):
    s = reg.search(text="casa delle")[0]
    assert s.sectors == ["information", "mediation"]
    assert s.languages == ["it", "en", "ar"]
    assert s.capacity == 40
    assert s.last_verified == "2024-05-01"
    assert (s.lon, s.lat) == pytest.approx((16.8719, 41.1171))
    assert s.internal_notes == "secret" and s.contact_name == "Mario Rossi"
    assert s.created_at and s.updated_at
    nowhere = reg.search(text="senza posto")[0]
    assert nowhere.lon is None and nowhere.lat is None and nowhere.capacity is None


def test_search_filters(reg):
    assert [s.name for s in reg.search(sector="documents_legal")] == ["Questura di Trento"]
    assert [s.name for s in reg.search(language="ar")] == ["Casa delle Culture"]
    assert [s.name for s in reg.search(operator_type="third_sector")] == ["Sportello senza posto"]
    assert [s.name for s in reg.search(comune="072006")] == ["Casa delle Culture"]
    assert [s.name for s in reg.search(comune="trento")] == ["Questura di Trento"]
    assert [s.name for s in reg.search(status="suspended")] == ["Questura di Trento"]
    stale = {s.name for s in reg.search(stale_since="2023-01-01")}
    assert stale == {"Questura di Trento", "Sportello senza posto"}
    assert reg.search(sector="health") == []
    assert len(reg.search(operator_type="public", status="active")) == 1


def test_update_and_delete(reg):
    s = reg.search(text="Questura")[0]
    reg.update_service(s.service_id, status="closed", capacity=5)
    again = reg.get_service(s.service_id)
    assert again.status == "closed" and again.capacity == 5
    reg.delete_service(s.service_id)
    assert len(reg.services()) == 2
    with pytest.raises(InputError):
        reg.get_service(s.service_id)
    with pytest.raises(InputError):
        reg.update_service("nope", name="x")
    with pytest.raises(InputError):
        reg.update_service(reg.services()[0].service_id, colour="red")


def test_required_name_and_unique_id(reg):
    before = _digest(reg.path)
    with pytest.raises(InputError):
        reg.add_service(Service(name="  "))
    existing = reg.services()[0]
    with pytest.raises(InputError):
        reg.add_service(Service(name="dup", service_id=existing.service_id))
    assert _digest(reg.path) == before


def test_practice_links(reg):
    p = reg.add_practice(
        Practice(title="Casa delle Culture", themes=["reception"], lon=16.87, lat=41.12)
    )
    s = reg.search(text="casa delle")[0]
    reg.link(s.service_id, p.practice_id)
    reg.link(s.service_id, p.practice_id)  # idempotent
    assert [x.title for x in reg.practices_of(s.service_id)] == ["Casa delle Culture"]
    assert [x.name for x in reg.services_of(p.practice_id)] == ["Casa delle Culture"]
    reg.delete_service(s.service_id)
    assert reg.load().links == []
    with pytest.raises(InputError):
        reg.link("missing", p.practice_id)


def test_input_crs_is_transformed_to_wgs84(tmp_path):
    reg = Registry.create(tmp_path / "r.gpkg")
    x, y = Transformer.from_crs(4326, 32633, always_xy=True).transform(16.8719, 41.1171)
    s = reg.add_service(Service(name="UTM point", lon=x, lat=y), crs="EPSG:32633")
    got = reg.get_service(s.service_id)
    assert got.lon == pytest.approx(16.8719, abs=1e-7)
    assert got.lat == pytest.approx(41.1171, abs=1e-7)
    reg.update_service(s.service_id, lon=x + 1000, lat=y, crs=32633)
    assert reg.get_service(s.service_id).lon == pytest.approx(16.8839, abs=1e-3)


def test_failed_write_leaves_file_byte_for_byte(reg, monkeypatch):
    before = _digest(reg.path)
    calls = []

    def failing(table, key):
        calls.append(table)
        if len(calls) == 3:  # two rows already written inside the transaction
            raise OSError("disk full (simulated)")

    monkeypatch.setattr(storage, "_before_row_write", failing)
    with pytest.raises(OSError):
        with reg.transaction() as state:
            state.services.clear()
            state.organizations.clear()
    assert len(calls) == 3
    assert _digest(reg.path) == before
    assert sorted(p.name for p in reg.path.parent.iterdir()) == ["registry.gpkg"]  # no journal left
    monkeypatch.undo()
    assert len(reg.services()) == 3 and len(reg.organizations()) == 1


def test_failed_new_file_write_leaves_nothing(tmp_path, monkeypatch, io_engine):
    writer = "_write_layer" if io_engine == "fiona" else "_write_layer_ogr"
    real = getattr(storage, writer)

    def failing(tmp, layer, *args):
        if layer == "practices":
            raise OSError("disk full (simulated)")
        return real(tmp, layer, *args)

    monkeypatch.setattr(storage, writer, failing)
    with pytest.raises(OSError):
        Registry.create(tmp_path / "r.gpkg")
    assert list(tmp_path.iterdir()) == []


def test_updates_keep_feature_ids(reg):
    def fids():
        with fiona.open(reg.path, layer="services") as src:
            return {f["properties"]["service_id"]: f.id for f in src}

    first = fids()
    target = reg.search(text="Questura")[0]
    reg.update_service(target.service_id, status="closed")
    reg.add_service(Service(name="Nuovo", sectors=["health"]))
    after = fids()
    assert {k: v for k, v in after.items() if k in first} == first
    assert len(after) == 4


def test_error_inside_transaction_writes_nothing(reg):
    before = _digest(reg.path)
    with pytest.raises(RuntimeError):
        with reg.transaction() as state:
            state.services.clear()
            raise RuntimeError("stop")
    assert _digest(reg.path) == before
