"""Zoom and pan of the bussola map (viewBox only): wheel, + button, drag, keys, reset, and the
points' constant screen size, on the exported Trento site in headless Chromium."""

from __future__ import annotations

import pytest
from browser_helpers import shot


def _vb(page) -> list[float]:
    return [float(v) for v in page.get_attribute("#map", "viewBox").split()]


def _pt_box(page):
    return page.locator("#map circle.pt").first.bounding_box()


@pytest.fixture
def page(browser, site_url):
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, locale="en-GB")
    pg = ctx.new_page()
    pg.goto(site_url("trento", "http"))
    pg.wait_for_selector("#map circle.pt")
    pg.locator("#map").scroll_into_view_if_needed()
    yield pg
    ctx.close()


def test_buttons_keys_reset(page):
    home = _vb(page)
    page.click("#zoom-in")
    z = _vb(page)
    assert z[2] == pytest.approx(home[2] / 1.5, rel=1e-6)
    assert z[3] == pytest.approx(home[3] / 1.5, rel=1e-6)
    page.focus("#map")
    page.keyboard.press("+")
    assert _vb(page)[2] == pytest.approx(home[2] / 1.5**2, rel=1e-6)
    page.keyboard.press("-")
    before = _vb(page)
    assert before[2] == pytest.approx(z[2], rel=1e-6)
    page.keyboard.press("ArrowRight")  # the view moves east: its left edge grows
    after = _vb(page)
    assert after[0] > before[0] and after[1] == pytest.approx(before[1])
    page.keyboard.press("ArrowUp")
    assert _vb(page)[1] < after[1]
    page.click("#zoom-reset")
    assert _vb(page) == pytest.approx(home)
    assert page.get_attribute("#zoom-in", "aria-label") == "Zoom in"


def test_wheel_keeps_point_under_cursor_and_size(page):
    home = _vb(page)
    size0 = _pt_box(page)["width"]
    b = _pt_box(page)
    cx, cy = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.wheel(0, -100)
    page.wait_for_timeout(100)
    vb = _vb(page)
    assert vb[2] == pytest.approx(home[2] / 1.25, rel=1e-6)
    page.mouse.wheel(0, -100)
    page.wait_for_timeout(100)
    b2 = _pt_box(page)
    assert b2["x"] + b2["width"] / 2 == pytest.approx(cx, abs=1.5)
    assert b2["y"] + b2["height"] / 2 == pytest.approx(cy, abs=1.5)
    assert b2["width"] == pytest.approx(size0, abs=0.5)  # 24 px (+ stroke) at every zoom
    assert size0 == pytest.approx(24, abs=2)


def test_drag_pans(page):
    page.click("#zoom-in")
    vb = _vb(page)
    box = page.locator("#map").bounding_box()
    # start on an empty spot of the map (top-left corner)
    x, y = box["x"] + 5, box["y"] + 5
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 30, steps=5)
    page.mouse.up()
    moved = _vb(page)
    scale = min(box["width"] / vb[2], box["height"] / vb[3])
    assert moved[0] == pytest.approx(vb[0] - 40 / scale, rel=1e-3)
    assert moved[1] == pytest.approx(vb[1] - 30 / scale, rel=1e-3)
    assert moved[2] == pytest.approx(vb[2])
    shot(page, "zoom")
