"""Abstract base model shared by every domain model. Core itself holds no domain models, only
the rate limits' counter table (``RateCounter``, infrastructure like a cache)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every domain row knows when it was created and last changed."""

    # A default rather than auto_now_add, so that historical records keep their real time.
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class RateCounter(models.Model):
    """One fixed window of one rate limit (``fugong.core.ratelimit``): how many requests a key
    (a token, a device, a user, an address) made in the window that starts at ``window``.

    A table rather than a per-process dict, so that a limit holds across server processes; it
    is counted with one ``UPDATE … SET count = count + 1``. Not a domain model: no audit rows."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField(help_text="The window's start, in seconds since the epoch.")
    expires_at = models.BigIntegerField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="core_ratecounter_key_window")
        ]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}: {self.count}"
