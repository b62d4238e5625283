"""Imports are all-or-nothing: a file with bad rows names every one of them and applies
nothing; the same file fixed applies every row."""
import csv
import io
import time
import uuid

import pytest
from django.utils import translation
from celery.contrib.testing.worker import start_worker

from apps.core.exceptions import InvalidInput
from apps.inventories import services, tabular
from apps.inventories.models import ImportJob, Inventory, Item, Kind, Version
from govplatform.celery import app

HEADER = ["事项编码", "事项名称", "权力类型", "设定依据", "责任部门", "涉及案件类别", "备注"]


def power_rows(n):
    return [[f"QL{i:05d}", f"对第{i}类占道经营行为的处罚", "行政处罚", "《城市市容和环境卫生管理条例》第三十六条",
             "县城市管理局" if i % 2 else "GAJ", "0201", ""] for i in range(1, n + 1)]


def csv_bytes(rows, header=HEADER):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def power_list(world):
    return services.inventory_create(actor=world.dan, kind=Kind.POWER, area=world.county)


def test_three_bad_rows_among_500_are_all_named_and_nothing_is_applied(world, power_list):
    rows = power_rows(500)
    rows[99][4] = "县不存在局"  # file row 101: unknown department
    rows[249][3] = ""  # file row 251: missing legal basis
    rows[399][1] = rows[9][1]  # file row 401: duplicate of file row 11
    result = services.import_file(inventory=power_list, actor=world.dan, filename="power.csv",
                                  content=csv_bytes(rows))
    assert not result.ok and result.total == 500
    named = {(e["row"], e["message"]) for e in result.errors}
    assert [e["row"] for e in result.errors] == [101, 251, 401]
    assert any(r == 101 and "县不存在局" in m for r, m in named)
    assert any(r == 401 and "11" in m for r, m in named)
    assert not Version.objects.exists() and not Item.objects.exists()


def test_the_same_file_fixed_applies_all_500_rows_as_a_draft(world, power_list):
    result = services.import_file(inventory=power_list, actor=world.dan, filename="power.csv",
                                  content=csv_bytes(power_rows(500)))
    assert result.ok and result.errors == []
    version = result.version
    assert version.status == Version.Status.DRAFT and version.items.count() == 500
    assert version.items.filter(department=world.urban).count() == 250
    assert version.items.first().categories.get() == world.category
    assert version.events.get().action == "imported" and version.events.get().actor == world.dan


def test_wrong_encoding_and_formula_like_cells_are_named_per_row(world, power_list):
    rows = power_rows(5)
    rows[1][6] = "=HYPERLINK(\"http://evil\")"
    rows[2][6] = "@SUM(A1)"
    rows[3][6] = "-2+3"
    good = csv_bytes(rows)
    gbk_row = ",".join(["QL9", "对乱堆放的处罚", "行政处罚", "条例", "CGJ", "0201", ""]).encode("utf-8")
    gbk_row = gbk_row.replace("对乱堆放的处罚".encode("utf-8"), "对乱堆放的处罚".encode("gbk"))
    content = good + gbk_row + b"\n"
    with translation.override("en"):
        result = services.import_file(inventory=power_list, actor=world.dan, filename="p.csv", content=content)
    by_row = {e["row"]: e["message"] for e in result.errors}
    assert set(by_row) == {3, 4, 5, 7}
    assert "formula" in by_row[3] and "formula" in by_row[4] and "formula" in by_row[5]
    assert "UTF-8" in by_row[7]
    assert not Item.objects.exists()


def test_a_whole_file_in_gbk_is_refused_with_a_clear_message(world, power_list):
    content = "\n".join([",".join(HEADER), ",".join(power_rows(1)[0])]).encode("gbk")
    with translation.override("en"), pytest.raises(InvalidInput, match="UTF-8"):
        services.import_file(inventory=power_list, actor=world.dan, filename="p.csv", content=content)


