"""Supervision bulletins (督查通报), numbered per year, and notices (文件) to enterprises.

A bulletin is drafted from a period's inspections, edited by the command post and published: it
then gets the next number of its year (第N期; no gaps, no duplicates, even when two are
published at once) and can no longer change. A notice is issued to every enterprise or to chosen
ones, each of which acknowledges receipt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fugong.core.models import BaseModel


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Bulletin(BaseModel):
    """A supervision bulletin covering a period: the sections of the official layout."""

    year = models.PositiveSmallIntegerField(_("year"))
    # Given when published: the next number of the year (see BulletinSequence).
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    overview = models.TextField(_("overview"), blank=True)
    problems = models.TextField(_("problems found"), blank=True)
    rectification = models.TextField(_("rectification status"), blank=True)
    good_practice = models.TextField(_("good practice"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The enterprises the bulletin concerns: their officers see it once published.
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        blank=True,
        related_name="bulletins",
        verbose_name=_("enterprises"),
    )

    class Meta:
        verbose_name = _("supervision bulletin")
        verbose_name_plural = _("supervision bulletins")
        ordering = ["-year", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="bulletin_number_once"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="bulletin_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.number or '-'} {self.title}"


class BulletinSequence(models.Model):
    """The last bulletin number given in a year: locked while a bulletin is published, so that
    numbers follow each other without gaps or duplicates."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Notice(BaseModel):
    """A document (文件) the command post issues to enterprises."""

    document_number = models.CharField(
        pgettext_lazy("notice", "document number"), max_length=100, unique=True
    )
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("date"))
    body = models.TextField(_("text"))
    to_all = models.BooleanField(_("to every enterprise"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.document_number} {self.title}"


class NoticeAttachment(models.Model):
    """A PDF or image attached to a notice, checked by its content on upload."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="notices/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class NoticeRecipient(models.Model):
    """An enterprise a notice was sent to, and when (and by whom) it acknowledged receipt."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="notice_receipts"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "enterprise"], name="notice_once_per_enterprise"
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.enterprise_id}"
