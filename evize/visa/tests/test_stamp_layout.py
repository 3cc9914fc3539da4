"""The stamp's text stays inside its box: every word Poppler finds on the stamped page lies within
the stamp's rectangle (a font with 2048 units per em once spread the text out of it)."""

from __future__ import annotations

import io
import subprocess
from html.parser import HTMLParser

from fontTools.ttLib import TTFont
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.stamp import QRStamp
from reportlab.lib.pagesizes import A3, landscape
from reportlab.pdfgen import canvas

from evize.core.testing import require_tool
from evize.visa.stamp import STAMP_HEIGHT, STAMP_WIDTH, font_for_pdf, stamp_style

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PARAMS = {
    "chamber": "K.T.M.M.O.B. İnşaat Mühendisleri Odası",
    "number": "V-2026/00001",
    "date": "04.12.2026",
    "officer": "Nilgün Tekin",
}


class Words(HTMLParser):
    def __init__(self):
        super().__init__()
        self.boxes: list[tuple[float, float, float, float]] = []
        self.page_height = 0.0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "page":
            self.page_height = float(values["height"])
        if tag == "word":
            self.boxes.append(tuple(float(values[k]) for k in ("xmin", "ymin", "xmax", "ymax")))


def test_the_font_is_scaled_to_pdf_glyph_units():
    assert TTFont(FONT)["head"].unitsPerEm == 2048
    scaled = font_for_pdf(FONT)
    assert TTFont(scaled)["head"].unitsPerEm == 1000
    assert font_for_pdf(scaled) == scaled


def test_stamp_text_stays_inside_the_stamp(tmp_path):
    pdftotext = require_tool("pdftotext", "Poppler reads back where the stamp's words are")
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=landscape(A3))
    page.showPage()
    page.save()
    writer = IncrementalPdfFileWriter(io.BytesIO(out.getvalue()))
    left, bottom = 800, 30
    stamp = QRStamp(
        writer,
        "https://e-vize.example/dogrula/v-2026-00001/",
        stamp_style(FONT),
        text_params=PARAMS,
        box=layout.BoxConstraints(width=STAMP_WIDTH, height=STAMP_HEIGHT),
    )
    stamp.apply(0, left, bottom)
    stamped = tmp_path / "stamped.pdf"
    with stamped.open("wb") as fh:
        writer.write(fh)
    html = subprocess.run(
        [pdftotext, "-bbox", str(stamped), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = Words()
    words.feed(html)
    text = " ".join(w for w in html.split() if w)
    assert "VİZELENMİŞTİR" in text and "Odası" in text and "V-2026/00001" in text
    assert len(words.boxes) >= 5  # one per line at least
    top = words.page_height - (bottom + STAMP_HEIGHT)
    for xmin, ymin, xmax, ymax in words.boxes:
        assert left <= xmin and xmax <= left + STAMP_WIDTH, (xmin, xmax)
        assert top <= ymin and ymax <= words.page_height - bottom, (ymin, ymax)
