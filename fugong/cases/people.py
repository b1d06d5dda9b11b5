"""Who a case or a contact is, as the fields of ``cases.models.Person``: copied from a worker or
a visitor, or checked from what the command post typed for someone outside the park."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fugong.core.divisions import division_exists
from fugong.core.errors import ApplicationError
from fugong.gate.models import Visitor
from fugong.workforce.models import DocumentType, Worker
from fugong.workforce.personal import parse_document, parse_phone, stored_phone

from .models import PersonKind


def worker_person(worker: Worker) -> dict[str, Any]:
    """The person fields of a worker, as of now."""
    return {
        "person_kind": PersonKind.WORKER,
        "worker": worker,
        "visitor": None,
        "full_name": worker.full_name,
        "document_type": worker.document_type,
        "document_cipher": worker.document_cipher,
        "document_digest": worker.document_digest,
        "document_masked": worker.document_masked,
        "phone_cipher": worker.phone_cipher,
        "phone_masked": worker.phone_masked,
        "residence_code": worker.residence_code,
        "enterprise": worker.enterprise,
        "department": worker.department,
    }


def visitor_person(visitor: Visitor) -> dict[str, Any]:
    """The person fields of a gate visitor; their enterprise is the gate's."""
    return {
        "person_kind": PersonKind.VISITOR,
        "worker": None,
        "visitor": visitor,
        "full_name": visitor.full_name,
        "document_type": visitor.document_type,
        "document_cipher": visitor.document_cipher,
        "document_digest": visitor.document_digest,
        "document_masked": visitor.document_masked,
        "phone_cipher": visitor.phone_cipher,
        "phone_masked": visitor.phone_masked,
        "residence_code": visitor.origin_code,
        "enterprise": visitor.gate.enterprise,
        "department": "",
    }


def external_person(
    *,
    full_name: str,
    document_type: str = DocumentType.RESIDENT_ID,
    document_number: str = "",
    phone: str = "",
    residence_code: str = "",
) -> dict[str, Any]:
    """The person fields of someone outside the park, checked: a name, a valid document number
    (check digit included), a valid mobile number, a known district. Raises the business error
    with the field at fault."""
    errors: dict[str, list[str]] = {}
    name = " ".join((full_name or "").split())
    if not name:
        errors["full_name"] = [_("Enter the person's name.")]
    elif len(name) > 100:
        errors["full_name"] = [_("A name has at most 100 characters.")]
    document: dict[str, Any] = {
        "document_type": "",
        "document_cipher": "",
        "document_digest": "",
        "document_masked": "",
    }
    if document_number:
        try:
            parsed = parse_document(document_type, document_number)
        except ValidationError as error:
            errors["document_number"] = list(error.messages)
        else:
            stored = parsed.stored()
            document = {key: stored[key] for key in document}
    phone_fields = {"phone_cipher": "", "phone_masked": ""}
    if phone:
        try:
            number = parse_phone(phone)
        except ValidationError as error:
            errors["phone"] = list(error.messages)
        else:
            stored_number = stored_phone(number)
            phone_fields = {key: stored_number[key] for key in phone_fields}
    if residence_code and not division_exists(residence_code):
        errors["residence_code"] = [_("Unknown district code.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="invalid", fields=errors)
    return {
        "person_kind": PersonKind.EXTERNAL,
        "worker": None,
        "visitor": None,
        "full_name": name,
        **document,
        **phone_fields,
        "residence_code": residence_code,
        "enterprise": None,
        "department": "",
    }
