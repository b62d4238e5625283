#!/usr/bin/env python3
"""Compile locale/*/LC_MESSAGES/*.po into .mo files with polib — no GNU gettext needed.

    python scripts/compile_messages.py           # write each .mo beside its .po (only if it changed)
    python scripts/compile_messages.py --check   # exit 1 if any .mo is missing or out of date

Fuzzy and obsolete entries are left out, as `msgfmt` (and Django's compilemessages) do.
The output is deterministic (polib sorts the entries), so `--check` compares bytes.
"""
import argparse
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def compiled_bytes(po_path):
    po = polib.pofile(str(po_path))
    # polib's translated_entries() already skips fuzzy and obsolete entries; say so
    # explicitly so a polib change can't start shipping fuzzy (unchecked) translations.
    for entry in po:
        if entry.fuzzy:
            entry.obsolete = True
    return po.to_binary(), len(po.translated_entries())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if any .mo is missing or stale")
    parser.add_argument("--root", type=Path, default=ROOT, help="project root (default: this checkout)")
    args = parser.parse_args(argv)

    po_files = sorted(args.root.glob("locale/*/LC_MESSAGES/*.po"))
    if not po_files:
        print(f"No .po files under {args.root / 'locale'}; nothing to compile.")
        return 0

    problems = 0
    for po_path in po_files:
        mo_path = po_path.with_suffix(".mo")
        shown = po_path.relative_to(args.root)
        try:
            data, count = compiled_bytes(po_path)
        except (OSError, ValueError) as exc:  # polib raises OSError/IOError for syntax errors
            print(f"ERROR {shown}: {exc}", file=sys.stderr)
            problems += 1
            continue
        current = mo_path.read_bytes() if mo_path.exists() else None
        if args.check:
            if current is None:
                print(f"MISSING {mo_path.relative_to(args.root)} ({count} messages)")
                problems += 1
            elif current != data:
                print(f"STALE   {mo_path.relative_to(args.root)} (differs from {shown})")
                problems += 1
            else:
                print(f"ok      {mo_path.relative_to(args.root)} ({count} messages)")
        elif current == data:
            print(f"unchanged {mo_path.relative_to(args.root)} ({count} messages)")
        else:
            # Write via a temporary file so a running server never reads half a catalogue.
            tmp = mo_path.with_suffix(".mo.tmp")
            tmp.write_bytes(data)
            tmp.replace(mo_path)
            print(f"compiled  {shown} -> {mo_path.name} ({count} messages)")

    if problems:
        if args.check:
            print(f"{problems} catalogue(s) need attention: run `make messages` (python scripts/compile_messages.py).",
                  file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
