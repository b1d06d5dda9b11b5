"""Clearance reasons, stored as codes with details, turned into sentences for people."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fugong.core.divisions import division_name

from .models import RiskLevel


def reason_text(reason: dict) -> str:
    code = reason.get("code", "")
    if code == "symptoms":
        return _("Symptoms: %(detail)s") % {"detail": reason.get("detail", "")}
    if code == "medical_hold":
        if not reason.get("detail"):
            return _("Held after an abnormal gate check.")
        return _("Held after an abnormal gate check: %(detail)s") % {
            "detail": reason.get("detail", "")
        }
    if code == "closed":
        if reason.get("department"):
            return _("Department or workshop %(department)s closed (case %(case)s).") % {
                "department": reason.get("department", ""),
                "case": reason.get("case", ""),
            }
        return _("Enterprise closed (case %(case)s).") % {"case": reason.get("case", "")}
    if code == "missing_holiday_location":
        return _("Where the holiday was spent is missing.")
    if code == "missing_return_date":
        return _("Spent the holiday outside the city: the return date is missing.")
    if code == "risk_area":
        level = dict(RiskLevel.choices).get(reason.get("level", ""), reason.get("level", ""))
        return _("Was in %(area)s (%(level)s); observation until %(until)s.") % {
            "area": division_name(reason.get("area", "")),
            "level": level,
            "until": reason.get("until", ""),
        }
    if code == "contact":
        return _("Contact with a case on %(on)s; observation until %(until)s.") % {
            "on": reason.get("on", ""),
            "until": reason.get("until", ""),
        }
    if code == "health_code_red":
        return _("Red health code; observation until %(until)s.") % {
            "until": reason.get("until", "")
        }
    if code == "health_code_yellow":
        return _("Yellow health code; observation until %(until)s.") % {
            "until": reason.get("until", "")
        }
    return code


def reasons_text(reasons: list[dict]) -> list[str]:
    return [reason_text(reason) for reason in reasons or []]
