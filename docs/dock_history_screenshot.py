"""Screenshot of the dock's "History of the service" dialog (docs/img/dock_history.png).

Run under a virtual display from the repository root:
    source scripts/env.sh && QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \
        .venv/bin/python docs/dock_history_screenshot.py      # add --it for dock_history_it.png
The registry is the real sample registry built by the core from ../shared/data. Two editors edit
one service of Trento through the dock (the form, then a map click), one restores an earlier
version from the dialog, and the dialog is grabbed as the user sees it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _screenshot_setup import OUT, fid_of, sample_dock, start_app  # noqa: E402


def main() -> None:
    app, italian = start_app()
    from qgis.core import QgsPointXY, QgsSettings

    from capacitymetro_plugin.gui.history_dialog import EDITOR_KEY

    registry, layer, dock, target = sample_dock()
    fid = fid_of(layer, target.service_id)

    settings = QgsSettings()
    settings.setValue(EDITOR_KEY, "Anna (Comune di Trento)")
    dock.select_fid(fid, zoom=False)
    dock.start_edit()
    dock.form.widgets["capacity"].setText("40")
    dock.form.widgets["opening_hours"].setText("Mo-Fr 09:00-13:00; Sa 09:00-12:00")
    dock.form.set_location(QgsPointXY(target.lon, target.lat))
    dock.apply_form()
    dock.save_changes()
    settings.setValue(EDITOR_KEY, "Marco (Cinformi)")
    dock.select_fid(fid, zoom=False)
    dock.start_set_location()
    dock.handle_map_click(QgsPointXY(target.lon + 0.0012, target.lat + 0.0004))
    dock.save_changes()
    dock.select_fid(fid, zoom=False)
    dock.start_edit()
    dock.form.widgets["phone"].setText("+39 0461 123456")
    dock.apply_form()
    dock.save_changes()
    settings.setValue(EDITOR_KEY, "Anna (Comune di Trento)")
    dock.select_fid(fid, zoom=False)
    dialog = dock.open_history(show=False)
    dialog.restore(2, confirm=False)  # back to before Marco's move and phone
    settings.remove(EDITOR_KEY)
    dialog.table.selectRow(3)
    dialog.resize(900, 470)
    dialog.show()
    for _ in range(5):
        app.processEvents()
    OUT.mkdir(parents=True, exist_ok=True)
    name = "dock_history_it.png" if italian else "dock_history.png"
    dialog.grab().save(str(OUT / name))
    print(OUT / name, [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())])
    os._exit(0)  # skip Qt/QGIS teardown (it can crash at exit; the image is written)


if __name__ == "__main__":
    main()
