"""The ``fugong`` console script and ``manage.py``: Django's management commands.

Without ``DJANGO_SETTINGS_MODULE`` the development settings are the default only in a source
checkout (``make run``), and the command says so on one line. An installed copy (``pip install``
into site-packages, nothing of the repository beside the package) refuses to start with them:
they have ``DEBUG`` on and secret, data and lookup keys published in the repository. The
messages are in English: they are printed before Django, and so translation, is set up.
"""

import os
import sys
from collections.abc import Mapping
from pathlib import Path

DEVELOPMENT_SETTINGS = "fugong.settings.development"
PRODUCTION_SETTINGS = "fugong.settings.production"
# Set to 1 to run an installed copy on the development settings anyway (a throwaway trial).
ALLOW_DEVELOPMENT = "FUGONG_ALLOW_DEVELOPMENT_SETTINGS"
PACKAGE_DIR = Path(__file__).resolve().parent

IN_CHECKOUT = (
    f"fugong: using the development settings ({DEVELOPMENT_SETTINGS}: DEBUG, published keys; "
    f"never for real data). Production: DJANGO_SETTINGS_MODULE={PRODUCTION_SETTINGS}."
)
ALLOWED_OUTSIDE_CHECKOUT = (
    f"fugong: WARNING: using the development settings outside a source checkout because "
    f"{ALLOW_DEVELOPMENT}=1. DEBUG is on and the secret, data and lookup keys are the ones "
    "published in the repository: anyone can read what this installation stores. Never use it "
    f"for real data; set DJANGO_SETTINGS_MODULE={PRODUCTION_SETTINGS} instead."
)
REFUSED_OUTSIDE_CHECKOUT = f"""\
fugong: refusing to start: DJANGO_SETTINGS_MODULE is not set, and outside a source checkout the
development settings would be used (DEBUG on; secret, data and lookup keys published in the
repository, so anyone could read the personal data stored).

To run this installation, set
  DJANGO_SETTINGS_MODULE={PRODUCTION_SETTINGS}
and the environment the production settings require:
  FUGONG_SECRET_KEY      a long random secret (50 characters or more)
  FUGONG_ALLOWED_HOSTS   the host names it answers to, comma separated
  FUGONG_DATA_KEYS       id:base64key[,...], the keys of the personal data (the first encrypts)
  FUGONG_LOOKUP_KEY      base64key, the separate key of the lookup digests
and normally DATABASE_URL (postgres://user@host:5432/name) and FUGONG_DATA_DIR (uploads, static
files). Make a key with     python -c "from fugong.core.crypto import new_key; print(new_key())"
and the secret with         python -c "import secrets; print(secrets.token_urlsafe(50))"
See README.md, "Production install".

To try it out with the development settings anyway, on data that does not matter, set
{ALLOW_DEVELOPMENT}=1."""


def in_source_checkout(package_dir: Path = PACKAGE_DIR) -> bool:
    """Whether the package runs from a clone of the repository (``make run``, an editable
    install), as opposed to a copy installed into site-packages."""
    root = package_dir.parent
    return (root / "manage.py").is_file() and (root / "pyproject.toml").is_file()


def default_settings(environ: Mapping[str, str], *, checkout: bool) -> tuple[str | None, str]:
    """Without DJANGO_SETTINGS_MODULE: the settings module to use (None: refuse to start) and
    what to print on standard error."""
    if checkout:
        return DEVELOPMENT_SETTINGS, IN_CHECKOUT
    if environ.get(ALLOW_DEVELOPMENT, "").strip() == "1":
        return DEVELOPMENT_SETTINGS, ALLOWED_OUTSIDE_CHECKOUT
    return None, REFUSED_OUTSIDE_CHECKOUT


def main(argv: list[str] | None = None) -> int:
    if not os.environ.get("DJANGO_SETTINGS_MODULE", "").strip():
        module, message = default_settings(os.environ, checkout=in_source_checkout(PACKAGE_DIR))
        print(message, file=sys.stderr)
        if module is None:
            return 2
        os.environ["DJANGO_SETTINGS_MODULE"] = module
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
