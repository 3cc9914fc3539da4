"""The demo loaded by `make run`: registry members, engineer accounts and one user per staff role,
created by driving the real services (registry import, sign-up + activation, admin user creation).

Demo staff get a TOTP device whose codes `manage.py demo_otp USER` prints, so the two-factor step
can be followed without a phone. Nothing here runs outside the demo command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from evize.accounts.models import User
from evize.accounts.services import account_activate, account_signup, user_add
from evize.registry.member_files import read_member_file
from evize.registry.models import Member
from evize.registry.services import member_import

SAMPLE_MEMBERS = Path(__file__).resolve().parents[1] / "registry" / "sample" / "members_sample.csv"
DEMO_PASSWORD = "Demo-Parola-2026"  # noqa: S105 - printed to the person running the demo
DEMO_DEVICE_NAME = "demo"

DEMO_ENGINEERS = ("1847", "2015", "2233")  # sicil numbers from the sample registry file


@dataclass(frozen=True)
class DemoStaff:
    username: str
    role: str
    first_name: str
    last_name: str


DEMO_STAFF = (
    DemoStaff("vize.buro", User.Role.CLERK, "Derya", "Kaya"),
    DemoStaff("kontrol", User.Role.CONTROL_ENGINEER, "Kemal", "Arıkan"),
    DemoStaff("vize.yetkili", User.Role.VISA_OFFICER, "Nilgün", "Tekin"),
    DemoStaff("yonetici", User.Role.CHAMBER_ADMIN, "Selin", "Demirtaş"),
)


@dataclass
class DemoLogin:
    login: str
    role: str
    name: str
    two_factor: bool


def load_demo_members() -> None:
    member_import(actor=None, rows=read_member_file(SAMPLE_MEMBERS), source="demo")


def ensure_demo_engineer(sicil_no: str) -> User:
    member = Member.objects.get(sicil_no=sicil_no)
    existing = User.objects.filter(member=member).first()
    if existing is not None and existing.has_usable_password():
        return existing
    with transaction.atomic():
        account_signup(actor=None, sicil_no=sicil_no, national_id=member.national_id, language="tr")
        user = User.objects.get(member=member)
        account_activate(actor=None, user=user, password=DEMO_PASSWORD)
    return user


def ensure_demo_staff(spec: DemoStaff) -> User:
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        user = User(
            username=spec.username,
            role=spec.role,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@imo.example",
        )
        user.set_password(DEMO_PASSWORD)
        user_add(actor=None, user=user)
    if not TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME).exists():
        TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
    return user


def load_demo() -> list[DemoLogin]:
    load_demo_members()
    logins: list[DemoLogin] = []
    for sicil_no in DEMO_ENGINEERS:
        user = ensure_demo_engineer(sicil_no)
        logins.append(DemoLogin(sicil_no, str(User.Role.ENGINEER.label), user.get_full_name(), False))
    for spec in DEMO_STAFF:
        user = ensure_demo_staff(spec)
        logins.append(DemoLogin(spec.username, str(User.Role(spec.role).label), user.get_full_name(), True))
    return logins


def demo_otp_token(username: str) -> str:
    """The current TOTP code of a demo staff account (only devices created by the demo)."""
    from django_otp.oath import totp

    device = TOTPDevice.objects.get(user__username=username, name=DEMO_DEVICE_NAME)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
