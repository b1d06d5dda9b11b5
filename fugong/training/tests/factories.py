"""Training sessions and workers with passes, through the real services."""

from __future__ import annotations

from django.utils import timezone

from fugong.training import services
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker, resident_id


def make_session(*, actor, enterprise, held_on=None, **fields):
    values = {"topic": "复工防疫知识", "trainer": "县疾控中心 李医生", "location": "食堂"}
    values.update(fields)
    return services.session_create(
        actor=actor,
        enterprise=enterprise,
        held_on=held_on or timezone.localdate(),
        **values,
    )


def worker_with_pass(*, actor, enterprise, sequence, name="王芳"):
    """A worker and the token their pass's QR code carries."""
    worker = make_worker(
        actor=actor,
        enterprise=enterprise,
        full_name=name,
        document_number=resident_id(sequence=sequence),
    )
    return worker, pass_token(pass_issue(actor=actor, worker=worker))
