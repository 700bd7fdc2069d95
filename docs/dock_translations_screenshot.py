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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _screenshot_setup import OUT, fid_of, sample_dock, start_app  # noqa: E402

TRANSLATIONS = (  # (lang, name, description, source)
    ("ar", "مكتب معلومات المهاجرين", "معلومات عن تصاريح الإقامة والعمل", "machine"),
    ("fr", "Guichet d'information pour les migrants", "Permis de séjour, travail", "operator"),
    ("uk", "Довідкове бюро для мігрантів", "Дозволи на проживання", "operator"),
)


def main() -> None:
    app, italian = start_app()
    from qgis.core import QgsSettings

    from capacitymetro_plugin.gui.history_dialog import EDITOR_KEY

    registry, layer, dock, target = sample_dock()
    fid = fid_of(layer, target.service_id)
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
