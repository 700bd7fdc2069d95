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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _screenshot_setup import OUT, fid_of, sample_dock, start_app  # noqa: E402


def main() -> None:
    app, italian = start_app()
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QTimer
    from qgis.PyQt.QtWidgets import QApplication

    from capacitymetro_plugin.core.registry.registry import Registry
    from capacitymetro_plugin.gui.history_dialog import EDITOR_KEY

    registry, layer, dock, target = sample_dock()
    fid = fid_of(layer, target.service_id)

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
