import numpy as np
import pytest
from netfixtures import X0, Y0, grid_lines, points

from capacitymetro_plugin.core.errors import CrsError, InputError
from capacitymetro_plugin.core.network import network_from_lines, snap
from capacitymetro_plugin.core.progress import Progress


def test_snap_nearest_node_distance_and_off_network_in_order():
    net = network_from_lines(grid_lines(4))
    pts = points([(X0 + 10, Y0 + 5), (X0 + 5000, Y0), (X0 + 190, Y0 + 110)], name=["a", "b", "c"])
    msgs = []
    res = snap(net, pts, max_distance_m=250, progress=Progress(log=msgs.append))
    assert len(res) == 3
    assert res.off_network.tolist() == [False, True, False]
    assert res.distance_m[0] == pytest.approx(np.hypot(10, 5))
    assert net.x[res.node[2]] == pytest.approx(X0 + 200) and net.y[res.node[2]] == pytest.approx(
        Y0 + 100
    )
    assert res.node[1] >= 0  # off-network points still get their nearest node
    assert any("off-network" in m for m in msgs)


def test_snap_reprojects_and_says_so():
    net = network_from_lines(grid_lines(3))
    pts = points([(X0 + 1, Y0 + 1)]).to_crs(4326)
    msgs = []
    res = snap(net, pts, progress=Progress(log=msgs.append))
    assert res.distance_m[0] == pytest.approx(np.sqrt(2), abs=1e-3)
    assert any("reprojected" in m for m in msgs)


def test_snap_bad_inputs():
    net = network_from_lines(grid_lines(3))
    with pytest.raises(InputError, match="empty"):
        snap(net, points([(X0, Y0)]).iloc[:0])
    with pytest.raises(CrsError, match="no CRS"):
        snap(net, points([(X0, Y0)]).set_crs(None, allow_override=True))
    with pytest.raises(InputError, match="greater than zero"):
        snap(net, points([(X0, Y0)]), max_distance_m=0)
