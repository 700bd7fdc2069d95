"""CapaCityMetro QGIS plugin. The engine lives in ``core`` and imports no QGIS."""


def classFactory(iface):  # noqa: N802 - name required by QGIS
    """Load the plugin class (lazily, so importing the package needs no QGIS)."""
    from .plugin import CapaCityMetroPlugin

    return CapaCityMetroPlugin(iface)
