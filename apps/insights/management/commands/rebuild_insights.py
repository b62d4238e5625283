"""Recompute the insights rollups from the cases (after restoring a backup, or to check
them): one INSERT … SELECT on PostgreSQL. --check only compares and reports drift."""
from django.core.management.base import BaseCommand, CommandError

from apps.insights import rollups


class Command(BaseCommand):
    help = "Rebuild (or with --check, verify) the insights rollups from the cases."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare only; exit 1 if the rollups drifted")

    def handle(self, *args, check=False, **options):
        if check:
            stored, wanted = rollups.stored_rows(), rollups.expected_rows()
            drifted = {k for k in stored.keys() | wanted.keys() if stored.get(k) != wanted.get(k)}
            if drifted:
                raise CommandError(f"{len(drifted)} rollup rows differ from the cases; run rebuild_insights")
            self.stdout.write(f"rollups match the cases ({len(stored)} rows)")
            return
        rows = rollups.rebuild()
        self.stdout.write(f"rebuilt {rows} rollup rows")
