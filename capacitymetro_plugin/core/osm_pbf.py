"""Integrity of an OpenStreetMap ``.osm.pbf`` file, checked before it is read.

GDAL's OSM driver reads a truncated ``.pbf`` (a download cut short) up to where it ends and
reports no error: Trento's streets cut at half the file spread residents over a few streets and
gave 5.1 % served instead of 35.4 %. :func:`check_osm_pbf` walks the file's blocks (a 4-byte
length, a ``BlobHeader``, then ``datasize`` bytes of data, per the PBF format) without
decompressing anything, so a file that ends inside a block, or is not a PBF at all, is a named
error before any number is computed. Reading the headers of Trento's 3.2 MB extract takes about
a millisecond.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from .errors import InputError

#: the format's bound on a BlobHeader (64 KiB) and on a Blob (32 MiB)
MAX_HEADER = 64 * 1024
MAX_BLOB = 32 * 1024 * 1024


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("varint runs past the header")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _blob_header(data: bytes) -> tuple[str, int]:
    """Return (type, datasize) of a serialised ``BlobHeader`` message."""
    kind, size, pos = "", None, 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            if field == 3:
                size = value
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise ValueError("field runs past the header")
            if field == 1:
                kind = data[pos : pos + length].decode("ascii", "replace")
            pos += length
        elif wire == 5:
            pos += 4
        elif wire == 1:
            pos += 8
        else:
            raise ValueError(f"wire type {wire}")
    if size is None:
        raise ValueError("no datasize")
    return kind, size


def _not_pbf(path: Path, why: str) -> InputError:
    return InputError(
        f"{path.name} is not a valid OpenStreetMap .osm.pbf file ({why}).",
        fix="Give an .osm.pbf extract (e.g. from download.geofabrik.de, clipped with osmium "
        "extract), or check the file with `osmium fileinfo -e`.",
        it=f"{path.name} non è un file OpenStreetMap .osm.pbf valido ({why}).",
        fix_it="Indica un estratto .osm.pbf (es. da download.geofabrik.de, ritagliato con "
        "osmium extract), o controlla il file con `osmium fileinfo -e`.",
    )


def check_osm_pbf(path: str | os.PathLike) -> int:
    """Raise :class:`InputError` unless ``path`` is a complete ``.osm.pbf``; return its blocks.

    A file that ends inside a block is "truncated" (the error gives the bytes missing); a first
    block that is not ``OSMHeader`` or a header longer than the format allows is "not a PBF".
    """
    path = Path(path)
    total = path.stat().st_size
    blocks = 0
    with path.open("rb") as f:
        offset = 0
        while offset < total:
            head = f.read(4)
            if len(head) < 4:
                raise _truncated(path, offset, total, 4 - len(head))
            (length,) = struct.unpack(">I", head)
            if length == 0 or length > MAX_HEADER:
                raise _not_pbf(path, f"block header of {length} bytes at byte {offset:,}")
            header = f.read(length)
            if len(header) < length:
                raise _truncated(path, offset, total, length - len(header))
            try:
                kind, size = _blob_header(header)
            except ValueError as exc:
                raise _not_pbf(path, f"unreadable block header at byte {offset:,}: {exc}") from None
            if blocks == 0 and kind != "OSMHeader":
                raise _not_pbf(path, f"first block is {kind!r}, not 'OSMHeader'")
            if size > MAX_BLOB:
                raise _not_pbf(path, f"block of {size:,} bytes at byte {offset:,}")
            end = offset + 4 + length + size
            if end > total:
                raise _truncated(path, offset, total, end - total)
            f.seek(end)
            offset = end
            blocks += 1
    if blocks == 0:
        raise _not_pbf(path, "the file is empty")
    return blocks


def _truncated(path: Path, offset: int, total: int, missing: int) -> InputError:
    return InputError(
        f"{path.name} is truncated: it ends inside the data block starting at byte {offset:,} "
        f"({missing:,} bytes missing of a {total + missing:,}-byte file at least). Reading it "
        "would use only part of the streets.",
        fix="Download the extract again (the download was cut short) and check it with "
        "`osmium fileinfo -e`.",
        it=f"{path.name} è troncato: finisce dentro il blocco di dati che inizia al byte "
        f"{offset:,} (mancano {missing:,} byte). Leggerlo userebbe solo una parte delle strade.",
        fix_it="Scarica di nuovo l'estratto (il download si è interrotto) e controllalo con "
        "`osmium fileinfo -e`.",
    )


__all__ = ["check_osm_pbf"]
