"""Time a 10,000-row list import (CSV and XLSX) through the real service.

    DEBUG=false SECRET_KEY=x .venv/bin/python bench/inventory_import.py [rows]

Runs against a throw-away test database of the configured backend (SQLite in memory by
default; DATABASE_URL=postgres://… makes test_<name> on that server) and prints one JSON
line: rows, seconds to check and apply the CSV and the XLSX, and the database vendor.
"""
import csv
import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main(rows=10_000):
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from apps.accounts.models import Role, User
        from apps.cases.models import Category
        from apps.grids.models import Area, Department, Level
        from apps.inventories import services, tabular
        from apps.inventories.models import Kind

        county = Area.objects.create(name="青湖县", code="341899", level=Level.COUNTY)
        depts = [Department.objects.create(name=f"县第{i}局", code=f"D{i:02d}", area=county) for i in range(12)]
        parent = Category.objects.create(code="02", name="城市管理")
        cats = [Category.objects.create(code=f"02{i:02d}", name=f"类别{i}", parent=parent) for i in range(1, 20)]
        actor = User.objects.create(username="bench", role=Role.COUNTY_DISPATCHER, area=county)
        inventory = services.inventory_create(actor=actor, kind=Kind.POWER, area=county)
        header = ["事项编码", "事项名称", "权力类型", "设定依据", "责任部门", "涉及案件类别", "备注"]
        body = [[f"QL{i:06d}", f"对第{i}项违法行为的行政处罚", "行政处罚", f"《某某管理条例》第{i % 90 + 1}条",
                 depts[i % 12].name, f"{cats[i % 19].code}；{cats[(i + 1) % 19].code}", ""] for i in range(rows)]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(body)
        csv_content = out.getvalue().encode("utf-8")
        xlsx_content = tabular.write_xlsx(header, body)

        started = time.perf_counter()
        result_csv = services.import_file(inventory=inventory, actor=actor, filename="bench.csv", content=csv_content)
        csv_seconds = time.perf_counter() - started
        started = time.perf_counter()
        result_xlsx = services.import_file(inventory=inventory, actor=actor, filename="bench.xlsx",
                                           content=xlsx_content)
        xlsx_seconds = time.perf_counter() - started
        assert result_csv.ok and result_xlsx.ok, (result_csv.errors[:3], result_xlsx.errors[:3])
        assert result_csv.version.items.count() == rows == result_xlsx.version.items.count()
        print(json.dumps({
            "bench": "inventory_import", "rows": rows, "vendor": connection.vendor,
            "csv_seconds": round(csv_seconds, 3), "xlsx_seconds": round(xlsx_seconds, 3),
            "csv_bytes": len(csv_content), "xlsx_bytes": len(xlsx_content),
        }))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
