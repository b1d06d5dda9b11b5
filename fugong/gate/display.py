"""The gate's reasons in words, for the kiosk, the pages and the API."""

from django.utils.translation import gettext_lazy as _

from . import rules

REASON_TEXT = {
    rules.NO_MASK: _("No mask: no entry."),
    rules.NO_DISINFECTION: _("Not disinfected: no entry."),
    rules.NO_TEMPERATURE: _("Temperature not taken: no entry."),
    rules.NO_REGISTRATION: _("Not registered: no entry."),
    rules.RECHECK_REQUIRED: _("Temperature at or above the threshold: re-measure (armpit or ear)."),
    rules.FEVER: _("Fever confirmed: take the person to the observation room."),
    rules.LOW_SPO2: _("Low blood oxygen: take the person to the observation room."),
    rules.NOT_CLEARED: _("Not cleared to return to work."),
    rules.UNDER_OBSERVATION: _("Under medical observation."),
    rules.OTHER_ENTERPRISE: _("Works for another enterprise."),
    rules.PASS_REVOKED: _("This pass has been revoked."),
    rules.PASS_EXPIRED: _("This pass has expired."),
    rules.PASS_UNKNOWN: _("Unknown or forged pass."),
    rules.CONTACT_HISTORY: _("Contact history: no entry."),
    rules.RISK_ORIGIN: _("Coming from a risk area: no entry."),
    rules.UNTRAINED: _("Not yet trained in prevention: required before the first admission."),
}


def reason_texts(reasons) -> list[str]:
    return [str(REASON_TEXT.get(code, code)) for code in reasons or []]
