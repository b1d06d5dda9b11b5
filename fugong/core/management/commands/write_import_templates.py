"""``manage.py write_import_templates``: regenerate docs/import-templates/*.xlsx from the code,
so that the documented templates are always the ones the importers read."""

from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

# (file name, "module:function" returning the template's bytes)
TEMPLATES = [
    ("enterprises.xlsx", "fugong.enterprises.imports:enterprise_import_template"),
    ("roster.xlsx", "fugong.workforce.imports:worker_import_template"),
    ("users.xlsx", "fugong.enterprises.user_import:users_import_template"),
    ("training.xlsx", "fugong.training.services.imports:attendance_template"),
    ("supplies-count.xlsx", "fugong.supplies.imports:supply_count_template"),
]


class Command(BaseCommand):
    help = "Write the import templates into docs/import-templates/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory",
            type=Path,
            default=settings.REPOSITORY_DIR / "docs" / "import-templates",
        )

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for file_name, target in TEMPLATES:
            module_name, function_name = target.split(":")
            content: bytes = getattr(import_module(module_name), function_name)()
            (directory / file_name).write_bytes(content)
            self.stdout.write(f"wrote {directory / file_name}")
