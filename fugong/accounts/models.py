"""Users of the system and their API tokens."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.divisions import division_exists, division_name
from fugong.core.roles import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class User(AbstractUser):
    """A person who signs in. The role decides what they may do; enterprise or district where the
    role needs one decides what they may see."""

    # Django's documented way to drop a field of AbstractUser, which the stubs cannot express.
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("full name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("For enterprise safety officers and gate operators."),
    )
    district_code = models.CharField(
        _("district"),
        max_length=6,
        blank=True,
        help_text=_("County-level division code, for district liaisons."),
    )
    is_leader = models.BooleanField(
        _("leader-level liaison"),
        default=False,
        help_text=_("A member of the park's leadership; key enterprises need one as liaison."),
    )
    # Kept by the two-factor services (fugong.accounts.services) in step with a confirmed TOTP
    # device, so that the middleware knows without a query whether to ask for a code.
    two_factor_enabled = models.BooleanField(_("two-factor sign-in"), default=False, editable=False)
    # Set when someone else chose the password (an import's generated one, create_user's, the
    # command post's on creation or reset); cleared when the user sets their own. Until then the
    # session reaches only the change-password page (fugong.accounts.middleware).
    must_change_password = models.BooleanField(
        _("must change password"), default=False, editable=False
    )

    # ``objects`` is AbstractUser's UserManager, inherited.
    REQUIRED_FIELDS = ["full_name", "role"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="user_enterprise_matches_role",
                # Officers always belong to an enterprise; gate operators may (a park gate
                # such as a wharf entrance belongs to none); nobody else does.
                condition=(
                    Q(role=Role.ENTERPRISE_OFFICER, enterprise__isnull=False)
                    | Q(role=Role.GATE_OPERATOR)
                    | (
                        ~Q(role__in=[Role.ENTERPRISE_OFFICER, Role.GATE_OPERATOR])
                        & Q(enterprise__isnull=True)
                    )
                ),
            ),
            models.CheckConstraint(
                name="user_district_matches_role",
                condition=(
                    (Q(role=Role.DISTRICT_LIAISON) & ~Q(district_code=""))
                    | (~Q(role=Role.DISTRICT_LIAISON) & Q(district_code=""))
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def district_name(self) -> str:
        return division_name(self.district_code) if self.district_code else ""

    def clean(self) -> None:
        super().clean()
        errors: dict[str, StrPromise] = {}
        if self.role == Role.ENTERPRISE_OFFICER and not self.enterprise_id:
            errors["enterprise"] = _("This role belongs to an enterprise: choose one.")
        may_have_enterprise = self.role in (Role.ENTERPRISE_OFFICER, Role.GATE_OPERATOR)
        if not may_have_enterprise and self.enterprise_id:
            errors["enterprise"] = _(
                "Only enterprise officers and gate operators belong to an enterprise."
            )
        if self.role == Role.DISTRICT_LIAISON:
            if not self.district_code:
                errors["district_code"] = _("A district liaison belongs to a district: choose one.")
            elif not division_exists(self.district_code):
                errors["district_code"] = _("Unknown division code.")
        elif self.district_code:
            errors["district_code"] = _("Only district liaisons belong to a district.")
        if self.is_leader and self.role != Role.LIAISON:
            errors["is_leader"] = _("Only liaison officers can be leader-level liaisons.")
        if errors:
            raise ValidationError(errors)


class ApiToken(models.Model):
    """A secret an integration sends as ``Authorization: Bearer <token>``; it acts as its user.

    Only a SHA-256 digest of the token is stored: the token is shown once, when it is made.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
