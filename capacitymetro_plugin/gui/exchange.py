"""Import and export buttons of the dock: CSV, GeoJSON and HSDS 3.0 through the core registry.

Import reads and validates the file with the core (the same rules as the command line) and adds
the good rows to the layer's edit buffer as ONE undoable command: nothing is written before
"Save changes", and "Discard changes" drops the whole import. Export writes the saved registry
(GeoPackage) with the core's public exporters (private fields left out) and checks an HSDS file
against the HSDS 3.0 schemas shipped with the plugin.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
)
from qgis.PyQt.QtWidgets import QDialog, QFileDialog, QMessageBox

from capacitymetro_plugin.core.errors import CapaCityMetroError, InputError, ValidationError
from capacitymetro_plugin.core.registry.exchange import ParsedRows, check_import, read_services_file
from capacitymetro_plugin.core.registry.storage import SERVICE_FIELDS, record_to_properties
from capacitymetro_plugin.core.registry.validation import ValidationReport

from .common import tr, user_language
from .registry_layers import registry_path, to_python, to_qgis

FORMATS = ("csv", "geojson", "hsds")


@dataclass
class ImportOutcome:
    """What an import put in the edit buffer."""

    fids: list[int]
    rejected_rows: list[int]
    report: ValidationReport


def _read(path: Path) -> ParsedRows:
    if path.suffix.lower() == ".json" and _looks_like_hsds(path):
        from capacitymetro_plugin.core.registry import hsds

        return hsds.parse_hsds(hsds.read_hsds_json(path))
    return read_services_file(path)


def _looks_like_hsds(path: Path) -> bool:
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    return '"FeatureCollection"' not in head and ('"services"' in head or '"organizations"' in head)


def import_into_layer(dock, path: str | Path, *, accept_partial: bool = False) -> ImportOutcome:
    """Validate the services of ``path`` and add them to the dock's layer edit buffer.

    Raises :class:`ValidationError` (with ``.report``) when some rows have errors and
    ``accept_partial`` is False; then nothing is added.
    """
    layer = dock.layer
    if layer is None:
        raise InputError(
            "No registry layer to import into.", it="Nessun layer del registro in cui importare."
        )
    path = Path(path)
    parsed = _read(path)
    check = check_import(
        parsed,
        existing_ids={to_python(f["service_id"]) for f in layer.getFeatures()},
        accept_partial=accept_partial,
        source_name=path.name,
    )
    report, bad, good = check.report, check.bad_rows, check.good
    org_ids = _organization_ids(layer)
    fields = layer.fields()
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    transform = None
    if layer.crs() != wgs84:
        transform = QgsCoordinateTransform(wgs84, layer.crs(), dock.project)
    now = dock._now()
    features = []
    for s in good:
        if s.organization_id and org_ids is not None and s.organization_id not in org_ids:
            s.organization_id = None  # organizations are not created from the dock
        s.created_at = s.created_at or now
        s.updated_at = s.updated_at or now
        feature = QgsFeature(fields)
        for name, value in record_to_properties(s, SERVICE_FIELDS).items():
            index = fields.indexFromName(name)
            if index >= 0:
                feature.setAttribute(index, to_qgis(value, fields.at(index).type()))
        if s.lon is not None and s.lat is not None:
            point = QgsPointXY(s.lon, s.lat)
            feature.setGeometry(
                QgsGeometry.fromPointXY(transform.transform(point) if transform else point)
            )
        features.append(feature)

    def action():
        fids = []
        for feature in features:
            if not layer.addFeature(feature):
                raise RuntimeError(tr("The layer refused the imported services."))
            fids.append(feature.id())
        return fids

    fids = dock._run_command(tr("Import services"), action) if features else []
    dock.refresh_filter_values()
    dock.refresh_list()
    return ImportOutcome(fids, bad, report)


def _organization_ids(layer) -> set[str] | None:
    from .registry_layers import sibling_layer

    orgs = sibling_layer(layer, "organizations")
    if orgs is None:
        return None
    return {to_python(f["organization_id"]) for f in orgs.getFeatures()}


def _saved_registry(dock):
    """The core registry of the dock's layer (a GeoPackage or a PostGIS registry), saved (no
    pending edits), or a bilingual error."""
    from .history_dialog import layer_registry

    layer = dock.layer
    registry = layer_registry(layer) if layer is not None else None
    if registry is None:
        raise InputError(
            "Export works on a registry (a GeoPackage or a PostGIS services table); this layer "
            "is not one.",
            fix="Export the layer with QGIS (right click > Export), or copy it to a GeoPackage first.",
            it="L'esportazione funziona su un registro (un GeoPackage o una tabella services "
            "PostGIS); questo layer non lo è.",
            fix_it="Esporta il layer con QGIS (tasto destro > Esporta), o copialo prima in un GeoPackage.",
        )
    if layer.isEditable() and layer.isModified():
        raise InputError(
            "The registry has unsaved changes.",
            fix="Save or discard them before exporting.",
            it="Il registro ha modifiche non salvate.",
            fix_it="Salvale o scartale prima di esportare.",
        )
    if registry_path(layer) is not None:
        from capacitymetro_plugin.core.registry.registry import Registry

        return Registry.open(registry.path, editor=registry.editor)  # checks the layers
    return registry


def export_layer(dock, path: str | Path, fmt: str, *, public: bool = True) -> Path:
    """Write the saved registry of the dock's layer to ``path`` as csv, geojson or hsds."""
    registry = _saved_registry(dock)
    if fmt == "csv":
        from capacitymetro_plugin.core.registry.exchange import export_csv

        return Path(export_csv(registry, path, public=public))
    if fmt == "geojson":
        from capacitymetro_plugin.core.registry.exchange import export_geojson

        return Path(export_geojson(registry, path, public=public))
    if fmt == "hsds":
        from capacitymetro_plugin.core.registry import hsds

        return Path(hsds.export_hsds_json(registry, path, public=public))
    raise ValueError(f"unknown format {fmt!r}")


