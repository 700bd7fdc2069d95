"""Screenshot of the dock's merge dialog, "Someone else saved this service" (docs/img/dock_merge.png).

Run under a virtual display from the repository root:
    source scripts/env.sh && QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \
        .venv/bin/python docs/dock_merge_screenshot.py      # add --it for dock_merge_it.png
The registry is the real sample registry built by the core from ../shared/data. Anna opens a
Trento service in the dock's form; meanwhile Marco saves the same service through the core API
(capacity and status); Anna changes the capacity and the description and presses "Save changes":
the dialog she gets is grabbed as she sees it (the capacity, changed by both, still undecided).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "docs"))
DATA = Path(os.environ.get("CAPACITYMETRO_DATA", REPO.parent / "shared" / "data"))
OUT = REPO / "docs" / "img"

from qgis.core import QgsApplication, QgsProject, QgsSettings, QgsVectorLayer  # noqa: E402


def main() -> None:
    italian = "--it" in sys.argv
    app = QgsApplication([], True, tempfile.mkdtemp(prefix="capacitymetro-qgis-profile-"))
    app.initQgis()
    if italian:
        from dock_screenshot import install_italian

        install_italian()
    else:
        QgsSettings().setValue("locale/userLocale", "en_GB")
    from qgis.gui import QgsMapCanvas
    from qgis.PyQt.QtCore import QTimer
    from qgis.PyQt.QtWidgets import QApplication

    from capacitymetro_plugin.core.registry.boundaries import load_comuni
    from capacitymetro_plugin.core.registry.registry import Registry
    from capacitymetro_plugin.core.registry.sample import build_sample_registry
    from capacitymetro_plugin.gui.dock import RegistryDock
    from capacitymetro_plugin.gui.history_dialog import EDITOR_KEY

    work = Path(tempfile.mkdtemp())
    comuni = load_comuni(DATA / "istat_comuni_target_2023.gpkg")
    registry = build_sample_registry(DATA, work / "registry.gpkg", comuni=comuni)
    target = sorted(
        (s for s in registry.services() if s.lon is not None and s.comune_name == "Trento"),
        key=lambda s: s.name,
    )[0]
    layer = QgsVectorLayer(f"{registry.path}|layername=services", "services", "ogr")
    QgsProject.instance().addMapLayer(layer)
    canvas = QgsMapCanvas()
    canvas.setDestinationCrs(layer.crs())
    dock = RegistryDock(canvas)
    fid = next(f.id() for f in layer.getFeatures() if f["service_id"] == target.service_id)

    QgsSettings().setValue(EDITOR_KEY, "Anna (Comune di Trento)")
    dock.select_fid(fid, zoom=False)
    dock.start_edit()
    marco = Registry.open(registry.path, editor="Marco (Cinformi)")
    marco.update_service(target.service_id, capacity=25, status="suspended")
    dock.form.widgets["capacity"].setText("40")
    dock.form.widgets["description"].setPlainText(
        "Sportello per cittadini stranieri: permessi di soggiorno, ricongiungimenti. "
        "Aperto anche il sabato mattina."
    )
    dock.apply_form()
    name = "dock_merge_it.png" if italian else "dock_merge.png"
    OUT.mkdir(parents=True, exist_ok=True)

    def grab():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, grab)
            return
        dialog.resize(980, 420)
        for _ in range(5):
            app.processEvents()
        dialog.grab().save(str(OUT / name))
        print(OUT / name, [(r.field, r.theirs, r.yours, r.choice) for r in dialog.rows()])
        dialog.reject()

    QTimer.singleShot(0, grab)
    dock.save_changes()
    QgsSettings().remove(EDITOR_KEY)
    os._exit(0)  # skip Qt/QGIS teardown (it can crash at exit; the image is written)


if __name__ == "__main__":
    main()
