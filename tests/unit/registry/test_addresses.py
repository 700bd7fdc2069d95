"""Italian address parsing and street-name normalisation (core/registry/addresses.py).

The cases are written as they appear in the real lists: the Ministry of Health's consultori
("... - POSTCODE - COMUNE - PR", postcodes without their leading zero) and the hand-transcribed
web pages of ../shared/data/servizi_migranti_da_pagine_web.csv.
"""

import pytest

from capacitymetro_plugin.core.registry.addresses import (
    housenumber_key,
    parse_address,
    split_street,
    street_key,
    street_similarity,
)


@pytest.mark.parametrize(
    ("text", "street", "number", "postcode", "comune", "province"),
    [
        (
            "via Lunelli 4, Trento (seat from 14 June 2016)",
            "via lunelli",
            "4",
            None,
            "trento",
            None,
        ),
        ("Via delle Laste 22, 38121 Trento", "via delle laste", "22", "38121", "trento", None),
        ("via Lavisotto 125A (Trento Nord)", "via lavisotto", "125a", None, None, None),
        ("via Querini 19/A, Mestre", "via querini", "19a", None, "mestre", None),
        (
            "VIA MAGLIAS N.124 (CIRCOSCRIZI - 9122 - CAGLIARI - CA",
            "via maglias",
            "124",
            "09122",
            "CAGLIARI",
            "CA",
        ),
        (
            "VIA RAFFAELLO N..5 LOC. PIRI PIRI - 9032 - ASSEMINI - CA",
            "via raffaello",
            "5",
            "09032",
            "ASSEMINI",
            "CA",
        ),
        ("VIA PADULA, 20 - 71024 - CANDELA - FG", "via padula", "20", "71024", "CANDELA", "FG"),
        (
            "VIA DEI CASTAGNI, 20/22 - 12 - GUIDONIA MONTECELIO - RM",
            "via dei castagni",
            "20",
            "00012",
            "GUIDONIA MONTECELIO",
            "RM",
        ),
        (
            "VIA MAZZINI S.N. - 95010 - SANTA VENERINA - CT",
            "via mazzini",
            None,
            "95010",
            "SANTA VENERINA",
            "CT",
        ),
        ("Via Roma snc, Bari", "via roma", None, None, "bari", None),
        (
            "VIA MARIANNA SPAGNUOLO C/O OSPEDALE NUOVO - 80040 - POLLENA - NA",
            "via marianna spagnuolo",
            None,
            "80040",
            "POLLENA",
            "NA",
        ),
        (
            "VIA CARDUCCIN.41 - 9170 - ORISTANO - OR",
            "via carducci",
            "41",
            "09170",
            "ORISTANO",
            "OR",
        ),
        ("ex Manifattura Tabacchi, via Crisanzio", "via crisanzio", None, None, None, None),
        (
            "inside the convent of the Frati Francescani (street not given)",
            None,
            None,
            None,
            None,
            None,
        ),
        ("", None, None, None, None, None),
    ],
)
def test_parse_address(text, street, number, postcode, comune, province):
    got = parse_address(text)
    assert (got.street, got.housenumber, got.postcode, got.comune, got.province) == (
        street,
        number,
        postcode,
        comune,
        province,
    )


def test_a_comune_given_apart_wins_over_the_text():
    assert parse_address("via Lunelli 4, Gardolo", comune="Trento").comune == "Trento"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("V.le Verona", "Viale Verona"),
        ("P.za Duomo", "Piazza del Duomo"),
        ("P.zza Dante", "piazza dante"),
        ("C.so III Novembre", "Corso III Novembre"),
        ("Lung'Adige S. Nicolò", "Lungadige San Nicolò"),
        ("via Santa Croce", "Via S. Croce"),
        ("VIA CA' MARCELLO", "Via Ca Marcello"),
        ("Via delle Laste", "Via alle Laste"),
    ],
)
def test_spellings_of_one_street_have_one_key(a, b):
    assert street_key(a) == street_key(b)


@pytest.mark.parametrize(
    ("page", "osm", "low", "high"),
    [
        ("via Madruzzo", "Via cardinale Cristoforo Madruzzo", 0.85, 0.95),  # OSM's full name
        ("via G. Palatucci", "Via Giovanni Palatucci", 0.9, 1.0),  # an initial
        ("via Lunelli", "Via Renato Lunelli", 0.9, 0.95),
        ("Via Prepositura", "Via della Prepositura", 1.0, 1.0),
        ("Via Roma", "Via Rovereto", 0.0, 0.79),  # another street
        ("Via Veneto", "Viale Veneto", 0.0, 0.9),  # another kind of street scores less
        ("Via G.", "Via Garibaldi", 0.0, 0.79),  # an initial alone identifies nothing
    ],
)
def test_street_similarity(page, osm, low, high):
    score = street_similarity(split_street(page), split_street(osm))
    assert low <= score <= high
    assert score == street_similarity(split_street(osm), split_street(page))


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("12/A", "12a"),
        ("12 a", "12a"),
        ("26/28", "26"),
        ("5 bis", "5bis"),
        ("x", None),
        (None, None),
    ],
)
def test_housenumber_key(raw, key):
    assert housenumber_key(raw) == key
