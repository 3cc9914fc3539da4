"""The visa stamp, without Django: the officer's PAdES signature whose appearance is the stamp.

One signature has one widget, but a drawing set has many sheets. So in the officer's signature
revision (the same incremental update) every other page gets an empty signature field whose widget
appearance is the same stamp. pyHanko's diff analysis classes new signature fields and their
appearances as FORM_FILLING: the engineers' earlier signatures stay intact and valid, and the
officer's signature covers the stamps. Page content is never touched (that would break them).

The stamp: chamber name, "VİZELENMİŞTİR", visa number, date, officer and a QR code of the public
verification URL (pyHanko's QRStampStyle, a TrueType font for Turkish glyphs).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils import content, generic, layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.stamp import QRStampStyle

from evize.signatures import pdf
from evize.signatures.splice import SplicedFile

STAMP_WIDTH = 250
STAMP_HEIGHT = 92
MARGIN = 18
STAMP_TEXT = "%(chamber)s\nVİZELENMİŞTİR\nVize No: %(number)s\nTarih: %(date)s\nYetkili: %(officer)s"


@dataclass(frozen=True)
class StampText:
    chamber: str
    number: str
    date: str
    officer: str
    url: str

    def params(self) -> dict[str, str]:
        return {
            "url": self.url,
            "chamber": self.chamber,
            "number": self.number,
            "date": self.date,
            "officer": self.officer,
        }


PDF_GLYPH_UNITS = 1000  # widths in a PDF font's /W array are in thousandths of the text size
FONT_SIZE = 8


@functools.lru_cache(maxsize=4)
def font_for_pdf(font_path: str) -> str:
    """`font_path`, or a copy scaled to 1000 units per em. pyHanko writes the glyph widths in the
    font's own units; with a 2048-unit TrueType font (DejaVu, Liberation …) every advance would be
    twice too wide and the stamp's text would spread out of its box."""
    data = Path(font_path).read_bytes()
    font = TTFont(font_path)
    if font["head"].unitsPerEm == PDF_GLYPH_UNITS:
        return font_path
    digest = hashlib.sha256(data).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"evize-font-{digest}-{PDF_GLYPH_UNITS}.ttf"
    if not target.exists():
        scale_upem(font, PDF_GLYPH_UNITS)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        font.save(str(partial))
        os.replace(partial, target)
    return str(target)


def stamp_style(font_path: str) -> QRStampStyle:
    return QRStampStyle(
        stamp_text=STAMP_TEXT,
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(font_for_pdf(font_path), font_size=FONT_SIZE),
            font_size=FONT_SIZE,
            leading=FONT_SIZE + 3,
        ),
        border_width=2,
        # An opaque white ground: the drawing's lines under the stamp must not cross the text or
        # the QR code (a title block usually sits in that corner).
        background=content.RawContent(
            b"1 g 0 0 %d %d re f" % (STAMP_WIDTH, STAMP_HEIGHT),
            box=layout.BoxConstraints(width=STAMP_WIDTH, height=STAMP_HEIGHT),
        ),
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(),
            inner_content_scaling=layout.InnerScaling.STRETCH_FILL,
        ),
        background_opacity=1.0,
    )


def _media_box(writer: IncrementalPdfFileWriter, page_index: int) -> tuple[float, float, float, float]:
    page_ref, _resources = writer.find_page_for_modification(page_index)
    node = page_ref.get_object()
    while node is not None:
        if "/MediaBox" in node:
            return tuple(float(v) for v in node["/MediaBox"])  # type: ignore[return-value]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return (0.0, 0.0, 595.0, 842.0)


def stamp_box(writer: IncrementalPdfFileWriter, page_index: int) -> tuple[int, int, int, int]:
    """Bottom right corner of the page (inside the margins)."""
    x0, y0, x1, _y1 = _media_box(writer, page_index)
    right = int(x1 - MARGIN)
    left = max(int(x0 + MARGIN), right - STAMP_WIDTH)
    bottom = int(y0 + MARGIN)
    return (left, bottom, right, bottom + STAMP_HEIGHT)


def page_count(writer: IncrementalPdfFileWriter) -> int:
    return int(writer.root["/Pages"]["/Count"])


def _add_page_stamps(writer, *, field_prefix: str, text: StampText, style: QRStampStyle) -> int:
    """An empty signature field with the stamp as appearance on every page but the first."""
    pages = page_count(writer)
    for index in range(1, pages):
        box = stamp_box(writer, index)
        name = f"{field_prefix}-{index + 1}"
        fields.append_signature_field(
            writer, fields.SigFieldSpec(sig_field_name=name, on_page=index, box=box)
        )
        for field_name, _value, ref in fields.enumerate_sig_fields(writer):
            if field_name != name:
                continue
            field = ref.get_object()
            stamp = style.create_stamp(
                writer,
                layout.BoxConstraints(width=box[2] - box[0], height=box[3] - box[1]),
                dict(text.params()),
            )
            field["/AP"] = generic.DictionaryObject({generic.NameObject("/N"): stamp.register()})
            writer.update_container(field)
    return pages


async def async_prepare_stamped(
    stream: SplicedFile,
    *,
    signer: pdf.SignerInfo,
    field_name: str,
    text: StampText,
    font_path: str,
    timestamper: TimeStamper | None = None,
    chunk_size: int = pdf.CHUNK_SIZE,
) -> tuple[pdf.Prepared, int]:
    """Add the stamps and the officer's signature placeholder to `stream` (its tail); returns what
    the token signs (as `evize.signatures.pdf.prepare`) and the page count."""
    base_size = stream.size
    stream.seek(0)
    writer = IncrementalPdfFileWriter(stream, strict=False)
    style = stamp_style(font_path)
    pages = _add_page_stamps(writer, field_prefix=f"{field_name}-Damga", text=text, style=style)
    external = pdf._external_signer(signer, pdf.signature_value_size(signer.certificate_der))
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=pdf.MD_ALGORITHM,
        subfilter=pdf.SUBFILTER,
        name=signer.name or None,
        reason=signer.reason or None,
        location=signer.location or None,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=external,
        timestamper=timestamper,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=0, box=stamp_box(writer, 0)),
    )
    params = text.params()
    prep_digest, _tbs, _output = await pdf_signer.async_digest_doc_for_signing(
        writer, in_place=True, chunk_size=chunk_size, appearance_text_params=params
    )
    signed_attrs = await external.signed_attrs(prep_digest.document_digest, pdf.MD_ALGORITHM, use_pades=True)
    prepared = pdf.Prepared(
        to_be_signed=signed_attrs.dump(),
        document_digest=prep_digest.document_digest,
        reserved_start=prep_digest.reserved_region_start,
        reserved_end=prep_digest.reserved_region_end,
        increment=bytes(stream.tail[base_size - stream.base_size :]),
        base_size=base_size,
        field_name=field_name,
    )
    return prepared, pages


def prepare_stamped(stream: SplicedFile, **kwargs) -> tuple[pdf.Prepared, int]:
    return asyncio.run(async_prepare_stamped(stream, **kwargs))
