"""Prevention supplies (防疫物资): the items the command post lists, the stock at the park's
reserve and at each enterprise, the ledger of every change, and the enterprises' requests.

The ledger (``SupplyEntry``) is the record: every change is a row, never an edited total.
``SupplyStock`` keeps the running total of each (item, place) in the same transaction as the
rows that change it, so that a conditional ``UPDATE … WHERE quantity >= n`` can refuse to take
more than there is; a check constraint keeps it from ever going below zero, and it always
equals the sum of its ledger rows (a property test checks it).
A place is an enterprise, or the park's reserve when ``enterprise`` is null.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel

QUANTITY_DIGITS = 12
QUANTITY_PLACES = 1
MAX_QUANTITY = Decimal("99999999999.9")


class ApplicationField(models.TextChoices):
    """The field of the resumption application whose count opens an item's first stock."""

    MASKS = "masks_on_hand", _("masks on hand")
    THERMOMETERS = "thermometers_on_hand", _("thermometers on hand")
    OXIMETERS = "oximeters_on_hand", _("pulse oximeters on hand")
    DISINFECTANT = "disinfectant_litres_on_hand", _("disinfectant on hand (litres)")


class SupplyItem(BaseModel):
    """One kind of supply, as the command post lists it (seeded by migration 0002)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    unit = models.CharField(_("unit"), max_length=20)
    is_mask = models.BooleanField(
        _("a mask"), default=False, help_text=_("Counted in the days of masks on the dashboard.")
    )
    whole_units = models.BooleanField(
        _("whole units only"),
        default=True,
        help_text=_("Counts must be whole numbers (masks, thermometers); off for litres."),
    )
    warning_days = models.PositiveSmallIntegerField(_("warning below (days of supply)"), default=7)
    application_field = models.CharField(
        _("first count from the application's"),
        max_length=32,
        choices=ApplicationField.choices,
        blank=True,
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ("sort_order", "name")
        verbose_name = _("supply item")
        verbose_name_plural = _("supply items")
        constraints = [
            models.UniqueConstraint(
                fields=["application_field"],
                condition=~Q(application_field=""),
                name="supplies_item_one_per_application_field",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SupplyStock(models.Model):
    """The running total of one item at one place, kept with its ledger rows."""

    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="stocks")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supply_stocks",
    )
    quantity = models.DecimalField(
        max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, default=Decimal(0)
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="supplies_stock_one_per_enterprise_item",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(enterprise__isnull=True),
                name="supplies_stock_one_reserve_per_item",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="supplies_stock_never_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}@{self.enterprise_id or 'reserve'}: {self.quantity}"


class EntryKind(models.TextChoices):
    OPENING = "opening", _("First count (from the application)")
    RECEIPT = "receipt", _("Stock received")
    ISSUE = "issue", _("Stock issued")
    DAILY_USE = "daily_use", _("Daily use")
    COUNT = "count", _("Stock count (adjustment)")
    ALLOCATION_OUT = "allocation_out", _("Allocated to an enterprise")
    ALLOCATION_IN = "allocation_in", _("Allocated from the reserve")


# The kinds that take stock away (their quantity is negative).
OUTGOING = frozenset({EntryKind.ISSUE, EntryKind.DAILY_USE, EntryKind.ALLOCATION_OUT})


class SupplyEntry(BaseModel):
    """One change of one item's stock at one place: ``quantity`` is signed (what it added)."""

    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="entries")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supply_entries",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    quantity = models.DecimalField(
        _("change"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES
    )
    counted = models.DecimalField(
        _("counted"),
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        null=True,
        blank=True,
    )
    balance = models.DecimalField(
        _("stock after"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES
    )
    occurred_on = models.DateField(_("date"))
    request = models.ForeignKey(
        "SupplyRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["enterprise", "item", "occurred_on"], name="supplies_entry_place"),
            models.Index(fields=["kind", "occurred_on"], name="supplies_entry_kind_day"),
        ]


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting allocation")
    ALLOCATED = "allocated", _("Allocated")
    DECLINED = "declined", _("Declined")


class SupplyRequest(BaseModel):
    """An enterprise asks the command post for an item from the reserve."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="supply_requests"
    )
    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="requests")
    quantity = models.DecimalField(
        _("quantity requested"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    allocated = models.DecimalField(
        _("quantity allocated"),
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        null=True,
        blank=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="supplies_request_quantity_positive"
            ),
        ]
