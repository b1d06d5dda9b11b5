"""Inspections and findings for the tests, built through the services."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from fugong.core.files import check_attachment
from fugong.guide.selectors import guide_version_current
from fugong.inspections import services
from fugong.inspections.models import Finding, Inspection, InspectionKind

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name="evidence.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def checked_png(name="photo.png"):
    return check_attachment(png_upload(name))


def checked_pdf(name="evidence.pdf"):
    return check_attachment(pdf_upload(name))


def first_item():
    return guide_version_current().items.order_by("position", "code").first()


def moment(day: date, hour: int = 10) -> datetime:
    """An aware datetime on ``day`` in the park's time zone."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


def make_inspection(
    *,
    actor,
    enterprise,
    kind=InspectionKind.UNANNOUNCED,
    inspected_on: date | None = None,
    at: datetime | None = None,
    **fields,
) -> Inspection:
    inspected_on = inspected_on or timezone.localdate(at or timezone.now())
    return services.inspection_create(
        actor=actor, enterprise=enterprise, kind=kind, inspected_on=inspected_on, at=at, **fields
    )


def make_finding(
    *,
    actor,
    inspection: Inspection,
    deadline: date | None = None,
    severity="major",
    at: datetime | None = None,
    **fields,
) -> Finding:
    values = {
        "description": "车间入口未设体温检测点",
        "rectification_required": "在车间入口设置体温检测点并登记",
    }
    values.update(fields)
    return services.finding_add(
        actor=actor,
        inspection=inspection,
        severity=severity,
        deadline=deadline or inspection.inspected_on + timedelta(days=3),
        at=at,
        **values,
    )


def make_completed_finding(*, actor, enterprise, deadline=None, severity="major"):
    """A finding of a completed inspection (today), with a summary."""
    inspection = make_inspection(actor=actor, enterprise=enterprise)
    finding = make_finding(actor=actor, inspection=inspection, deadline=deadline, severity=severity)
    services.inspection_update(actor=actor, inspection=inspection, summary="总体到位，入口有缺漏")
    services.inspection_complete(actor=actor, inspection=inspection)
    return Finding.objects.get(pk=finding.pk)