def test_missing_required_column_is_refused_naming_it(world, power_list):
    with pytest.raises(InvalidInput, match="责任部门"):
        services.import_file(inventory=power_list, actor=world.dan, filename="p.csv",
                             content=csv_bytes([r[:4] for r in power_rows(3)], header=HEADER[:4]))


def test_an_exported_xlsx_imports_back_to_the_same_rows(world, power_list):
    first = services.import_file(inventory=power_list, actor=world.dan, filename="power.csv",
                                 content=csv_bytes(power_rows(20))).version
    header, rows = tabular.export_rows(first)
    again = services.import_file(inventory=power_list, actor=world.dan, filename="back.xlsx",
                                 content=tabular.write_xlsx(header, rows))
    assert again.ok and again.version.items.count() == 20
    assert tabular.export_rows(again.version) == (header, rows)


def test_export_escapes_formula_like_text(world, power_list, make_draft):
    draft = make_draft(Kind.DUTY, [{"matter": "协助开展人口普查", "duty_kind": "协助政府", "legal_basis": "《统计法》",
                                    "note": "见附件"}])
    item = draft.items.get()
    Item.objects.filter(pk=item.pk).update(note="=cmd|' /C calc'!A0")
    header, rows = tabular.export_rows(draft)
    assert rows[0][-1].startswith("'=")


def test_a_township_dispatcher_cannot_import_into_the_county_list(world, power_list):
    from apps.core.exceptions import NotPermitted

    with pytest.raises(NotPermitted):
        services.import_file(inventory=power_list, actor=world.tom, filename="p.csv", content=csv_bytes(power_rows(2)))


def test_someone_of_another_county_cannot_import(world, power_list):
    from apps.core.exceptions import OutOfScope

    with pytest.raises(OutOfScope):
        services.import_file(inventory=power_list, actor=world.olga, filename="p.csv", content=csv_bytes(power_rows(2)))


@pytest.mark.worker
def test_a_real_worker_imports_a_queued_file_and_reports_progress(transactional_db):
    from tests.conftest import build_world

    world = build_world()
    inventory = services.inventory_create(actor=world.dan, kind=Kind.POWER, area=world.county)
    # A queue of its own: on the embedded filesystem broker, other test runs on this machine
    # share the queue folder and their workers must not take this message.
    queue = f"inventories-test-{uuid.uuid4().hex[:8]}"
    old_routes = app.conf.task_routes
    route(app, {"apps.inventories.tasks.run_import": {"queue": queue}})
    try:
        job = run_in_worker(world, inventory, queue)
    finally:
        route(app, old_routes)
    assert job.status == ImportJob.Status.APPLIED, job.errors
    assert job.processed_rows == job.total_rows == 1200 and job.percent == 100
    assert job.version.items.count() == 1200
    assert Inventory.objects.get().versions.get().status == Version.Status.DRAFT


def route(app, routes):
    """Set task routes and drop Celery's cached router (built once, at the first send)."""
    app.conf.task_routes = routes
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


def run_in_worker(world, inventory, queue):
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]):
        job = services.import_start(inventory=inventory, actor=world.dan, filename="power.csv",
                                    content=csv_bytes(power_rows(1200)))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.finished:
                break
            time.sleep(0.2)
    return job


def test_a_formula_in_an_xlsx_cell_is_refused_naming_its_row(world, power_list):
    rows = power_rows(3)
    rows[1][6] = "=1+1"  # openpyxl writes a str starting with "=" as a formula
    content = tabular.write_xlsx(HEADER, rows)
    with translation.override("en"):
        result = services.import_file(inventory=power_list, actor=world.dan, filename="p.xlsx", content=content)
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "备注")]
    assert "formula" in result.errors[0]["message"] and not Item.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_clearly(world, power_list):
    with pytest.raises(InvalidInput):
        services.import_file(inventory=power_list, actor=world.dan, filename="p.xlsx", content=b"PK\x03\x04broken")
