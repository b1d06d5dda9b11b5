"""Helpers the test suites share: row counts to prove that a refused request wrote nothing."""

from __future__ import annotations

from django.apps import apps

# The users of the shared ``park`` fixture (see conftest.py), for role-by-role tests.
PARK_ROLES = [
    "command",
    "liaison",
    "other_liaison",
    "inspector",
    "officer",
    "other_officer",
    "gate",
    "district",
]

OUR_APPS = (
    "accounts",
    "audit",
    "enterprises",
    "guide",
    "resumption",
    "workforce",
    "screening",
    "handover",
    "gate",
    "reports",
    "inspections",
    "bulletins",
    "cases",
    "jobs",
    "otp_totp",  # two-factor devices (django-otp)
    "otp_static",  # and their recovery codes
)


def database_counts() -> dict[str, int]:
    """How many rows each of the project's tables holds."""
    counts = {}
    for app_label in OUR_APPS:
        for model in apps.get_app_config(app_label).get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts


def changed_tables(before: dict[str, int]) -> dict[str, tuple[int, int]]:
    after = database_counts()
    return {
        label: (before[label], after[label]) for label in before if before[label] != after[label]
    }


def assert_nothing_written(before: dict[str, int]) -> None:
    changed = changed_tables(before)
    assert not changed, f"a refused request wrote rows: {changed}"


def xlsx_bomb(unpacked_megabytes: int = 64) -> bytes:
    """A small xlsx whose sheet unpacks to ``unpacked_megabytes`` of one repeated row: a
    decompression bomb, made here so that no such file is committed."""
    import io
    import zipfile

    buffer = io.BytesIO()
    row = b'<row r="2"><c r="A2"><v>1</v></c></row>'
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b"<worksheet><sheetData>")
            chunk = row * (1024 * 1024 // len(row))
            for _ in range(unpacked_megabytes):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def photo_with_gps(image_format: str = "JPEG", *, orientation: int = 6) -> bytes:
    """A 40 × 20 photo, red on the left and blue on the right, with GPS, camera and orientation
    tags as a phone writes them: orientation 6 asks viewers to turn it a quarter clockwise."""
    import io

    from PIL import ExifTags, Image

    image = Image.new("RGB", (40, 20), "blue")
    image.paste((255, 0, 0), (0, 0, 20, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Phone maker"
    exif[ExifTags.Base.Model] = "Phone model"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (29.0, 22.0, 12.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (113.0, 5.0, 40.0),
        }
    )
    buffer = io.BytesIO()
    image.save(buffer, image_format, exif=exif)
    content = buffer.getvalue()
    with Image.open(io.BytesIO(content)) as written:  # the premise of the tests that use it
        assert written.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return content


def assert_upright_without_metadata(content: bytes) -> None:
    """``content`` is ``photo_with_gps`` stored: no EXIF or XMP left, turned upright (20 × 40,
    the red half on top)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(content)) as stored:
        assert len(stored.getexif()) == 0
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment"} & set(stored.info)
        assert b"Phone model" not in content
        assert stored.size == (20, 40)
        top, bottom = (
            stored.convert("RGB").getpixel((10, 5)),
            stored.convert("RGB").getpixel((10, 35)),
        )
        assert isinstance(top, tuple) and isinstance(bottom, tuple)  # an RGB image's pixels
        assert top[0] > 200 and top[2] < 60, top
        assert bottom[2] > 200 and bottom[0] < 60, bottom


def media_files() -> list[str]:
    """The files under MEDIA_ROOT (a temporary directory in the tests), relative, sorted."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
