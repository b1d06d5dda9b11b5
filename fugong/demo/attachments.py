"""Small photo-like PNGs and blank PDFs for the demo's findings, evidence and notices, checked
like uploads."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from fugong.core.files import CheckedUpload, check_attachment


def demo_png(rng, name: str) -> CheckedUpload:
    """A small photo-like PNG (a coloured scene with a frame), checked like an upload."""
    image = Image.new("RGB", (64, 48), (rng.randrange(90, 230), rng.randrange(90, 230), 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 10, 40, 40), fill=(rng.randrange(256), rng.randrange(256), 60))
    draw.line((0, 47, 63, rng.randrange(20, 40)), fill=(40, 40, 40), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return check_attachment(SimpleUploadedFile(name, buffer.getvalue(), "image/png"))


def demo_pdf(name: str) -> CheckedUpload:
    """A blank A4 PDF, checked like an upload."""
    buffer = io.BytesIO()
    Image.new("RGB", (210, 297), (255, 255, 255)).save(buffer, format="PDF")
    return check_attachment(SimpleUploadedFile(name, buffer.getvalue(), "application/pdf"))
