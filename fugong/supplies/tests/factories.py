"""Helpers for the supplies tests: stock put in place through the services."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from fugong.supplies import services
from fugong.supplies.models import EntryKind


def receive(actor, item, quantity, enterprise=None, **kwargs):
    return services.supply_record(
        actor=actor,
        enterprise=enterprise,
        item=item,
        kind=EntryKind.RECEIPT,
        quantity=quantity,
        **kwargs,
    )


def request_for(park, item, quantity, enterprise=None):
    enterprise = enterprise or park.a
    officer = park.officer if enterprise == park.a else park.other_officer
    return services.supply_request_create(
        actor=officer, enterprise=enterprise, item=item, quantity=quantity
    )


def count_upload(rows, header=("物资名称", "盘点数量", "备注"), name="count.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())
