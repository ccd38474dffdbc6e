"""File bodies, generated from (seed, document, version): small valid PDF, DOCX, PNG, text.

Every generator is deterministic: no timestamps but the document's own, fixed ZIP dates,
fixed compression levels. Large files are an MP4-shaped container around pseudo-random
bytes, several megabytes each.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from datetime import datetime

from transfer.sandbox.platform import text, vocab
from transfer.sandbox.platform.model import Document
from transfer.sandbox.platform.rng import stream


def generate(seed: int, document: Document, version: int) -> bytes:
    """The bytes of ``document`` at version index ``version`` (0 is "1.0")."""
    rng = stream(seed, "body", document.id, version)
    heading = f"{document.title} (versio 1.{version})"
    kind = document.kind
    if kind == "empty":
        return b""
    if kind == "pdf":
        return pdf(
            heading, [text.sentence(rng) for _ in range(rng.randint(8, 40))], document.created
        )
    if kind == "docx":
        return docx(heading, [text.paragraph(rng) for _ in range(rng.randint(3, 12))])
    if kind == "png":
        return png(rng, 160, 120)
    if kind == "csv":
        rows = [
            f"{rng.choice(vocab.TOWNS)};{rng.randint(2019, 2025)};{rng.randint(0, 400)}"
            for _ in range(rng.randint(5, 60))
        ]
        # A byte-order mark, as spreadsheet programs write CSV for Finnish users.
        return ("\ufeffkunta;vuosi;osallistujia\r\n" + "\r\n".join(rows) + "\r\n").encode()
    if kind == "large":
        return mp4(rng, rng.randint(3_000_000, 6_000_000))
    lines = [heading, ""] + [text.paragraph(rng) for _ in range(rng.randint(2, 10))]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _pdf_text(value: str) -> bytes:
    raw = value.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf(title: str, lines: list[str], created: datetime) -> bytes:
    """A one-page PDF 1.4 with Helvetica text; byte offsets in the xref table are exact."""
    ops = [b"BT /F1 16 Tf 56 780 Td (" + _pdf_text(title) + b") Tj ET"]
    y = 750
    for line in lines[:44]:
        ops.append(b"BT /F1 10 Tf 56 %d Td (" % y + _pdf_text(line[:110]) + b") Tj ET")
        y -= 16
    content = b"\n".join(ops)
    stamp = created.strftime("D:%Y%m%d%H%M%SZ").encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Title ("
        + _pdf_text(title)
        + b") /Producer (transfer sandbox) /CreationDate ("
        + stamp
        + b") >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx(title: str, paragraphs: list[str]) -> bytes:
    """A minimal WordprocessingML package (opens in word processors)."""

    def para(value: str) -> str:
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f"<w:p><w:r><w:t>{escaped}</w:t></w:r></w:p>"

    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{para(title)}{''.join(para(p) for p in paragraphs)}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in (
            ("[Content_Types].xml", _DOCX_TYPES),
            ("_rels/.rels", _DOCX_RELS),
            ("word/document.xml", document),
        ):
            info = zipfile.ZipInfo(name, date_time=(2021, 11, 30, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data.encode("utf-8"), compresslevel=6)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png(rng: random.Random, width: int, height: int) -> bytes:
    """An RGB image of coloured blocks (a chart-like picture)."""
    palette = [bytes(rng.randrange(256) for _ in range(3)) for _ in range(6)]
    block = 20
    # A row depends only on its band of ``block`` rows; a band's row is made of whole
    # blocks of one colour (the last one cut at the image's width).
    bands: dict[int, bytes] = {}
    rows = []
    for y in range(height):
        band = y // block
        row = bands.get(band)
        if row is None:
            row = bands[band] = b"\x00" + b"".join(
                palette[(x // block + band * 3) % len(palette)] * min(block, width - x)
                for x in range(0, width, block)
            )
        rows.append(row)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def mp4(rng: random.Random, size: int) -> bytes:
    """``size`` bytes: an ``ftyp`` box and one ``mdat`` box of pseudo-random media data."""
    ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 512, b"isom", b"mp41")
    payload = size - len(ftyp) - 8
    return ftyp + struct.pack(">I4s", payload + 8, b"mdat") + rng.randbytes(payload)