def _show_error(dock, title: str, exc: Exception) -> None:
    text = exc.localized(user_language()) if isinstance(exc, CapaCityMetroError) else str(exc)
    report = getattr(exc, "report", None)
    if report is not None:
        it = user_language() == "it"
        lines = [
            f"{i.row}: {i.field} — {i.message_it if it else i.message}" for i in report.errors[:15]
        ]
        text += "\n\n" + "\n".join(lines)
    QMessageBox.warning(dock, title, text)


def import_dialog(dock) -> None:
    path, _ = QFileDialog.getOpenFileName(
        dock,
        tr("Import services"),
        "",
        tr("Services (*.csv *.geojson *.json *.gpkg);;HSDS 3.0 JSON (*.json);;All files (*)"),
    )
    if not path:
        return
    try:
        outcome = import_into_layer(dock, path)
    except ValidationError as exc:
        good = exc.report.checked - len(exc.report.bad_rows())
        _show_error(dock, tr("Import services"), exc)
        if (
            good <= 0
            or QMessageBox.question(
                dock, tr("Import services"), tr("Import only the {} good rows?").format(good)
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        try:
            outcome = import_into_layer(dock, path, accept_partial=True)
        except Exception as again:  # noqa: BLE001 - shown to the user
            _show_error(dock, tr("Import services"), again)
            return
    except Exception as exc:  # noqa: BLE001 - shown to the user
        _show_error(dock, tr("Import services"), exc)
        return
    QMessageBox.information(
        dock,
        tr("Import services"),
        tr('{} services added to the edit buffer: check them, then "Save changes".').format(
            len(outcome.fids)
        ),
    )


def publish_layer(
    dock,
    folder: str | Path,
    *,
    osm_file: str | Path | None = None,
    transit: dict | None = None,
    progress=None,
):
    """Write the bussola site of the dock's saved registry into ``folder`` (and ``folder``.zip).

    The same core calls as ``capacitymetro publish`` and the Processing algorithm: with
    ``osm_file``, the walking network built from it (``walking_network``) for 'near me' by
    walking time and the offline streets; with ``transit`` (``core.bussola.transit.
    transit_request``), the transit minutes. ``progress`` (core Progress) shows the steps and
    stops on cancel."""
    from capacitymetro_plugin.core.bussola import publish, walking_network
    from capacitymetro_plugin.core.progress import ensure

    progress = ensure(progress)
    registry = _saved_registry(dock)
    network = walking_network(osm_file, progress=progress.step(0.0, 0.5)) if osm_file else None
    rest = progress.step(0.5, 1.0) if osm_file else progress
    return publish(
        registry, folder, network=network, osm_file=osm_file, transit=transit, progress=rest
    )


def publish_message(res) -> str:
    text = tr("Bussola written: {}").format(res.folder)
    text += "\n" + tr("{} services ({} approximate, {} hidden places), {} kB").format(
        res.n_services, res.n_approximate, res.n_hidden, round(res.total_bytes / 1000)
    )
    text += "\n" + (
        tr("'Near me' by walking time, with the streets on the map.")
        if res.walking_times
        else tr("'Near me' by straight-line distance (no OpenStreetMap extract given).")
    )
    if res.transit_times:
        text += "\n" + tr(
            "'Near me' also by public transport: median minutes over the departure window."
        )
    if res.zip_path:
        text += "\n" + tr("Zip file: {}").format(res.zip_path)
    return text


def _progress_dialog(dock, title: str):
    """Return a modal progress dialog with Cancel and the core Progress that drives it."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtWidgets import QApplication, QProgressDialog

    from capacitymetro_plugin.core.progress import Progress

    box = QProgressDialog(title, tr("Cancel"), 0, 100, dock)
    box.setWindowTitle(title)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setMinimumDuration(0)

    def report(percent: float, message: str) -> None:
        box.setValue(int(percent))
        if message:
            box.setLabelText(message)
        QApplication.processEvents()

    return box, Progress(report, box.wasCanceled)


def publish_dialog(dock) -> None:
    from capacitymetro_plugin.core.errors import Canceled

    from .publish_dialog import PublishDialog

    title = tr("Publish bussola")
    ask = PublishDialog(dock)
    if ask.exec() != QDialog.DialogCode.Accepted or not ask.folder():
        return
    from capacitymetro_plugin.core.bussola.transit import ferry_request, transit_request

    try:  # the other doors' check, before the long part
        feeds = ask.gtfs_files()
        ferries = ferry_request(ask.osm_file(), ask.ferry_piers(), ask.ferry_headway())
        asked = bool(feeds) or ferries is not None
        transit = transit_request(
            feeds, ask.transit_date(), ask.transit_window() if asked else None, ferries=ferries
        )
    except Exception as exc:  # noqa: BLE001 - shown to the user
        _show_error(dock, title, exc)
        return
    box, progress = _progress_dialog(dock, title)
    try:
        res = publish_layer(
            dock, Path(ask.folder()) / "bussola", osm_file=ask.osm_file(), transit=transit,
            progress=progress,
        )  # fmt: skip
    except Canceled:
        dock.status_label.setText(tr("Publishing canceled: nothing was written."))
        return
    except Exception as exc:  # noqa: BLE001 - shown to the user
        _show_error(dock, title, exc)
        return
    finally:
        box.close()
    dock.status_label.setText(tr("Bussola written: {}").format(res.folder))
    QMessageBox.information(dock, title, publish_message(res))


def export_dialog(dock) -> None:
    filters = {
        tr("CSV (*.csv)"): "csv",
        tr("GeoJSON (*.geojson)"): "geojson",
        tr("HSDS 3.0 JSON (*.json)"): "hsds",
    }
    path, chosen = QFileDialog.getSaveFileName(dock, tr("Export services"), "", ";;".join(filters))
    if not path:
        return
    fmt = filters.get(chosen) or ("csv" if path.lower().endswith(".csv") else "geojson")
    try:
        out = export_layer(dock, path, fmt)
        text, valid = export_message(out, fmt)
    except Exception as exc:  # noqa: BLE001 - shown to the user
        _show_error(dock, tr("Export services"), exc)
        return
    show = QMessageBox.information if valid else QMessageBox.warning
    show(dock, tr("Export services"), text)


def export_message(out: Path, fmt: str) -> tuple[str, bool]:
    """Return the message after an export and whether the file is valid.

    An HSDS file is checked against the HSDS 3.0 schemas shipped with the plugin (the same check
    as the Processing export and the command line), so a partner receiving it can rely on it.
    """
    text = tr("Written: {}").format(out)
    if fmt != "hsds":
        return text, True
    from capacitymetro_plugin.core.registry import hsds

    errors = hsds.validate_hsds_path(out)
    if not errors:
        return text + "\n" + tr("Valid HSDS 3.0: no schema errors."), True
    lines = "\n".join(errors[:15])
    more = "\n…" if len(errors) > 15 else ""
    return (
        text
        + "\n\n"
        + tr("Not valid HSDS 3.0: {} schema errors.").format(len(errors))
        + "\n"
        + lines
        + more
    ), False
