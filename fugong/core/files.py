"""Uploaded files are checked by what they contain, not by their name or declared type."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

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
        message = _(
            "Only PDF files and PNG, JPEG or WebP images are accepted; this file is neither."
        )
        raise ApplicationError(message, code="unsupported_file", fields={"file": [message]})
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    return CheckedUpload(
        content=content,
        content_type=content_type,
        extension=EXTENSIONS[content_type],
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=name or f"attachment.{EXTENSIONS[content_type]}",
    )
