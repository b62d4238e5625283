"""Reading and writing list files (CSV and XLSX) and checking their rows.

Reading never writes; `check_rows` returns either clean rows ready for the database or a
list of errors naming every bad row and why. The import service applies clean rows in
one transaction, so a file is applied whole or not at all.
"""
import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from apps.cases.models import Category
from apps.core.exceptions import InvalidInput
from apps.grids.models import Department, Level

from .columns import COLUMNS, DUTY_KIND_LABELS, DUTY_KIND_ZH, FORMULA_PREFIXES, POWER_KIND_LABELS, POWER_KIND_ZH
from .models import DutyKind, Item, Kind

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
SPLIT = re.compile(r"[;；,，、\n]+")
SURROGATE = re.compile("[\udc80-\udcff]")


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def read_table(*, filename, content):
    """(header, rows) from a CSV or XLSX file; rows are (row number, [cell text]) with the
    header as row 1. An unreadable file is InvalidInput with a plain reason."""
    if not content:
        raise InvalidInput(_("The file is empty."), field="file")
    if len(content) > MAX_BYTES:
        raise InvalidInput(_("The file is larger than 20 MB."), field="file")
    name = (filename or "").lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        return _read_xlsx(content)
    if name.endswith((".xls", ".et", ".ods", ".pdf", ".doc", ".docx")):
        raise InvalidInput(_("Upload a .csv or .xlsx file."), field="file")
    return _read_csv(content)


def _read_csv(content):
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    # Undecodable bytes are kept as surrogates so each bad row can be named, not the whole file.
    text = content.decode("utf-8", errors="surrogateescape")
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InvalidInput(_("The CSV file cannot be read: %(error)s") % {"error": exc}, field="file") from None
    if not records:
        raise InvalidInput(_("The file is empty."), field="file")
    header = records[0]
    if any(SURROGATE.search(h) for h in header):
        raise InvalidInput(_("The file is not UTF-8 text (it looks like GBK/ANSI): save it as “CSV UTF-8” or "
                             "upload the XLSX instead."), field="file")
    return header, [(index + 2, row) for index, row in enumerate(records[1:])]


def _read_xlsx(content):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a broken or disguised file
        raise InvalidInput(_("The file is not a readable XLSX workbook."), field="file") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(v) for v in next(rows)]
    except StopIteration:
        raise InvalidInput(_("The file is empty."), field="file") from None
    body = [(index + 2, [_cell_text(v) for v in row]) for index, row in enumerate(rows)]
    book.close()
    return header, body


@dataclass
class Checked:
    items: list = field(default_factory=list)  # dicts ready for Item(**...) plus "category_ids"/"department_ids"
    errors: list = field(default_factory=list)  # {"row", "column", "message"}
    total: int = 0


def _header_map(kind, header):
    columns = COLUMNS[kind]
    names = {}
    for column in columns:
        names[column.header.casefold()] = column
        names[column.key.casefold()] = column
    mapping, problems = {}, []
    for index, raw in enumerate(header):
        name = (raw or "").strip().rstrip("*").strip().casefold()
        if not name:
            continue
        column = names.get(name)
        if column is None:
            problems.append(_("Unknown column “%(name)s”.") % {"name": raw})
        elif column.key in mapping.values():
            problems.append(_("Column “%(name)s” appears twice.") % {"name": raw})
        else:
            mapping[index] = column.key
    for column in columns:
        if column.required and column.key not in mapping.values():
            problems.append(_("Required column “%(name)s” is missing.") % {"name": column.header})
    if problems:
        expected = "、".join(c.template_header for c in columns)
        raise InvalidInput(" ".join(problems) + " " + _("Expected columns: %(cols)s.") % {"cols": expected},
                           field="file")
    return mapping


class Lookups:
    """Departments of the list's county and leaf categories, by code and by name."""

    def __init__(self, inventory):
        county = inventory.area.ancestor_at(Level.COUNTY) or inventory.area
        self.departments = {}
        for dept in Department.objects.filter(area__path__startswith=county.path, is_active=True):
            self.departments[dept.code.casefold()] = dept.pk
            self.departments[dept.name.casefold()] = dept.pk
        self.categories = {}
        for cat in Category.objects.filter(parent__isnull=False, is_active=True):
            self.categories[cat.code.casefold()] = cat.pk
            self.categories[cat.name.casefold()] = cat.pk


