"""Build a large test network from tiled copies of a real one, joined at the tile borders."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from capacitymetro_plugin.core.network import Network, from_segments


def tile_network(net: Network, nx_tiles: int, ny_tiles: int, *, links: int = 30, gap: float = 60.0):
    """Return ``nx_tiles × ny_tiles`` copies of the walk/bike network ``net`` side by side.

    Neighbouring copies are joined by ``links`` straight streets between the nodes nearest to
    their common border, so the result is one connected network.
    """
    fwd = ~net.seg_reversed
    seg_u, seg_v = net.tail[fwd], net.head[fwd]
    length, time = net.length_m[fwd], net.time_s[fwd]
    seg_ids = net.seg[fwd]
    order = np.argsort(seg_ids)
    seg_u, seg_v, length, time, seg_ids = (a[order] for a in (seg_u, seg_v, length, time, seg_ids))
    assert np.array_equal(seg_ids, np.arange(net.n_segments)), "every segment needs a forward edge"
    speed = np.where(time > 0, length / np.maximum(time, 1e-12) * 3.6, 4.5)
    counts = np.diff(net.offsets)
    width = net.x.max() - net.x.min() + gap
    height = net.y.max() - net.y.min() + gap
    n, s = net.n_nodes, net.n_segments
    xs, ys, us, vs, ls, sps, coords, cnts = [], [], [], [], [], [], [], []
    for j in range(ny_tiles):
        for i in range(nx_tiles):
            k = j * nx_tiles + i
            dx, dy = i * width, j * height
            xs.append(net.x + dx)
            ys.append(net.y + dy)
            us.append(seg_u + k * n)
            vs.append(seg_v + k * n)
            ls.append(length)
            sps.append(speed)
            coords.append(net.coords + [dx, dy])
            cnts.append(counts)
    x, y = np.concatenate(xs), np.concatenate(ys)
    # Joining streets: east border of tile (i, j) to west border of (i+1, j); north to south.
    east = np.argsort(-net.x)[: links * 5]
    west_tree = cKDTree(np.column_stack([net.x - width, net.y]))
    north = np.argsort(-net.y)[: links * 5]
    south_tree = cKDTree(np.column_stack([net.x, net.y - height]))
    join_u, join_v = [], []
    for src, tree in ((east, west_tree), (north, south_tree)):
        d, dst = tree.query(np.column_stack([net.x[src], net.y[src]]))
        best = np.argsort(d)[:links]
        join_u.append(src[best])
        join_v.append(dst[best])
    extra_u, extra_v = [], []
    for j in range(ny_tiles):
        for i in range(nx_tiles):
            k = j * nx_tiles + i
            if i + 1 < nx_tiles:
                extra_u.append(join_u[0] + k * n)
                extra_v.append(join_v[0] + (k + 1) * n)
            if j + 1 < ny_tiles:
                extra_u.append(join_u[1] + k * n)
                extra_v.append(join_v[1] + (k + nx_tiles) * n)
    eu, ev = np.concatenate(extra_u), np.concatenate(extra_v)
    ecoords = np.stack([np.column_stack([x[eu], y[eu]]), np.column_stack([x[ev], y[ev]])], axis=1)
    elen = np.hypot(*(ecoords[:, 1] - ecoords[:, 0]).T)
    all_counts = np.concatenate(cnts + [np.full(eu.size, 2)])
    big = from_segments(
        crs=net.crs,
        mode=net.mode,
        x=x,
        y=y,
        node_id=np.arange(x.size),
        seg_u=np.concatenate(us + [eu]),
        seg_v=np.concatenate(vs + [ev]),
        length_m=np.concatenate(ls + [elen]),
        speed_kmh=np.concatenate(sps + [np.full(eu.size, speed.mean())]),
        oneway=np.zeros(s * nx_tiles * ny_tiles + eu.size, dtype=bool),
        coords=np.vstack(coords + [ecoords.reshape(-1, 2)]),
        offsets=np.r_[0, np.cumsum(all_counts)],
        meta={"source": f"{nx_tiles}x{ny_tiles} tiles of {net.meta.get('source', 'a network')}"},
    )
    return big
