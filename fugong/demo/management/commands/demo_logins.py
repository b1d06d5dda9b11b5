"""``manage.py demo_logins``: print the demo logins (``make run`` calls it)."""

from django.core.management.base import BaseCommand

from fugong.accounts.models import User

from .load_demo import print_logins


class Command(BaseCommand):
    help = "Print the demo park's logins."

    def handle(self, *args, **options):
        if User.objects.filter(username="command").exists():
            print_logins(self.stdout)
