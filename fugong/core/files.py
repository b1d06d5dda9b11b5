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
import logging
from collections.abc import Callable
from contextlib import ContextDecorator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Protocol, Self, TypeVar, overload

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ApplicationError, PayloadTooLargeError

logger = logging.getLogger(__name__)

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", WEBP: "webp"}
PILLOW_FORMATS = {"PNG": PNG, "JPEG": JPEG, "WEBP": WEBP}


class Upload(Protocol):
    """An uploaded file as the checks read it: Django's ``UploadedFile`` or any binary file.
    Its ``size`` and ``name``, when it has them, are read too."""

    def read(self, size: int = -1, /) -> bytes: ...


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


def read_limited(upload: Upload, max_bytes: int) -> bytes:
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


def check_attachment(
    upload: Upload | None, *, allowed: frozenset[str] = frozenset(EXTENSIONS)
) -> CheckedUpload:
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


# ----- storing files with the rows that refer to them ----------------------------------------
#
# A service saves an attachment's file to storage and then its row; if anything later in the
# service (or in a block around it) fails, the database rolls the row back but the file stays on
# disk, orphaned. Django has ``on_commit`` but no ``on_rollback``, and what matters is whether
# the block holding the file's row rolled back, which for a savepoint is not the transaction's
# outcome: a savepoint can roll back inside a transaction that then commits.
#
# So services that store files run in ``atomic_storing_files`` instead of ``transaction.atomic``
# (it opens one, a transaction or a savepoint as usual), and save through ``store_file``, which
# records the file in the innermost such block. When a block ends:
# - rolled back (an exception leaves it, or it was marked for rollback): the files stored in it,
#   and in the blocks nested in it that completed, are deleted. That is exact for a savepoint
#   too: what was written in it is gone, whatever the outer transaction does next;
# - completed inside another ``atomic_storing_files``: its files pass to that block, which may
#   still roll back;
# - completed outermost: the transaction committed (a failed commit raises, see above), so the
#   files stay.
# A plain ``transaction.atomic`` block between a store and the outermost block could roll back
# without this code knowing, so ``store_file`` refuses to run inside one (RuntimeError, a
# programming error that any test of the path shows); the test case's own blocks are allowed.


@dataclass
class _Block:
    atomic: transaction.Atomic
    files: list[tuple[Storage, str]] = field(default_factory=list)


# The attribute of a connection that holds its open blocks (not one Django declares).
_BLOCKS_ATTRIBUTE = "fugong_storing_blocks"


def _blocks(connection: BaseDatabaseWrapper) -> list[_Block]:
    """The open ``atomic_storing_files`` blocks of a connection (connections are per thread)."""
    blocks: list[_Block] | None = getattr(connection, _BLOCKS_ATTRIBUTE, None)
    if blocks is None:
        blocks = []
        setattr(connection, _BLOCKS_ATTRIBUTE, blocks)
    return blocks


class _AtomicStoringFiles(ContextDecorator):
    """``transaction.atomic`` that deletes the files stored in it if it rolls back. Like
    Django's ``Atomic``, one instance may be entered again (recursion, several threads): the
    state of each entry lives on the connection."""

    def __init__(self, using: str | None = None) -> None:
        self.using = using

    def __enter__(self) -> Self:
        connection = transaction.get_connection(self.using)
        atomic = transaction.atomic(using=self.using)
        atomic.__enter__()
        _blocks(connection).append(_Block(atomic))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> Literal[False]:
        connection = transaction.get_connection(self.using)
        block = _blocks(connection).pop()
        rolled_back = (
            exc_type is not None or connection.needs_rollback or connection.closed_in_transaction
        )
        try:
            block.atomic.__exit__(exc_type, exc_value, traceback)
        except BaseException:  # the commit or the savepoint's release failed: rolled back
            _delete_files(block.files)
            raise
        if rolled_back:
            _delete_files(block.files)
        elif _blocks(connection):
            _blocks(connection)[-1].files.extend(block.files)
        return False


_Function = TypeVar("_Function", bound=Callable[..., Any])


@overload
def atomic_storing_files(using: _Function) -> _Function: ...
@overload
def atomic_storing_files(using: str | None = None) -> _AtomicStoringFiles: ...
def atomic_storing_files(
    using: Callable[..., Any] | str | None = None,
) -> Callable[..., Any] | _AtomicStoringFiles:
    """``@atomic_storing_files`` or ``with atomic_storing_files():`` in place of
    ``transaction.atomic`` for code that stores files with ``store_file``."""
    if callable(using):
        return _AtomicStoringFiles()(using)
    return _AtomicStoringFiles(using)


def store_file(name: str, content: bytes, *, using: str | None = None) -> str:
    """Save ``content`` to the default storage under ``name`` (or the free name storage picks)
    and return the name; the file is deleted again if the enclosing ``atomic_storing_files``
    block rolls back."""
    connection = transaction.get_connection(using)
    blocks = _blocks(connection)
    ours = {id(block.atomic) for block in blocks}
    foreign = [
        atomic
        for atomic in connection.atomic_blocks
        if id(atomic) not in ours and not getattr(atomic, "_from_testcase", False)
    ]
    if not blocks or foreign:
        raise RuntimeError(
            "store_file() must run inside atomic_storing_files() with no plain "
            "transaction.atomic() around it: a rollback would leave the file behind."
        )
    storage = storages["default"]  # the one in use now, should the settings change meanwhile
    stored = storage.save(name, ContentFile(content))
    blocks[-1].files.append((storage, stored))
    return stored


def _delete_files(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:  # never hide the error that caused the rollback
            logger.exception("Could not delete %s after a rollback", name)
