"""Regenerate the ``.qpt`` layout templates in ``layouts/``: ``python -m capacitymetro_plugin.maps.make_templates``."""

from __future__ import annotations

import sys


def main() -> int:
    from qgis.core import QgsApplication, QgsProject, QgsReadWriteContext

    app = QgsApplication.instance()
    own = app is None
    if own:
        app = QgsApplication([], False)
        app.initQgis()
    from .layout import LAYOUTS_DIR, PAPERS, make_template_layout

    LAYOUTS_DIR.mkdir(exist_ok=True)
    project = QgsProject()
    for paper, (filename, _w, _h) in PAPERS.items():
        layout = make_template_layout(project, paper)
        path = LAYOUTS_DIR / filename
        if not layout.saveAsTemplate(str(path), QgsReadWriteContext()):
            print(f"cannot write {path}", file=sys.stderr)
            return 1
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
