import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageCms

from fugong.core.errors import ApplicationError, PayloadTooLargeError
from fugong.core.files import atomic_storing_files, check_attachment, store_file
from fugong.core.testing import assert_upright_without_metadata, media_files, photo_with_gps

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


# ----- photos are stored without their metadata ----------------------------------------------


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_photos_lose_their_gps_and_other_metadata_and_stay_upright(image_format):
    checked = check_attachment(upload("照片", photo_with_gps(image_format)))
    with Image.open(io.BytesIO(checked.content)) as stored:
        assert stored.format == image_format
    assert_upright_without_metadata(checked.content)
    assert checked.size == len(checked.content)
    assert checked.sha256 == hashlib.sha256(checked.content).hexdigest()


def test_a_photo_without_orientation_keeps_its_shape_and_colour_profile():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("RGB", (30, 10), "green").save(buffer, "JPEG", icc_profile=profile)
    checked = check_attachment(upload("photo.jpg", buffer.getvalue()))
    with Image.open(io.BytesIO(checked.content)) as stored:
        assert stored.size == (30, 10)
        assert stored.info.get("icc_profile") == profile


def test_a_transparent_png_stays_transparent():
    image = Image.new("P", (4, 4), 0)
    image.putpalette([255, 255, 255, 255, 0, 0])
    image.putpixel((1, 1), 1)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=0)
    with Image.open(
        io.BytesIO(check_attachment(upload("a.png", buffer.getvalue())).content)
    ) as stored:
        rgba = stored.convert("RGBA")
        assert rgba.getpixel((0, 0))[3] == 0 and rgba.getpixel((1, 1)) == (255, 0, 0, 255)


def test_pdfs_are_stored_as_uploaded():
    assert check_attachment(upload("plan.pdf", PDF)).content == PDF


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(settings):
    settings.FUGONG_ATTACHMENT_MAX_PIXELS = 1_000_000
    with pytest.raises(ApplicationError) as refused:
        check_attachment(upload("huge.png", png_bytes(size=(2000, 1000))))
    assert refused.value.code == "too_many_pixels"
    assert refused.value.status == 400


# ----- stored files follow their transaction -------------------------------------------------


class Boom(Exception):
    pass


@pytest.mark.django_db
def test_files_stored_in_a_block_that_fails_are_deleted_and_kept_when_it_completes():
    with pytest.raises(Boom), atomic_storing_files():
        name = store_file("t/lost.pdf", PDF)
        assert media_files() == [name]
        raise Boom
    assert media_files() == []
    with atomic_storing_files():
        kept = store_file("t/kept.pdf", PDF)
    assert media_files() == [kept]


@pytest.mark.django_db
def test_a_savepoint_rolled_back_inside_a_transaction_that_commits_loses_only_its_files():
    with atomic_storing_files():
        outer = store_file("t/outer.pdf", PDF)
        with pytest.raises(Boom), atomic_storing_files():  # a savepoint
            store_file("t/inner.pdf", PDF)
            raise Boom
        with atomic_storing_files():  # a savepoint that completes
            completed = store_file("t/completed.pdf", PDF)
    assert media_files() == sorted([outer, completed])


@pytest.mark.django_db
def test_files_of_a_completed_savepoint_go_when_the_outer_block_rolls_back():
    with pytest.raises(Boom), atomic_storing_files():
        with atomic_storing_files():
            store_file("t/inner.pdf", PDF)
        assert len(media_files()) == 1
        raise Boom
    assert media_files() == []


@pytest.mark.django_db
def test_a_block_marked_for_rollback_loses_its_files():
    with atomic_storing_files():
        store_file("t/marked.pdf", PDF)
        transaction.set_rollback(True)
    assert media_files() == []


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_keeps_the_file_and_a_real_rollback_deletes_it():
    # No test-case transaction around: the outermost block is a real transaction.
    with atomic_storing_files():
        kept = store_file("t/kept.pdf", PDF)
    with pytest.raises(Boom), atomic_storing_files():
        store_file("t/lost.pdf", PDF)
        raise Boom
    assert media_files() == [kept]


@pytest.mark.django_db
def test_store_file_refuses_to_run_where_a_rollback_could_go_unnoticed():
    with pytest.raises(RuntimeError), transaction.atomic():
        store_file("t/a.pdf", PDF)
    with pytest.raises(RuntimeError), atomic_storing_files(), transaction.atomic():
        store_file("t/b.pdf", PDF)
    with pytest.raises(RuntimeError):
        store_file("t/c.pdf", PDF)
    assert media_files() == []
