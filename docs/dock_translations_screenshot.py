"""Screenshot of the service form's "Translations" part (docs/img/dock_translations.png).

Run under a virtual display from the repository root:
    source scripts/env.sh && QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \
        .venv/bin/python docs/dock_translations_screenshot.py   # add --it for the Italian one
The registry is the real sample registry built by the core from ../shared/data. An operator
translates a Trento service through the form's own buttons (Arabic by a machine, then French and
Ukrainian by hand) and starts editing the Arabic one; the dock is grabbed as the user sees it.
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

TRANSLATIONS = (  # (lang, name, description, source)
    ("ar", "مكتب معلومات المهاجرين", "معلومات عن تصاريح الإقامة والعمل", "machine"),
    ("fr", "Guichet d'information pour les migrants", "Permis de séjour, travail", "operator"),
    ("uk", "Довідкове бюро для мігрантів", "Дозволи на проживання", "operator"),
)


def main() -> None:
    italian = "--it" in sys.argv
    app = QgsApplication([], True, tempfile.mkdtemp(prefix="capacitymetro-qgis-profile-"))
    app.initQgis()
    QgsSettings().setValue("locale/userLocale", "en_US")  # --it switches to it_IT
    if italian:
        from dock_screenshot import install_italian

        install_italian()
    from qgis.gui import QgsMapCanvas

    from capacitymetro_plugin.core.registry.boundaries import load_comuni
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
    settings = QgsSettings()
    settings.setValue(EDITOR_KEY, "Anna (Comune di Trento)")
    dock.select_fid(fid, zoom=False)
    dock.start_edit()
    panel = dock.form.translations
    for lang, name, description, source in TRANSLATIONS:
        panel.add_button.click()
        panel.language_combo.setCurrentIndex(panel.language_combo.findData(lang))
        panel.name_edit.setText(name)
        panel.description_edit.setPlainText(description)
        panel.source_combo.setCurrentIndex(panel.source_combo.findData(source))
        panel.save_button.click()
    settings.remove(EDITOR_KEY)
    panel.select_language("ar")
    panel.edit_button.click()
    dock.resize(520, 980)
    dock.show()
    for _ in range(5):
        app.processEvents()
    dock.form.scroll.ensureWidgetVisible(panel.message_label, 0, 0)
    for _ in range(5):
        app.processEvents()
    OUT.mkdir(parents=True, exist_ok=True)
    name = "dock_translations_it.png" if italian else "dock_translations.png"
    dock.grab().save(str(OUT / name))
    print(OUT / name, [panel.table.item(r, 0).text() for r in range(panel.table.rowCount())])
    os._exit(0)  # skip Qt/QGIS teardown (it can crash at exit; the image is written)


if __name__ == "__main__":
    main()
