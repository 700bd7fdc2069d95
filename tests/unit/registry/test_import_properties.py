"""Property-based tests of every importer: generated files, valid or not, never crash.

Each importer (CSV, GeoJSON, HSDS JSON, HSDS datapackage) gets files built from the values that
broke it before (NUL, "nan", 1e400, CR line ends, wrong JSON shapes, paths outside the folder...)
mixed with random ones. The only exceptions allowed are ours (``CapaCityMetroError``), and a
rejected import leaves the registry file byte-identical.

Profiles: ``ci`` (default, a few dozen cases per importer) and ``long``
(``CAPACITYMETRO_HYPOTHESIS=long``, 2,500 cases per importer: 10,000 in all); see
docs/reliability.md for the figures of the last long run.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")  # a test dependency (requirements.txt)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from capacitymetro_plugin.core.errors import CapaCityMetroError  # noqa: E402
from capacitymetro_plugin.core.registry import exchange, hsds  # noqa: E402
from capacitymetro_plugin.core.registry.registry import Registry  # noqa: E402

_COMMON = dict(
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
settings.register_profile("ci", max_examples=30, **_COMMON)
settings.register_profile("long", max_examples=2500, **_COMMON)
PROFILE = os.environ.get("CAPACITYMETRO_HYPOTHESIS", "ci")

# values that broke an importer once, and values that make a row valid
TRICKY = [
    "nan",
    "NaN",
    "inf",
    "1e400",
    "1e30",
    "2.7",
    "-1",
    "20",
    "abc",
    "\x00",
    "a\x00b",
    '=HYPERLINK("http://x")',
    "+39 080 123456",
    "health",
    "public",
    "documents_legal",
    "it;en",
    "prs;kmr",
    "2026-01-01",
    "2026-13-45",
    "16.87",
    "41,12",
    "POINT (16.8 41.1)",
    "POINT Z (16.8 41.1 5)",
    "LINESTRING (1 1)",
    "POLYGON ((0 0, 1 1))",
    '"',
    '""',
    "\r",
    "\n",
    "\r\n",
    ";",
    ",",
    "\t",
    "072006",
    "info@example.org",
    "http://example.org",
    "file:///etc/passwd",
    "Mo-Fr 09:00-13:00",
    "",
    " ",
    "città",
]
text_values = st.one_of(st.sampled_from(TRICKY), st.text(max_size=20))
CSV_COLUMNS = [
    "name",
    "nome",
    "sectors",
    "operator_type",
    "lon",
    "lat",
    "latitude",
    "longitude",
    "wkt",
    "capacity",
    "languages",
    "target_groups",
    "last_verified",
    "comune_istat",
    "metro_area",
    "status",
    "email",
    "website",
    "phone",
    "organization",
    "service_id",
    "description",
    "opening_hours",
]
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    text_values,
)
HSDS_KEYS = [
    "id",
    "name",
    "description",
    "url",
    "email",
    "status",
    "assured_date",
    "last_modified",
    "organization_id",
    "organization",
    "phones",
    "number",
    "languages",
    "code",
    "schedules",
    "byday",
    "opens_at",
    "closes_at",
    "attributes",
    "link_type",
    "taxonomy_term",
    "value",
    "contacts",
    "service_at_locations",
    "location",
    "latitude",
    "longitude",
    "addresses",
    "address_1",
    "postal_code",
    "city",
    "external_identifier",
    "external_identifier_type",
    "services",
    "organizations",
    "contents",
]
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(HSDS_KEYS), inner, max_size=5),
    ),
    max_leaves=12,
)


class Target:
    """One registry for a whole property test; checks that rejections leave it unchanged."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="cm-props-"))
        self.registry = Registry.create(self.dir / "registry.gpkg")
        self.counter = itertools.count()
        self.cases = 0
        self.rejected = 0

    def new_path(self, name: str) -> Path:
        folder = self.dir / f"case{next(self.counter)}"
        folder.mkdir()
        return folder / name

    def run(self, importer, source: Path) -> None:
        before = hashlib.sha256(self.registry.path.read_bytes()).hexdigest()
        self.cases += 1
        try:
            importer(self.registry, source)
        except CapaCityMetroError as exc:
            self.rejected += 1
            after = hashlib.sha256(self.registry.path.read_bytes()).hexdigest()
            assert after == before, f"a rejected import changed the registry: {exc}"
            assert exc.message and exc.message_it
        finally:
            shutil.rmtree(source.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def target():
    t = Target()
    yield t
    print(f"\n[{PROFILE}] {t.cases} cases, {t.rejected} rejected with a named error")
    shutil.rmtree(t.dir, ignore_errors=True)


def _csv_text(header, rows, delimiter, newline, quoted) -> str:
    if quoted:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows([header, *rows])
        return buf.getvalue()
    return "".join(delimiter.join(r) + newline for r in [header, *rows])


csv_tables = st.tuples(
    st.lists(st.one_of(st.sampled_from(CSV_COLUMNS), st.text(max_size=8)), min_size=1, max_size=7),
    st.lists(st.lists(text_values, min_size=0, max_size=8), max_size=5),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
)


@settings(settings.get_profile(PROFILE))
@given(
    table=csv_tables,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "raw"]),
    raw=st.binary(max_size=60),
)
def test_csv_import_never_crashes(target, table, encoding, raw):
    text = _csv_text(*table)
    path = target.new_path("in.csv")
    if encoding == "raw":
        path.write_bytes(raw)
    else:
        path.write_bytes(text.encode(encoding, errors="replace"))
    target.run(exchange.import_file, path)


