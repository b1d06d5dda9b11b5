"""How much an import file may hold (ImportLimits, from the settings), and the business errors
that refuse a file past them."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ApplicationError, PayloadTooLargeError

# The header is looked for in a sheet's first rows (a title row may sit above it), so a sheet may
# reach this many rows further down than FUGONG_IMPORT_MAX_ROWS.
HEADER_SEARCH_ROWS = 50
# Excel packs a 100,000-row roster's sheet 8.8 to one and its shared strings 4.1 to one; a member
# packed a hundred to one is a bomb, not a roster. Small members pack well and prove nothing.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
MAX_ARCHIVE_MEMBERS = 1000


@dataclass(frozen=True)
class ImportLimits:
    """How much an import file may hold (from the settings; see fugong/settings/base.py)."""

    max_uncompressed_bytes: int
    max_rows: int  # data rows below the header
    max_columns: int
    max_line_chars: int  # csv

    @classmethod
    def from_settings(cls) -> ImportLimits:
        return cls(
            max_uncompressed_bytes=settings.FUGONG_IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_rows=settings.FUGONG_IMPORT_MAX_ROWS,
            max_columns=settings.FUGONG_IMPORT_MAX_COLUMNS,
            max_line_chars=settings.FUGONG_IMPORT_MAX_LINE_CHARS,
        )

    @property
    def max_sheet_rows(self) -> int:
        """The last row number a sheet may use: the data rows, the header and rows above it."""
        return self.max_rows + HEADER_SEARCH_ROWS


# ----- refusals ------------------------------------------------------------------------------


def not_a_spreadsheet() -> ApplicationError:
    return ApplicationError(
        _("This file is not an xlsx workbook or a CSV file. Save it from Excel as .xlsx or .csv."),
        code="not_a_spreadsheet",
    )


def too_large_unpacked(limits: ImportLimits) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        _(
            "The workbook is too large once unpacked: the limit is %(megabytes)s MB. "
            "Keep only the sheet to import, or split it into several files."
        )
        % {"megabytes": limits.max_uncompressed_bytes // (1024 * 1024)},
        code="too_large_unpacked",
    )


def suspicious_workbook() -> ApplicationError:
    return ApplicationError(
        _(
            "The workbook is packed in a way Excel never writes, and is refused for safety. "
            "Open it in Excel and save it again as .xlsx."
        ),
        code="suspicious_workbook",
    )


def too_many_rows(limits: ImportLimits) -> ApplicationError:
    return ApplicationError(
        _(
            "The file has more than %(count)s rows below its header (or content further down). "
            "Split it into files of at most %(count)s rows."
        )
        % {"count": limits.max_rows},
        code="too_many_rows",
    )


def too_many_columns(limits: ImportLimits) -> ApplicationError:
    return ApplicationError(
        _(
            "The file has content beyond column %(count)s. Delete the columns the template "
            "does not have (or clear what is in them) and try again."
        )
        % {"count": limits.max_columns},
        code="too_many_columns",
    )
