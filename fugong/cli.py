"""The ``fugong`` console script and ``manage.py``: Django's management commands."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fugong.settings.development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
