"""``manage.py create_user``: an account from the server's command line — the first command post
account of an empty installation, or any other.

    fugong create_user --username wang --full-name 王建国 --role command
    fugong create_user --username zhou --full-name 周敏 --role enterprise_officer \\
        --enterprise 91430600MA4L123456
    fugong create_user --username cai --full-name 蔡烨 --role district_liaison --district 430603
    fugong create_user --interactive

Without ``--password-stdin`` a password is generated and printed once (the user must change it at
the first sign-in); the command never takes a password as an argument (it would stay in the
shell's history and the process list).
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fugong.accounts.models import User
from fugong.accounts.passwords import initial_password_generate
from fugong.accounts.services import user_create_on_the_server
from fugong.core.errors import ApplicationError
from fugong.core.roles import Role


class Command(BaseCommand):
    help = "Create a user of any role from the server's command line (the first account, say)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username")
        parser.add_argument("--full-name")
        parser.add_argument("--role", choices=Role.values)
        parser.add_argument("--phone", default="")
        parser.add_argument(
            "--enterprise",
            help="the enterprise's credit code (officers, enterprise gate operators)",
        )
        parser.add_argument("--district", default="", help="a county code (district liaisons)")
        parser.add_argument("--leader", action="store_true", help="a leader-level liaison")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
        parser.add_argument(
            "--interactive", action="store_true", help="ask for every value at the terminal"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interactive"]:
            options = self._ask(options)
        for required in ("username", "full_name", "role"):
            if not options.get(required):
                raise CommandError(f"--{required.replace('_', '-')} is required.")
        enterprise = None
        if options.get("enterprise"):
            related = User._meta.get_field("enterprise").related_model
            enterprise = related._default_manager.filter(
                credit_code=options["enterprise"].strip().upper()
            ).first()
            if enterprise is None:
                raise CommandError("No enterprise has this unified social credit code.")
        generated = not (options["password_stdin"] or options.get("password"))
        if options.get("password"):
            password = options["password"]
        elif options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = initial_password_generate()
        try:
            user = user_create_on_the_server(
                password=password,
                must_change_password=generated,
                username=options["username"],
                full_name=options["full_name"],
                role=options["role"],
                phone=options.get("phone") or "",
                enterprise=enterprise,
                district_code=options.get("district") or "",
                is_leader=bool(options.get("leader")),
            )
        except ApplicationError as error:
            details = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.fields.items()
            )
            raise CommandError(
                f"{error.message}{' (' + details + ')' if details else ''}"
            ) from error
        self.stdout.write(f"Created {user.username} ({Role(user.role).label}).")
        if generated:
            # Printed once and never stored in plain text: hand it over; the user must change it
            # at the first sign-in.
            self.stdout.write(f"Initial password (shown once): {password}")

    def _ask(self, options: dict[str, Any]) -> dict[str, Any]:
        asked = dict(options)
        asked["username"] = options.get("username") or input("User name: ").strip()
        asked["full_name"] = options.get("full_name") or input("Full name: ").strip()
        roles = ", ".join(Role.values)
        asked["role"] = options.get("role") or input(f"Role ({roles}): ").strip()
        if asked["role"] in (Role.ENTERPRISE_OFFICER, Role.GATE_OPERATOR) and not options.get(
            "enterprise"
        ):
            asked["enterprise"] = input("Enterprise credit code (empty for none): ").strip()
        if asked["role"] == Role.DISTRICT_LIAISON and not options.get("district"):
            asked["district"] = input("District (county code): ").strip()
        first = getpass.getpass("Password (empty: generate one): ")
        if first:
            if getpass.getpass("Password again: ") != first:
                raise CommandError("The two passwords differ.")
            asked["password"] = first
        return asked
