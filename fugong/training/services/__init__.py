"""Writes on training: sessions, materials, attendance."""

from .attendance import attendance_remove, attendance_scan, attendance_tick, check_attendee
from .imports import COLUMNS, attendance_import, attendance_template
from .sessions import (
    MAX_DAYS_AHEAD,
    material_add,
    require_manages,
    session_create,
)

__all__ = [
    "COLUMNS",
    "MAX_DAYS_AHEAD",
    "attendance_import",
    "attendance_remove",
    "attendance_scan",
    "attendance_template",
    "attendance_tick",
    "check_attendee",
    "material_add",
    "require_manages",
    "session_create",
]
