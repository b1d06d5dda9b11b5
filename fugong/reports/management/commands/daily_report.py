"""The daily report for a date, as text, JSON or xlsx, for the whole park."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from fugong.accounts.models import User
from fugong.core.errors import ApplicationError
from fugong.core.roles import Role
from fugong.reports import exports, selectors


class Command(BaseCommand):
    help = "Print the daily report of a date (the whole park): text, json or xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (today by default)")
        parser.add_argument("--format", choices=("text", "json", "xlsx"), default="text")
        parser.add_argument("--language", choices=("zh-hans", "en"), default="zh-hans")
        parser.add_argument(
            "--output", help="write to this file (required for xlsx unless stdout is redirected)"
        )

    def handle(self, *args, **options):
        # The report is the command post's: computed with a command post account's scope.
        reader = User(role=Role.COMMAND, is_active=True, username="daily_report")
        try:
            day = selectors.report_date(options["date"])
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        figures = selectors.daily_figures(actor=reader, day=day)
        language = options["language"]
        if options["format"] == "xlsx":
            content = exports.daily_report_xlsx(figures, language)
            if options["output"]:
                with open(options["output"], "wb") as handle:
                    handle.write(content)
            elif sys.stdout.isatty():
                raise CommandError("Give --output FILE for xlsx.")
            else:
                sys.stdout.buffer.write(content)
            return
        if options["format"] == "json":
            body = exports.daily_report_json(figures, language, enterprises=True)
            text = json.dumps(body, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        else:
            text = exports.daily_report_text(figures, language)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