def check_rows(*, inventory, header, rows, lookups=None, progress=None, progress_every=500):
    """Check every row; never stops at the first bad one."""
    kind = inventory.kind
    mapping = _header_map(kind, header)
    lookups = lookups or Lookups(inventory)
    labels = {c.key: c.header for c in COLUMNS[kind]}
    result = Checked()
    seen = {}
    rows = list(rows)
    if len(rows) > MAX_ROWS:
        raise InvalidInput(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS}, field="file")
    for done, (number, cells) in enumerate(rows, start=1):
        if progress is not None and done % progress_every == 0:
            progress(done, len(rows))
        values = {key: (cells[i] if i < len(cells) else "") for i, key in mapping.items()}
        if not any((v or "").strip() for v in values.values()):
            continue
        result.total += 1
        errors = []

        def bad(key, message):
            errors.append({"row": number, "column": labels.get(key, key), "message": str(message)})

        clean = {}
        for key, raw in values.items():
            raw = raw or ""
            if SURROGATE.search(raw):
                bad(key, _("wrong encoding: not UTF-8 text (save the file as UTF-8)"))
                raw = SURROGATE.sub("?", raw)
            if raw.startswith(FORMULA_PREFIXES):
                bad(key, _("formula-like cell (starts with %(c)s): refused so no spreadsheet runs it")
                    % {"c": raw[:1].replace("\t", "TAB").replace("\r", "CR")})
            clean[key] = raw.strip()
        item = {"position": number, "code": clean.get("code", "")[:40], "matter": clean.get("matter", ""),
                "legal_basis": clean.get("legal_basis", ""), "note": clean.get("note", ""),
                "reason": clean.get("reason", ""), "go_instead": clean.get("go_instead", ""),
                "keywords": clean.get("keywords", ""), "category_ids": [], "department_ids": []}
        matter = item["matter"]
        if not matter:
            bad("matter", _("missing matter"))
        elif len(matter) > 300:
            bad("matter", _("matter longer than 300 characters"))
        else:
            key = Item.key_of(matter)
            if key in seen:
                bad("matter", _("duplicate matter “%(m)s” (also on row %(row)s)") % {"m": matter, "row": seen[key]})
            else:
                seen[key] = number
        if len(clean.get("code", "")) > 40:
            bad("code", _("item code longer than 40 characters"))
        if len(item["keywords"]) > 300:
            bad("keywords", _("keywords longer than 300 characters"))
        needs_basis = kind in (Kind.POWER, Kind.ADMISSION)
        if kind == Kind.POWER:
            raw = clean.get("power_kind", "")
            power = POWER_KIND_LABELS.get(raw) or (raw if raw in POWER_KIND_ZH else None)
            if power is None:
                bad("power_kind", _("unknown kind of power “%(v)s”") % {"v": raw} if raw else _("missing kind of power"))
            item["power_kind"] = power or ""
        if kind == Kind.DUTY:
            raw = clean.get("duty_kind", "")
            duty = DUTY_KIND_LABELS.get(raw) or (raw if raw in DUTY_KIND_ZH else None)
            if duty is None:
                bad("duty_kind", _("unknown kind of duty “%(v)s”") % {"v": raw} if raw else _("missing kind of duty"))
            item["duty_kind"] = duty or ""
            needs_basis = duty in (DutyKind.BY_LAW, DutyKind.ASSISTING)
        if needs_basis and not item["legal_basis"]:
            bad("legal_basis", _("missing legal basis"))
        if kind == Kind.CERTIFICATE:
            if not item["reason"]:
                bad("reason", _("missing reason"))
            if not item["go_instead"]:
                bad("go_instead", _("missing where to go instead"))
        if "department" in mapping.values():
            raw = clean.get("department", "")
            if not raw:
                bad("department", _("missing department"))
            else:
                pk = lookups.departments.get(raw.casefold())
                if pk is None:
                    bad("department", _("unknown department “%(v)s”") % {"v": raw})
                item["department_id"] = pk
        if "departments" in mapping.values():
            names = [n.strip() for n in SPLIT.split(clean.get("departments", "")) if n.strip()]
            if not names:
                bad("departments", _("missing departments"))
            for name in names:
                pk = lookups.departments.get(name.casefold())
                if pk is None:
                    bad("departments", _("unknown department “%(v)s”") % {"v": name})
                elif pk not in item["department_ids"]:
                    item["department_ids"].append(pk)
        for name in (n.strip() for n in SPLIT.split(clean.get("categories", "")) if n.strip()):
            pk = lookups.categories.get(name.casefold())
            if pk is None:
                bad("categories", _("unknown case category “%(v)s”") % {"v": name})
            elif pk not in item["category_ids"]:
                item["category_ids"].append(pk)
        if errors:
            result.errors.extend(errors)
        else:
            result.items.append(item)
    if progress is not None:
        progress(len(rows), len(rows))
    if result.total == 0 and not result.errors:
        raise InvalidInput(_("The file has a header but no rows."), field="file")
    return result


def _safe(value):
    """Exported text never starts like a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_rows(version):
    """Header and rows of a version, in the documented layout (re-importable)."""
    kind = version.inventory.kind
    columns = COLUMNS[kind]
    items = (version.items.select_related("department").prefetch_related("categories", "departments")
             .order_by("position", "pk"))
    rows = [[_safe(values[c.key]) for c in columns] for values in map(item_values, items)]
    return [c.header for c in columns], rows


def item_values(item):
    """An item as text per column key (the inverse of check_rows)."""
    return {
        "code": item.code, "matter": item.matter, "legal_basis": item.legal_basis, "note": item.note,
        "reason": item.reason, "go_instead": item.go_instead, "keywords": item.keywords,
        "power_kind": POWER_KIND_ZH.get(item.power_kind, ""), "duty_kind": DUTY_KIND_ZH.get(item.duty_kind, ""),
        "department": item.department.name if item.department_id else "",
        "departments": "；".join(d.name for d in item.departments.all()),
        "categories": "；".join(c.code for c in item.categories.all()),
    }


def write_csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel then opens it as UTF-8


def write_xlsx(header, rows, *, notes=None):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("清单")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if notes:
        doc = book.create_sheet("说明")
        for line in notes:
            doc.append(list(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_notes(kind):
    return [("列名", "必填", "说明")] + [
        (c.header, "是" if c.required else "否", str(c.help)) for c in COLUMNS[kind]
    ]
