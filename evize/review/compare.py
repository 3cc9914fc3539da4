"""Page-by-page visual comparison of a replaced drawing set with its previous round: both files
are rasterised with Poppler's pdftoppm, compared pixel by pixel (Pillow) and the changed regions
are drawn as boxes over the new page. Nothing is stored; the signed files are only read."""

from __future__ import annotations

import io
import shutil
import subprocess  # noqa: S404 - a fixed tool with fixed arguments, no shell
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.storage import storages

from evize.documents.models import Blob

GRID = 12  # pixels per cell when looking for changed regions
THRESHOLD = 48  # grey-level difference that counts as a change
SUMMARY_DPI = 24
IMAGE_DPI = 72
MAX_PAGES = 60


class CompareUnavailable(Exception):
    """pdftoppm is not installed or could not read a file."""


@dataclass
class PageDiff:
    number: int
    in_old: bool
    in_new: bool
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)  # fractions of the page

    @property
    def changed(self) -> bool:
        return bool(self.boxes) or self.in_old != self.in_new


def _render(blob: Blob, dpi: int, *, first: int | None = None, last: int | None = None) -> list:
    from PIL import Image

    tool = shutil.which("pdftoppm")
    if tool is None:
        raise CompareUnavailable("pdftoppm")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        with storages["default"].open(blob.storage_key, "rb") as fh, open(source, "wb") as out:
            shutil.copyfileobj(fh, out)
        args = [tool, "-r", str(dpi), "-gray", "-png"]
        if first is not None:
            args += ["-f", str(first), "-l", str(last or first)]
        elif blob.page_count and blob.page_count > MAX_PAGES:
            args += ["-l", str(MAX_PAGES)]
        result = subprocess.run(  # noqa: S603
            [*args, str(source), str(Path(tmp) / "p")], capture_output=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise CompareUnavailable(result.stderr.decode(errors="replace")[:200])
        images = []
        for path in sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            with Image.open(path) as image:
                images.append(image.convert("L"))
        return images


def _boxes(old, new) -> list[tuple[float, float, float, float]]:
    """The changed regions of `new` against `old`, as boxes in fractions of the page."""
    from PIL import ImageChops

    if old.size != new.size:
        old = old.resize(new.size)
    diff = ImageChops.difference(old, new).point(lambda v: 255 if v > THRESHOLD else 0)
    width, height = new.size
    cols, rows = (width + GRID - 1) // GRID, (height + GRID - 1) // GRID
    marked = set()
    for row in range(rows):
        for col in range(cols):
            box = (col * GRID, row * GRID, min(width, (col + 1) * GRID), min(height, (row + 1) * GRID))
            if diff.crop(box).getbbox():
                marked.add((col, row))
    boxes = []
    seen: set[tuple[int, int]] = set()
    for start in sorted(marked):
        if start in seen:
            continue
        stack, cells = [start], []
        seen.add(start)
        while stack:  # joined neighbouring cells make one region
            col, row = stack.pop()
            cells.append((col, row))
            for dc in (-1, 0, 1):
                for dr in (-1, 0, 1):
                    neighbour = (col + dc, row + dr)
                    if neighbour in marked and neighbour not in seen:
                        seen.add(neighbour)
                        stack.append(neighbour)
        left = min(c for c, _ in cells) * GRID
        top = min(r for _, r in cells) * GRID
        right = min(width, (max(c for c, _ in cells) + 1) * GRID)
        bottom = min(height, (max(r for _, r in cells) + 1) * GRID)
        boxes.append((left / width, top / height, right / width, bottom / height))
    return boxes


def compare_pages(old: Blob, new: Blob) -> list[PageDiff]:
    """Every page of the two files (at most MAX_PAGES), with the changed regions of each."""
    old_pages, new_pages = _render(old, SUMMARY_DPI), _render(new, SUMMARY_DPI)
    result = []
    for index in range(max(len(old_pages), len(new_pages))):
        a = old_pages[index] if index < len(old_pages) else None
        b = new_pages[index] if index < len(new_pages) else None
        boxes = _boxes(a, b) if a is not None and b is not None else []
        result.append(PageDiff(number=index + 1, in_old=a is not None, in_new=b is not None, boxes=boxes))
    return result


def page_png(old: Blob, new: Blob, page: int, side: str) -> bytes:
    """Page `page` of the old or the new file as PNG; the new one with its changed regions boxed."""
    from PIL import Image, ImageDraw

    blob = old if side == "old" else new
    pages = _render(blob, IMAGE_DPI, first=page)
    if not pages:
        raise CompareUnavailable("page")
    image = pages[0].convert("RGB")
    if side == "new":
        try:
            before = _render(old, IMAGE_DPI, first=page)
        except CompareUnavailable:  # a page the old file does not have: all of it is new
            before = []
        if before:
            overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
            draw = ImageDraw.Draw(overlay)
            width, height = image.size
            for left, top, right, bottom in _boxes(before[0], pages[0]):
                draw.rectangle(
                    (left * width - 2, top * height - 2, right * width + 2, bottom * height + 2),
                    fill=(250, 204, 21, 70),
                    outline=(220, 38, 38, 255),
                    width=3,
                )
            image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
