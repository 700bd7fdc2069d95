"""A small Mestre registry for the bussola's transit tests (unit and browser).

Services at ACTV stops of Mestre's centre (the stand-ins of tests/realdata/test_mestre_transit.py:
Ca' Marcello, Cappuccina), Piazza Ferretto, via Piave, and one hidden and one approximate place
planted among them.
"""

from __future__ import annotations

from pathlib import Path

from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.registry import Registry

ACTV = "gtfs_actv_automobilistico_20251117-20251223.zip"
DATE = "2025-11-19"  # a Wednesday within the feed (2025-11-17 .. 2025-12-23)
HIDDEN = (12.2431, 45.4868)
APPROX = (12.2330, 45.4930)
MESTRE = [
    ("Ostello Ca' Marcello", "housing", (12.237450, 45.481762), "exact"),
    ("Mensa Cappuccina", "reception", (12.236703, 45.484447), "exact"),
    ("Sportello Piazza Ferretto", "information", (12.2420, 45.4905), "exact"),
    ("Sportello via Piave", "documents_legal", (12.2310, 45.4850), "exact"),
    ("Casa rifugio", "anti_discrimination_trafficking", HIDDEN, "hidden"),
    ("Accoglienza riservata", "housing", APPROX, "approximate"),
]


def mestre_registry(path: Path) -> Registry:
    reg = Registry.create(path)
    reg.add_services(
        [
            Service(
                name=name,
                sectors=[sector],
                comune_istat="027042",
                phone="+39 041 000000",
                lon=ll[0],
                lat=ll[1],
                location_privacy=privacy,
            )
            for name, sector, ll, privacy in MESTRE
        ]
    )
    return reg
