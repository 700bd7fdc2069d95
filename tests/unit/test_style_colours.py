"""Every shipped graduated style stays readable under colour-vision deficiencies and in greyscale.

The colours are read from the QML files (no QGIS needed). Adjacent classes are simulated with
colorspacious (Machado et al. 2009, severity 100) for deuteranopia, protanopia and tritanopia
and compared in CAM02-UCS; lightness (CIELab L*) must be monotone along each sequential ramp.
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

colorspacious = pytest.importorskip("colorspacious")

STYLES = Path(__file__).resolve().parents[2] / "styles"
MIN_DELTA_E = 5.0  # CAM02-UCS ΔE between adjacent classes, under every simulation
CVD = ("deuteranomaly", "protanomaly", "tritanomaly")


def ramp(path: Path) -> list[tuple[int, int, int]]:
    """Fill colours of a graduated QML, in class order."""
    root = ET.parse(path).getroot()
    renderer = root.find("renderer-v2")
    order = [r.get("symbol") for r in renderer.find("ranges")]
    colours = {}
    for symbol in renderer.find("symbols"):
        for option in symbol.iter("Option"):
            if option.get("name") in ("color", "line_color"):
                colours[symbol.get("name")] = tuple(
                    int(x) for x in option.get("value").split(",")[:3]
                )
                break
    return [colours[name] for name in order]


GRADUATED = sorted(
    p.name for p in STYLES.glob("*.qml") if re.search('type="graduatedSymbol"', p.read_text())
)


def simulate(rgb, kind):
    sim = colorspacious.cspace_convert(
        np.array(rgb, dtype=float),
        {"name": "sRGB1+CVD", "cvd_type": kind, "severity": 100},
        "sRGB1",
    )
    return np.clip(sim, 0, 1)


def check(colours: list[tuple[int, int, int]]) -> list[str]:
    rgb = np.array(colours, dtype=float) / 255
    problems = []
    for kind in ("normal", *CVD):
        seen = rgb if kind == "normal" else simulate(rgb, kind)
        for i in range(len(seen) - 1):
            d = colorspacious.deltaE(seen[i], seen[i + 1], input_space="sRGB1")
            if d < MIN_DELTA_E:
                problems.append(f"{kind}: classes {i + 1}/{i + 2} ΔE {d:.1f}")
    lightness = colorspacious.cspace_convert(rgb, "sRGB1", "CIELab")[:, 0]
    steps = np.diff(lightness)
    if not (np.all(steps > 3) or np.all(steps < -3)):
        problems.append(f"greyscale: L* not monotone {np.round(lightness, 1).tolist()}")
    return problems


def test_every_graduated_style_is_checked():
    assert {"gaps.qml", "e2sfca.qml", "coverage_comuni.qml", "isochrones.qml"} <= set(GRADUATED)


@pytest.mark.parametrize("name", GRADUATED)
def test_adjacent_classes_stay_distinct(name):
    colours = ramp(STYLES / name)
    assert len(colours) >= 3
    assert check(colours) == []


def test_the_check_fails_on_a_bad_ramp():
    # red-green ramp: indistinct for deuteranopes, lightness not monotone
    problems = check([(200, 90, 60), (110, 140, 60), (40, 150, 90)])
    assert any(p.startswith("deuteranomaly") for p in problems)
    assert any(p.startswith("greyscale") for p in problems)
