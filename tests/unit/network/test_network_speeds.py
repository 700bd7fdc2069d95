import pytest

from capacitymetro_plugin.core.errors import NetworkError
from capacitymetro_plugin.core.network.speeds import (
    allowed,
    car_speed,
    parse_maxspeed,
    resolve_speeds,
)


def test_default_speeds_per_mode():
    assert resolve_speeds("walk", None) == {"default": 4.5}
    assert resolve_speeds("bike", None) == {"default": 15.0}
    car = resolve_speeds("car", None)
    assert car["residential"] == 30.0 and car["motorway"] == 110.0


def test_speed_overrides():
    assert resolve_speeds("walk", 3.6) == {"default": 3.6}
    car = resolve_speeds("car", {"residential": 20, "default": 25})
    assert car["residential"] == 20.0 and car["default"] == 25.0 and car["primary"] == 50.0


@pytest.mark.parametrize("bad", [0, -4.5, float("nan"), "fast"])
def test_zero_negative_or_non_numeric_speed_is_a_bilingual_error(bad):
    with pytest.raises(NetworkError) as err:
        resolve_speeds("walk", bad)
    assert "positive" in err.value.localized("en")
    assert "velocità" in err.value.localized("it")
    with pytest.raises(NetworkError):
        resolve_speeds("car", {"primary": bad})


def test_unknown_mode():
    with pytest.raises(NetworkError, match="mode"):
        resolve_speeds("boat", None)


def test_parse_maxspeed():
    assert parse_maxspeed("50") == 50
    assert parse_maxspeed("30 mph") == pytest.approx(48.28, abs=0.01)
    assert parse_maxspeed("IT:urban") == 50
    assert parse_maxspeed("50;70") == 50
    assert parse_maxspeed(["70", "90"]) == 70
    assert parse_maxspeed("none") is None
    assert parse_maxspeed(None) is None


def test_car_speed_prefers_maxspeed_then_class():
    table = resolve_speeds("car", None)
    assert car_speed({"highway": "primary", "maxspeed": "70"}, table) == 70
    assert car_speed({"highway": "residential"}, table) == 30
    assert car_speed({"highway": ["service", "residential"]}, table) == 15
    assert car_speed({"highway": "weird"}, table) == table["default"]


def test_permissions_per_mode():
    assert not allowed("walk", {"highway": "motorway"})
    assert allowed("walk", {"highway": "footway"})
    assert not allowed("car", {"highway": "footway"})
    assert not allowed("bike", {"highway": "steps"})
    assert not allowed("walk", {"highway": "residential", "foot": "no"})
    assert allowed("walk", {"highway": "service", "access": "private", "foot": "yes"})
    assert not allowed("car", {"highway": "residential", "access": "private"})


def test_car_access_most_specific_tag_wins():
    # OSM access hierarchy: motorcar > motor_vehicle > vehicle > access.
    assert allowed("car", {"highway": "residential", "motor_vehicle": "no", "motorcar": "yes"})
    assert not allowed("car", {"highway": "residential", "motor_vehicle": "yes", "motorcar": "no"})
    assert not allowed("car", {"highway": "residential", "vehicle": "no"})
    assert allowed("car", {"highway": "residential", "vehicle": "no", "motor_vehicle": "yes"})
    assert not allowed("bike", {"highway": "residential", "vehicle": "no"})
    assert allowed("walk", {"highway": "residential", "vehicle": "no"})
    # A motorway service area outline (Trento has three) is not a road.
    assert not allowed("car", {"highway": "services"})
    assert not allowed("car", {"highway": "rest_area", "area": "yes"})
