import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fugong.core.errors import ApplicationError, PayloadTooLargeError
from fugong.core.files import check_attachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "JPEG")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_pdf_and_images_are_accepted_by_content():
    assert check_attachment(upload("plan.pdf", PDF)).content_type == "application/pdf"
    assert check_attachment(upload("photo.bin", png_bytes())).content_type == "image/png"
    checked = check_attachment(upload("照片.jpg", jpeg_bytes()))
    assert checked.extension == "jpg"
    assert checked.original_name == "照片.jpg"
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    "name, content",
    [
        ("plan.pdf", b"MZ\x90\x00 this is a windows program"),
        ("photo.png", b"<html><script>alert(1)</script></html>"),
        ("plan.pdf", b"%PDF-1.4 but it never ends"),
        ("photo.jpg", png_bytes()[:20]),
        ("archive.pdf", b"PK\x03\x04" + b"\x00" * 100),
    ],
)
def test_disguised_files_are_refused(name, content):
    with pytest.raises(ApplicationError) as refused:
        check_attachment(upload(name, content))
    assert refused.value.code == "unsupported_file"
    assert refused.value.status == 400


def test_empty_file_is_refused():
    with pytest.raises(ApplicationError):
        check_attachment(upload("empty.pdf", b""))


def test_oversize_file_is_refused(settings):
    settings.FUGONG_ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(PayloadTooLargeError) as refused:
        check_attachment(upload("big.pdf", PDF + b" " * 2000))
    assert refused.value.status == 413


def test_path_in_the_file_name_is_dropped():
    assert check_attachment(upload("../../etc/passwd.pdf", PDF)).original_name == "passwd.pdf"
