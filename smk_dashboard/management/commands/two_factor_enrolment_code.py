"""`manage.py two_factor_enrolment_code USERNAME`: a one-time code for the first two-factor
enrolment of an account (the first operator or kepsek of a school, a sudin account), printed
once. At a school, the operator and kepsek issue codes for each other and their staff at
/accounts/enrolment-codes/."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from smk_dashboard.signin.enrolment import enrolment_code_issue


class Command(BaseCommand):
    help = "Buat kode pendaftaran verifikasi dua langkah sekali pakai untuk satu akun."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"Akun {username!r} tidak ditemukan atau tidak aktif.")
        self.stdout.write(enrolment_code_issue(issuer=None, user=user))
