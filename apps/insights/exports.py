"""Every table of the dashboard as rows, and those rows as XLSX (one sheet each) or CSV
(UTF-8 with a BOM so Excel opens Chinese text right). Text cells that a spreadsheet would
run as a formula (= + - @, tab, CR) get a leading apostrophe."""
import csv
import io

from django.utils.translation import gettext as _

from . import kpis

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def _cell(value, is_rate=False):
    if value is None:
        return ""
    if is_rate:
        return round(value * 100, 2)
    if isinstance(value, float):
        return round(value, 2)
    return value


FIGURE_COLUMNS = ("accepted", "closed", "completion", "on_time", "satisfaction", "rework", "open_now",
                  "handling_hours")


def _figure_headers():
    return [f"{kpis.KPIS[k].label}{' (%)' if kpis.KPIS[k].is_rate else ''}" for k in FIGURE_COLUMNS]


def _figure_cells(figures):
    return [_cell(figures[k], kpis.KPIS[k].is_rate) for k in FIGURE_COLUMNS]


def tables(data, departments):
    """{name: (title, headers, rows)} for every table on the page."""
    out = {}
    out["kpis"] = (_("Figures"), [_("Figure"), _("Value"), _("Previous period"), _("Definition")], [
        [t["label"] + (" (%)" if t["is_rate"] else ""), _cell(t["value"], t["is_rate"]),
         _cell(t["previous"], t["is_rate"]), t["formula"]] for t in data["kpis"]])
    out["areas"] = (_("By area"), [_("Area")] + _figure_headers(),
                    [[r["label"]] + _figure_cells(r["figures"]) for r in data["children"]])
    out["categories"] = (_("By category"), [_("Category")] + _figure_headers(),
                         [[r["label"]] + _figure_cells(r["figures"]) for r in data["categories"]])
    out["channels"] = (_("By channel"), [_("Channel")] + _figure_headers(),
                       [[r["label"]] + _figure_cells(r["figures"]) for r in data["channels"]])
    out["trend"] = (_("By month"), [_("Month")] + _figure_headers(),
                    [[r["month"]] + _figure_cells(r["figures"]) for r in data["trend"]])
    out["departments"] = (_("Departments"), [
        _("Department"), _("Tickets"), _("On-time rate") + " (%)", _("Returned"), _("Summoned"),
        _("Report rate") + " (%)", _("Average report time (min)"), _("Rating (1–5)"),
        _("Satisfaction rate") + " (%)"], [
        [d["name"], d["tickets"], _cell(d["on_time"], True), d["returned"], d["summoned"],
         _cell(d["report_rate"], True), _cell(d["report_minutes"]), _cell(d["rating"]),
         _cell(d["satisfaction"], True)] for d in departments])
    return out


def to_xlsx(all_tables, heading):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, (title, headers, rows) in all_tables.items():
        sheet = book.create_sheet(title=str(title)[:31])
        sheet.append([neutralise(heading)])
        sheet.append([neutralise(str(h)) for h in headers])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([neutralise(v) for v in row])
        sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv(table):
    title, headers, rows = table
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(str(h)) for h in headers])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