geometries = st.one_of(
    st.none(),
    st.builds(
        lambda c: {"type": "Point", "coordinates": c},
        st.lists(st.one_of(st.floats(-200, 200), json_scalars), max_size=4),
    ),
    st.builds(
        lambda c: {"type": "LineString", "coordinates": c},
        st.lists(st.lists(st.floats(-10, 10), min_size=2, max_size=3), max_size=3),
    ),
    st.builds(lambda t: {"type": t, "coordinates": []}, st.sampled_from(["Polygon", "Nope"])),
    json_values,
)
properties = st.dictionaries(
    st.sampled_from(CSV_COLUMNS), st.one_of(json_scalars, json_values), max_size=8
)


@settings(settings.get_profile(PROFILE))
@given(
    features=st.lists(
        st.fixed_dictionaries(
            {"type": st.just("Feature"), "properties": properties, "geometry": geometries}
        ),
        max_size=4,
    ),
    broken=st.one_of(st.none(), json_values),
)
def test_geojson_import_never_crashes(target, features, broken):
    doc = {"type": "FeatureCollection", "features": features} if broken is None else broken
    path = target.new_path("in.geojson")
    path.write_text(json.dumps(doc), encoding="utf-8")
    target.run(exchange.import_file, path)


def _service_docs():
    term = st.fixed_dictionaries({}, optional={"code": json_scalars, "name": json_scalars})
    attribute = st.fixed_dictionaries(
        {
            "link_type": st.sampled_from(
                ["sector", "target_group", "operator_type", "capacity", "comune_istat", "x"]
            )
        },
        optional={"taxonomy_term": st.one_of(term, json_values), "value": json_scalars},
    )
    location = st.fixed_dictionaries(
        {},
        optional={
            "latitude": json_scalars,
            "longitude": json_scalars,
            "addresses": st.one_of(
                st.lists(st.dictionaries(st.sampled_from(HSDS_KEYS), json_scalars)), json_values
            ),
        },
    )
    return st.fixed_dictionaries(
        {"id": json_scalars, "name": json_scalars},
        optional={
            "description": json_values,
            "languages": st.one_of(
                st.lists(st.fixed_dictionaries({"code": json_scalars})), json_values
            ),
            "phones": st.one_of(
                st.lists(st.fixed_dictionaries({"number": json_scalars})), json_values
            ),
            "attributes": st.one_of(st.lists(attribute, max_size=4), json_values),
            "service_at_locations": st.one_of(
                st.lists(st.fixed_dictionaries({"location": st.one_of(location, json_values)})),
                json_values,
            ),
            "schedules": json_values,
            "organization": json_values,
            "assured_date": json_scalars,
            "status": json_scalars,
        },
    )


hsds_documents = st.one_of(
    st.lists(_service_docs(), max_size=3),
    st.fixed_dictionaries(
        {"services": st.one_of(st.lists(_service_docs(), max_size=3), json_values)},
        optional={"organizations": json_values},
    ),
    json_values,
)


@settings(settings.get_profile(PROFILE))
@given(doc=hsds_documents, deep=st.integers(min_value=0, max_value=3))
def test_hsds_json_import_never_crashes(target, doc, deep):
    path = target.new_path("in.json")
    text = json.dumps(doc)
    if deep == 3:  # nesting deeper than Python's recursion limit
        text = "[" * 50_000 + text + "]" * 50_000
    path.write_text(text, encoding="utf-8")
    target.run(hsds.import_hsds, path)


RESOURCES = ["service", "attribute", "taxonomy_term", "location", "phone", "language", "x"]
HSDS_COLUMNS = [
    "id",
    "name",
    "service_id",
    "link_id",
    "link_type",
    "taxonomy_term_id",
    "code",
    "value",
    "latitude",
    "longitude",
    "location_id",
    "number",
    "assured_date",
]


@settings(settings.get_profile(PROFILE))
@given(
    resources=st.lists(
        st.tuples(
            st.one_of(st.sampled_from(RESOURCES), json_scalars),
            st.sampled_from(["r.csv", "../outside.csv", "/etc/hostname", "a/../r.csv", ""]),
            st.one_of(st.none(), json_values),
        ),
        max_size=4,
    ),
    header=st.lists(st.sampled_from(HSDS_COLUMNS), min_size=1, max_size=5),
    rows=st.lists(st.lists(text_values, max_size=6), max_size=4),
    descriptor=st.one_of(st.none(), json_values),
)
def test_datapackage_import_never_crashes(target, resources, header, rows, descriptor):
    path = target.new_path("datapackage.json")
    outside = path.parent.parent / "outside.csv"
    outside.write_text("id,name\nleak,From outside the folder\n")
    (path.parent / "r.csv").write_text(_csv_text(header, rows, ",", "\n", True), encoding="utf-8")
    package = {
        "resources": [
            {"name": name, "path": where, **({"schema": schema} if schema is not None else {})}
            for name, where, schema in resources
        ]
    }
    path.write_text(json.dumps(package if descriptor is None else descriptor), encoding="utf-8")
    target.run(hsds.import_hsds, path)
    assert all("From outside" not in s.name for s in target.registry.services())
