"""Observation and isolation rooms (留观室、隔离室) and who is placed in them.

A room belongs to an enterprise, or to the park when ``enterprise`` is null. A placement puts
one person (a worker or a gate visitor, from an abnormal event at the gate or from a case) in a
room from ``placed_at`` until ``released_at``. A room holds at most ``capacity`` people at once:
the placing service locks the room's row and counts, so two placements at once cannot both take
the last place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.models import BaseModel


class RoomKind(models.TextChoices):
    OBSERVATION = "observation", _("Observation room")
    ISOLATION = "isolation", _("Isolation room")


class Room(BaseModel):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rooms",
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=RoomKind.choices)
    capacity = models.PositiveSmallIntegerField(_("capacity (people)"))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ("enterprise_id", "name")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "name"],
                condition=Q(enterprise__isnull=False),
                name="rooms_room_name_per_enterprise",
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(enterprise__isnull=True),
                name="rooms_room_name_in_the_park",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=500),
                name="rooms_room_capacity_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Placement(BaseModel):
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="placements")
    worker = models.ForeignKey(
        "workforce.Worker", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visitor = models.ForeignKey(
        "gate.Visitor", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    full_name = models.CharField(_("name"), max_length=100)
    event = models.ForeignKey(
        "gate.AbnormalEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="placements"
    )
    placed_at = models.DateTimeField(_("placed at"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ("-placed_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False) | Q(case__isnull=False),
                name="rooms_placement_from_an_event_or_a_case",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(released_at__gte=models.F("placed_at")),
                name="rooms_placement_released_after_placed",
            ),
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(released_at__isnull=True, worker__isnull=False),
                name="rooms_one_open_placement_per_worker",
            ),
            models.UniqueConstraint(
                fields=["visitor"],
                condition=Q(released_at__isnull=True, visitor__isnull=False),
                name="rooms_one_open_placement_per_visitor",
            ),
        ]
        indexes = [models.Index(fields=["room", "released_at"], name="rooms_placement_open")]

    def __str__(self) -> str:
        return self.full_name
