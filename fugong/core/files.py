"""Uploaded files are checked by what they contain, not by their name or declared type.

Images are stored re-encoded by Pillow (``strip_image_metadata``): a phone's photo carries the
place it was taken (GPS), the device and the time in its EXIF and XMP, and an inspection photo
or a piece of evidence has no need of them. The EXIF orientation is applied to the pixels first,
so photos stay upright once the tag is gone. The ICC colour profile is kept (it describes
colours, not people). PDFs are stored as uploaded.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ApplicationError, PayloadTooLargeError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", WEBP: "webp"}
PILLOW_FORMATS = {"PNG": PNG, "JPEG": JPEG, "WEBP": WEBP}


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str

    @property
    def size(self) -> int:
        return len(self.content)


def read_limited(upload, max_bytes: int) -> bytes:
    """Read an upload, refusing it as soon as it passes ``max_bytes``."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise too_large(max_bytes)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise too_large(max_bytes)
    return content


def too_large(max_bytes: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        _("The file is too large: the limit is %(megabytes)s MB.")
        % {"megabytes": max_bytes // (1024 * 1024)}
    )


def sniff_content_type(content: bytes) -> str | None:
    """PDF or one of the image types, judged from the bytes; None for anything else."""
    if content.startswith(b"%PDF-"):
        # A real PDF ends with an end-of-file marker (allowing trailing whitespace or garbage).
        return PDF if b"%%EOF" in content[-2048:] else None
    try:
        with Image.open(io.BytesIO(content)) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return PILLOW_FORMATS.get(image_format or "")


def check_attachment(upload, *, allowed: frozenset[str] = frozenset(EXTENSIONS)) -> CheckedUpload:
    """Accept a PDF or image upload within the size limit, or raise the business error."""
    if upload is None:
        raise ApplicationError(_("Choose a file to upload."), fields={"file": [_("Required.")]})
    content = read_limited(upload, settings.FUGONG_ATTACHMENT_MAX_BYTES)
    if not content:
        raise ApplicationError(_("The file is empty."), fields={"file": [_("The file is empty.")]})
    content_type = sniff_content_type(content)
    if content_type is None or content_type not in allowed:
        raise unsupported_file()
    if content_type != PDF:
        content = strip_image_metadata(content, content_type)
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    return CheckedUpload(
        content=content,
        content_type=content_type,
        extension=EXTENSIONS[content_type],
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=name or f"attachment.{EXTENSIONS[content_type]}",
    )


# How each accepted image type is written back: the format and the encoder's options. JPEG and
# WebP are re-encoded at quality 90 (about what a phone's camera uses); PNG is lossless.
_REENCODING = {
    JPEG: ("JPEG", {"quality": 90}),
    PNG: ("PNG", {}),
    WEBP: ("WEBP", {"quality": 90}),
}
# Pillow writes these back into the saved file only when they are passed on; the rest of the
# decoder's ``info`` (EXIF, XMP, comments, text chunks, DPI) is dropped.
_KEPT_INFO = ("icc_profile", "transparency")


def strip_image_metadata(content: bytes, content_type: str) -> bytes:
    """The image re-encoded without EXIF (GPS, device, time), XMP or text chunks, upright.

    Only the first frame of an animated PNG or WebP is kept: a photo is one picture. An image
    of more than ``FUGONG_ATTACHMENT_MAX_PIXELS`` is refused before it is decoded (a small file
    can hold a huge, uniform image)."""
    image_format, options = _REENCODING[content_type]
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > settings.FUGONG_ATTACHMENT_MAX_PIXELS:
                message = _(
                    "The image is too large: at most %(megapixels)s megapixels. "
                    "Send a smaller photo."
                ) % {"megapixels": settings.FUGONG_ATTACHMENT_MAX_PIXELS // 1_000_000}
                raise ApplicationError(message, code="too_many_pixels", fields={"file": [message]})
            kept = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
            upright = ImageOps.exif_transpose(image)  # a new image, decoded, the tag applied
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise unsupported_file() from None
    upright.info = {}
    if image_format == "JPEG" and upright.mode not in ("L", "RGB", "CMYK"):
        upright = upright.convert("RGB")
    buffer = io.BytesIO()
    upright.save(buffer, image_format, **options, **kept)
    return buffer.getvalue()


def unsupported_file() -> ApplicationError:
    message = _("Only PDF files and PNG, JPEG or WebP images are accepted; this file is neither.")
    return ApplicationError(message, code="unsupported_file", fields={"file": [message]})
