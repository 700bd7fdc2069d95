"""Screenshot of the dock's "Organizations and sheets…" dialog (docs/img/dock_entities.png).

Run under a virtual display from the repository root:
    source scripts/env.sh && QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \
        .venv/bin/python docs/dock_entities_screenshot.py   # add --it for dock_entities_it.png
On the real sample registry: a Trento service is selected, a new good-practice sheet linked to
it is saved and a file attached; the sheets tab is grabbed as the operator sees it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _screenshot_setup import OUT, fid_of, sample_dock, start_app  # noqa: E402


def main() -> None:
    app, italian = start_app()
    from qgis.PyQt.QtCore import Qt

    registry, layer, dock, target = sample_dock()
    dock.select_fid(fid_of(layer, target.service_id), zoom=False)
    dialog = dock.open_entities(show=False)
    dialog.tabs.setCurrentIndex(1)
    dialog.new_practice()
    w = dialog.practice_widgets
    w["title"].setText("Sportello casa per nuovi arrivati")
    w["summary"].setPlainText(
        "Accompagnamento alla ricerca di una casa in affitto, con mediatori linguistici."
    )
    w["place"].setText("Trento")
    w["comune_istat"].setText("022205")
    w["source"].setText("Cinformi, 2024")
    w["link"].setText("https://www.cinformi.it")
    themes = w["themes"]
    for i in range(themes.count()):
        if themes.item(i).data(Qt.ItemDataRole.UserRole) in ("housing", "mediation"):
            themes.item(i).setCheckState(Qt.CheckState.Checked)
    dialog.save_practice()
    doc = Path(tempfile.mkdtemp()) / "Scheda casa.pdf"
    doc.write_bytes(b"%PDF-1.4\n")
    dialog.attach(str(doc))
    dialog.resize(900, 640)
    dialog.show()
    for _ in range(10):
        app.processEvents()
    name = "dock_entities_it.png" if italian else "dock_entities.png"
    OUT.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(OUT / name))
    print(OUT / name)
    os._exit(0)  # skip Qt/QGIS teardown (it can crash at exit; the image is written)


if __name__ == "__main__":
    main()
