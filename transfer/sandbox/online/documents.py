"""The bytes of Document Library files: real PDFs (fpdf2), minimal DOCX and XLSX packages.

Every file is a pure function of (seed, attachment id, revision) and the record's fields;
the file's modification time is written into its metadata, so new ``t`` means new bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from xml.sax.saxutils import escape

from fpdf import FPDF

from .clock import helsinki
from .model import Attachment
from .phrases import BANKS, paragraph
from .seeding import rng
from .vocabulary import TOPICS

_LANG_INDEX = {"fi": 0, "sv": 1, "en": 2}
_PUBLISHER = {
    "fi": "Kotoutumisen osaamiskeskus",
    "sv": "Kompetenscentret för integration",
    "en": "Centre of Expertise in Immigrant Integration",
}
#: Size of the statistical annex embedded in a large PDF.
LARGE_ANNEX_BYTES = 3_000_000


def _latin1(text: str) -> str:
    """Text the PDF core fonts can draw (Latin-1; ä, ö and å are in it)."""
    return text.replace("–", "-").encode("latin-1", "replace").decode("latin-1")


def _wrap(text: str, width: int = 95) -> list[str]:
    """Greedy word wrap (textwrap is slower and its extras are not needed here)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def _paragraphs(seed: int, item: Attachment, count: int) -> list[str]:
    rand = rng(seed, "document-text", item.aid, item.revision)
    topic = TOPICS[item.topic][_LANG_INDEX[item.lang]]
    return [paragraph(BANKS[item.lang], rand, topic, rand.randint(3, 6)) for _ in range(count)]


def _annex(seed: int, item: Attachment) -> bytes:
    """A CSV annex of pseudo-random rows: large and incompressible, made quickly."""
    raw = rng(seed, "annex", item.aid, item.revision).randbytes(LARGE_ANNEX_BYTES // 2).hex()
    rows = [f"{n};{raw[at : at + 64]}" for n, at in enumerate(range(0, len(raw), 64))]
    return ("rivi;tunniste\n" + "\n".join(rows) + "\n").encode("ascii")


def make_pdf(seed: int, item: Attachment) -> bytes:
    """A valid PDF with a title page text, paragraphs and page numbers."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(item.modified)
    pdf.set_producer("Kotoutuminen.fi sandbox")
    pdf.set_creator("Liferay Document Library")
    pdf.set_title(_latin1(item.title))
    pdf.set_author(_latin1(_PUBLISHER[item.lang]))
    pdf.set_lang({"fi": "fi-FI", "sv": "sv-SE", "en": "en-US"}[item.lang])
    rand = rng(seed, "document-pages", item.aid, item.revision)
    texts = _paragraphs(seed, item, rand.randint(2, 9))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.text(20, 28, _latin1(item.title))
    pdf.set_font("Helvetica", size=10)
    pdf.text(20, 36, _latin1(f"{_PUBLISHER[item.lang]} {item.year}"))
    y, page_number = 50.0, 1
    for text in texts:
        for line in _wrap(_latin1(text)):
            if y > 275:
                pdf.text(105, 290, str(page_number))
                pdf.add_page()
                pdf.set_font("Helvetica", size=10)
                y, page_number = 25.0, page_number + 1
            pdf.text(20, y, line)
            y += 5.2
        y += 4
    pdf.text(105, 290, str(page_number))
    if item.large:
        pdf.embed_file(
            bytes=_annex(seed, item),
            basename="tilastoliite.csv",
            modification_date=item.modified,
            desc="Tilastoliite",
            compress=False,
        )
    return bytes(pdf.output())


def _zip(files: list[tuple[str, str]], when: datetime) -> bytes:
    """A zip whose bytes depend only on the members and the time (no wall clock)."""
    local = helsinki(when)
    stamp = (
        max(1980, local.year),
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second // 2 * 2,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content.encode("utf-8"))
    return buffer.getvalue()


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_OFFICE = "application/vnd.openxmlformats-officedocument"


def _core(item: Attachment) -> str:
    moment = item.modified.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
        f'XMLSchema-instance"><dc:title>{escape(item.title)}</dc:title><dc:creator>'
        f"{escape(_PUBLISHER[item.lang])}</dc:creator><dcterms:modified xsi:type="
        f'"dcterms:W3CDTF">{moment}</dcterms:modified></cp:coreProperties>'
    )


def _rels(target: str) -> str:
    return (
        f'{_XML}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/'
        f'officeDocument" Target="{target}"/><Relationship Id="rId2" Type="http://schemas.'
        'openxmlformats.org/package/2006/relationships/metadata/core-properties" '
        'Target="docProps/core.xml"/></Relationships>'
    )


def make_docx(seed: int, item: Attachment) -> bytes:
    """A minimal Word document: a heading paragraph and body paragraphs."""
    paragraphs = [item.title, *_paragraphs(seed, item, 4)]
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        for text in paragraphs
    )
    types = (
        f'{_XML}<Types xmlns="{_CT}"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/word/document.xml" '
        f'ContentType="{_OFFICE}.wordprocessingml.document.main+xml"/><Override '
        'PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
        'package.core-properties+xml"/></Types>'
    )
    document = (
        f'{_XML}<w:document xmlns:w="http://schemas.openxmlformats.org/'
        f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
    )
    return _zip(
        [
            ("[Content_Types].xml", types),
            ("_rels/.rels", _rels("word/document.xml")),
            ("word/document.xml", document),
            ("docProps/core.xml", _core(item)),
        ],
        item.modified,
    )


def make_xlsx(seed: int, item: Attachment) -> bytes:
    """A minimal workbook: one sheet of regions and yearly figures (inline strings)."""
    rand = rng(seed, "sheet", item.aid, item.revision)
    regions = ("Uusimaa", "Varsinais-Suomi", "Pirkanmaa", "Pohjanmaa", "Lappi", "Kainuu")
    years = list(range(item.year - 4, item.year + 1))
    head = "".join(f'<c t="inlineStr"><is><t>{year}</t></is></c>' for year in years)
    rows = [f'<row r="1"><c t="inlineStr"><is><t>Alue</t></is></c>{head}</row>']
    for number, region in enumerate(regions, start=2):
        cells = "".join(f"<c><v>{rand.randint(50, 9000)}</v></c>" for _ in years)
        rows.append(f'<row r="{number}"><c t="inlineStr"><is><t>{region}</t></is></c>{cells}</row>')
    sheet = (
        f'{_XML}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        f'main"><sheetData>{"".join(rows)}</sheetData></worksheet>'
    )
    workbook = (
        f'{_XML}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        f'main" xmlns:r="{_REL}"><sheets><sheet name="Tilastot" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        f'{_XML}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
        f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    types = (
        f'{_XML}<Types xmlns="{_CT}"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        f'ContentType="{_OFFICE}.spreadsheetml.sheet.main+xml"/><Override PartName='
        f'"/xl/worksheets/sheet1.xml" ContentType="{_OFFICE}.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.'
        'openxmlformats-package.core-properties+xml"/></Types>'
    )
    return _zip(
        [
            ("[Content_Types].xml", types),
            ("_rels/.rels", _rels("xl/workbook.xml")),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", workbook_rels),
            ("xl/worksheets/sheet1.xml", sheet),
            ("docProps/core.xml", _core(item)),
        ],
        item.modified,
    )
