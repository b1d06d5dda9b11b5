"""``manage.py create_user``: the first account of an empty installation, and any other."""

import io

import pytest
from django.core.management import CommandError, call_command

from fugong.accounts.models import User
from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.testing import assert_nothing_written, database_counts

pytestmark = pytest.mark.django_db


def run(*args: str, stdin: str | None = None, monkeypatch=None) -> str:
    output = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("create_user", *args, stdout=output)
    return output.getvalue()


def test_the_first_command_post_account_of_an_empty_installation():
    # given an installation without users
    assert not User.objects.exists()
    # when the administrator creates the first account
    output = run("--username", "wang", "--full-name", "王建国", "--role", "command")
    # then it exists, can sign in with the password printed once, and the trail says so
    password = output.split("Initial password (shown once): ")[1].strip()
    user = User.objects.get(username="wang")
    assert user.role == "command" and user.check_password(password) and len(password) == 14
    # a generated password is an initial one: the user sets their own at the first sign-in
    assert user.must_change_password
    event = AuditEvent.objects.get(action=AuditAction.USER_CREATED)
    assert event.actor_id is None and event.data == {"role": "command", "source": "command line"}


def test_an_officer_of_an_enterprise_with_a_password_from_standard_input(park, monkeypatch):
    output = run(
        "--username",
        "zhou",
        "--full-name",
        "周敏",
        "--role",
        "enterprise_officer",
        "--enterprise",
        park.a.credit_code.lower(),
        "--password-stdin",
        stdin="a-long-secret-2020\n",
        monkeypatch=monkeypatch,
    )
    user = User.objects.get(username="zhou")
    assert user.enterprise == park.a and user.check_password("a-long-secret-2020")
    assert "Initial password" not in output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--username", "x", "--full-name", "X", "--role", "enterprise_officer"], "enterprise"),
        (["--username", "x", "--full-name", "X", "--role", "district_liaison"], "district"),
        (["--username", "command", "--full-name", "X", "--role", "command"], "already exists"),
        (["--full-name", "X", "--role", "command"], "--username"),
        (
            ["--username", "x", "--full-name", "X", "--role", "gate_operator", "--enterprise", "1"],
            "credit code",
        ),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(park, args, message):
    before = database_counts()
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert message in str(refused.value)
    assert_nothing_written(before)
