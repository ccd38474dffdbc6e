"""Images made with the standard library only: PNG bar charts and blocky JPEG photos.

The JPEG encoder writes baseline JPEGs whose 8x8 blocks are flat colours: only the DC
coefficient of each block is coded, which any decoder accepts and which is fast in Python.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

from .model import Attachment
from .seeding import rng


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def make_png(seed: int, item: Attachment, width: int = 480, height: int = 270) -> bytes:
    """A bar chart on a light background (RGB, 8 bits), distinct per file and revision."""
    rand = rng(seed, "png", item.aid, item.revision)
    background = bytes((246, 244, 240))
    bars = [
        (
            rand.randint(40, height - 30),
            bytes(rand.choice(((0, 94, 184), (0, 150, 136), (230, 124, 0), (120, 70, 160)))),
        )
        for _ in range(8)
    ]
    bar_width = width // len(bars)
    rows = []
    made: dict[tuple[bool, ...], bytes] = {}
    for y in range(height):
        filled = tuple(height - y <= bar_height for bar_height, _ in bars)
        if filled not in made:
            row = bytearray(b"\x00")  # filter type 0 for every scanline
            for is_filled, (_, colour) in zip(filled, bars, strict=True):
                row += (colour if is_filled else background) * (bar_width - 6) + background * 6
            made[filled] = bytes(row + background * (width - bar_width * len(bars)))
        rows.append(made[filled])
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", _deflate(b"".join(rows)))
        + _chunk(b"IEND", b"")
    )


def _deflate(data: bytes) -> bytes:
    """zlib at its fastest level: flat-colour rows compress well even so."""
    return zlib.compress(data, 1)


# The standard luminance DC table of the JPEG specification (Annex K).
_DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
_DC_VALUES = tuple(range(12))


def _dc_codes() -> dict[int, tuple[int, int]]:
    """Canonical Huffman codes (code, length) for the DC categories."""
    codes, code, values = {}, 0, iter(_DC_VALUES)
    for length, count in enumerate(_DC_BITS, start=1):
        for _ in range(count):
            codes[next(values)] = (code, length)
            code += 1
        code <<= 1
    return codes


_DC = _dc_codes()


@lru_cache(maxsize=1024)
def _dc_bits(diff: int) -> str:
    """The bits of one block: the DC difference (category code, then its value bits) and
    the end-of-block code (the only AC symbol, coded as a single 0 bit)."""
    size = abs(diff).bit_length()
    code, length = _DC[size]
    bits = format(code, f"0{length}b")
    if size:
        bits += format(diff if diff > 0 else diff + (1 << size) - 1, f"0{size}b")
    return bits + "0"


def _pack(bits: str) -> bytes:
    """Bits to bytes, padded with ones, with JPEG's byte stuffing after every 0xFF."""
    bits += "1" * (-len(bits) % 8)
    data = int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""
    return data.replace(b"\xff", b"\xff\x00")


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">HH", 0xFF00 | marker, len(payload) + 2) + payload


def make_jpeg(seed: int, item: Attachment, width: int = 512, height: int = 288) -> bytes:
    """A baseline YCbCr JPEG of flat 8x8 blocks: a sky-to-ground gradient with texture.
    ``width`` and ``height`` must be multiples of 8."""
    rand = rng(seed, "jpeg", item.aid, item.revision)
    blocks_x, blocks_y = width // 8, height // 8
    tint_b, tint_r = rand.randint(-30, 30), rand.randint(-30, 30)
    noise = rand.randbytes(blocks_x * blocks_y)
    bits: list[str] = []
    luma_before = cb_before = cr_before = 0
    for by in range(blocks_y):
        # quantiser 8 on a DCT DC of 8 * (level - 128): the coded value is level - 128
        base = 72 - by * 140 // blocks_y
        cb, cr = max(-127, min(127, tint_b - by // 3)), max(-127, min(127, tint_r + by // 4))
        row_noise = noise[by * blocks_x : (by + 1) * blocks_x]
        for bx in range(blocks_x):
            luma = max(-127, min(127, base + row_noise[bx] % 25 - 12 + (bx % 7) * 2))
            bits.append(_dc_bits(luma - luma_before))
            bits.append(_dc_bits(cb - cb_before))
            bits.append(_dc_bits(cr - cr_before))
            luma_before, cb_before, cr_before = luma, cb, cr
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\x00" + bytes([8] * 64)
    sof = struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    dht = b"\x00" + bytes(_DC_BITS) + bytes(_DC_VALUES) + b"\x10" + bytes([1] + [0] * 15) + b"\x00"
    sos = b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00"
    return (
        b"\xff\xd8"
        + _segment(0xE0, app0)
        + _segment(0xDB, dqt)
        + _segment(0xC0, sof)
        + _segment(0xC4, dht)
        + _segment(0xDA, sos)
        + _pack("".join(bits))
        + b"\xff\xd9"
    )
