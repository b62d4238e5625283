from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.core.demo.build import PERSONAS, build
from apps.grids.models import Area

DEFAULT_DEMO_PASSWORD = "gridgov-demo-2026"


class Command(BaseCommand):
    help = "Load the demo county 青湖县 (idempotent): areas, grids, departments, categories, personas, cases."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off (needs DEMO_PASSWORD)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when any area exists")
        parser.add_argument("--cases", type=int, default=360, help="cases to generate on first load (default 360)")

    def handle(self, *args, force, if_empty, cases, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with a known password; with DEBUG off pass --force "
                               "and set DEMO_PASSWORD.")
        password = settings.DEMO_PASSWORD
        if not password:
            if not settings.DEBUG:
                raise CommandError("Set DEMO_PASSWORD: there is no default password with DEBUG off.")
            password = DEFAULT_DEMO_PASSWORD
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(f"DEMO_PASSWORD is too weak: {' '.join(exc.messages)}") from None
        if cases < 0:
            raise CommandError("--cases must be 0 or more")
        if if_empty and Area.objects.exists():
            self.stdout.write("Areas exist already; demo not loaded.")
        else:
            result = build(password=password, cases=cases)
            self.stdout.write(
                f"{result['county'].name}: {result['townships']} townships/streets, {result['grids']} grids, "
                f"{result['departments']} departments, {result['categories']} categories, "
                f"{result['cases_made']} cases made ({result['cases_existing']} already there)."
            )
        shown = password if settings.DEBUG and not settings.DEMO_PASSWORD else "(the DEMO_PASSWORD you set)"
        self.stdout.write("Demo logins: " + ", ".join(u for u, *_r in PERSONAS) + f" — password {shown}")
