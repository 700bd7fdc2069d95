"""The registry dock widget and its forms (QGIS/Qt code lives here, never in core)."""
