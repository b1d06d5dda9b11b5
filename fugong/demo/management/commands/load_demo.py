"""``manage.py load_demo``: build the demo park (only into an empty database)."""

from django.core.management.base import BaseCommand, CommandError

from fugong.accounts.models import User
from fugong.core.roles import Role
from fugong.demo.gates import WHARF, WHARF_OPERATOR
from fugong.demo.park import DEMO_LOGINS, DEMO_PASSWORD, DemoPark
from fugong.enterprises.models import Enterprise


class Command(BaseCommand):
    help = (
        "Load the demo park: enterprises, applications in every state, and a login for every role."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) when the database already holds users or enterprises.",
        )

    def handle(self, *args, if_empty=False, **options):
        if User.objects.exists() or Enterprise.objects.exists():
            if if_empty:
                self.stdout.write("The database is not empty; the demo park was not loaded.")
                if User.objects.filter(username="command").exists():
                    print_logins(self.stdout)
                return
            raise CommandError("The database is not empty; load the demo park into a new database.")
        DemoPark(stdout=self.stdout).build()
        self.stdout.write(self.style.SUCCESS("Demo park loaded."))
        print_logins(self.stdout)


def print_logins(stdout) -> None:
    stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, full_name, role, _extra in DEMO_LOGINS:
        stdout.write(f"  {username:<10} {full_name}  {role.label}")
    # The second gate operator works at the park's wharf entrance.
    stdout.write(
        f"  {WHARF_OPERATOR[0]:<10} {WHARF_OPERATOR[1]}  {Role.GATE_OPERATOR.label} ({WHARF})"
    )
