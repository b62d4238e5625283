"""Public list pages work without login and show no personal data; staff pages edit
drafts, compare, publish and import, and refuse anyone out of scope."""
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from apps.inventories import services
from apps.inventories.models import ImportJob, Kind, Version

POWER_ROW = {"matter": "对占道经营行为的处罚", "power_kind": "行政处罚",
             "legal_basis": "《城市市容和环境卫生管理条例》第三十六条", "department": "CGJ", "categories": "0201"}
CERT_ROW = {"matter": "居民无犯罪记录证明", "reason": "由公安机关依申请出具。", "go_instead": "县公安局户政窗口"}


@pytest.fixture
def lists(world, publish, make_draft):
    world.dan.last_name, world.dan.first_name, world.dan.phone = "陈", "晓东", "13912345678"
    world.dan.save()
    power = publish(Kind.POWER, [POWER_ROW], days=-3)
    cert = publish(Kind.CERTIFICATE, [CERT_ROW], days=-3)
    draft_only = make_draft(Kind.DUTY, [{"matter": "草稿里的职责事项", "duty_kind": "不应承担"}])
    return {"power": power, "cert": cert, "draft_only": draft_only}


PERSONAL = ("陈晓东", "dan", "13912345678", "张爱丽")


def test_public_index_lists_what_is_in_force_without_login(client, lists):
    response = client.get(reverse("lists:index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert lists["power"].inventory.title in body and lists["cert"].inventory.title in body
    assert lists["draft_only"].inventory.title not in body
    for text in PERSONAL:
        assert text not in body


def test_public_list_page_shows_items_and_searches_without_login(client, lists):
    url = reverse("lists:detail", args=[lists["cert"].inventory_id])
    body = client.get(url).content.decode()
    assert "居民无犯罪记录证明" in body and "县公安局户政窗口" in body
    for text in PERSONAL:
        assert text not in body
    assert "居民无犯罪记录证明" not in client.get(url, {"q": "亲属"}).content.decode()
    assert "居民无犯罪记录证明" in client.get(reverse("lists:index"), {"q": "犯罪"}).content.decode()


def test_public_page_of_a_list_with_only_a_draft_is_not_found(client, lists):
    assert client.get(reverse("lists:detail", args=[lists["draft_only"].inventory_id])).status_code == 404


def test_public_api_reads_lists_in_force_without_login_and_no_personal_data(lists):
    api = APIClient()
    response = api.get("/api/lists/")
    assert response.status_code == 200
    rows = response.json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert {row["kind"] for row in rows} == {"power", "certificate"}
    detail = api.get(f"/api/lists/{lists['power'].inventory_id}/")
    assert detail.status_code == 200
    assert detail.json()["items"][0]["department"] == "县城市管理局"
    for text in PERSONAL:
        assert text not in response.content.decode() + detail.content.decode()
    assert api.get(f"/api/lists/{lists['draft_only'].inventory_id}/").status_code == 404


def test_the_schema_documents_the_list_api(client):
    body = client.get("/api/schema/").content.decode()
    assert "/api/lists/{id}/imports/" in body and "/api/lists/" in body


def staff_urls(lists, job):
    inv, ver = lists["power"].inventory_id, lists["power"].pk
    return [
        ("get", reverse("inventories:detail", args=[inv])), ("post", reverse("inventories:new_draft", args=[inv])),
        ("post", reverse("inventories:import", args=[inv])), ("get", reverse("inventories:compare", args=[inv])),
        ("get", reverse("inventories:version", args=[ver])), ("post", reverse("inventories:item_save", args=[ver])),
        ("post", reverse("inventories:item_delete", args=[ver])), ("post", reverse("inventories:publish", args=[ver])),
        ("get", reverse("inventories:export_csv", args=[ver])), ("get", reverse("inventories:export_xlsx", args=[ver])),
        ("get", reverse("inventories:job", args=[job.pk])),
    ]


@pytest.fixture
def job(world, lists):
    return ImportJob.objects.create(inventory=lists["power"].inventory, created_by=world.dan, filename="x.csv",
                                    content=b"x")


@pytest.mark.parametrize("who", ["olga", "alice", "deb"])
def test_out_of_scope_users_are_refused_on_every_staff_endpoint(client, world, lists, job, who):
    user = getattr(world, who)
    client.force_login(user)
    for method, url in staff_urls(lists, job):
        assert getattr(client, method)(url).status_code == 404, (who, url)
    assert client.get(reverse("inventories:manage")).status_code == 404 or who == "olga"
    assert client.get(reverse("inventories:template_csv") + "?kind=power").status_code == 404 or who == "olga"
    api = APIClient()
    api.force_authenticate(user)
    assert api.post(f"/api/lists/{lists['power'].inventory_id}/imports/", {}).status_code == 404
    assert api.get(f"/api/list-imports/{job.pk}/").status_code == 404


def test_anonymous_visitors_are_sent_to_login_on_staff_pages(client, lists, job):
    for method, url in staff_urls(lists, job) + [("get", reverse("inventories:manage")),
                                                 ("get", reverse("inventories:template_csv") + "?kind=power")]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url
    assert APIClient().get(f"/api/list-imports/{job.pk}/").status_code in (401, 403)


def test_another_townships_list_is_hidden_from_a_township_dispatcher(client, world, publish):
    version = publish(Kind.ADMISSION, [{"matter": "协助开展城市管理宣传", "legal_basis": "组织法", "department": "CGJ"}],
                      area=world.t1, actor=world.tom, days=-1)
    client.force_login(world.tina)
    assert client.get(reverse("inventories:detail", args=[version.inventory_id])).status_code == 404
    client.force_login(world.tom)
    assert client.get(reverse("inventories:detail", args=[version.inventory_id])).status_code == 200


def test_a_township_dispatcher_reads_the_county_list_but_cannot_change_it(client, world, lists):
    client.force_login(world.tom)
    inv = lists["power"].inventory_id
    assert client.get(reverse("inventories:detail", args=[inv])).status_code == 200
    client.post(reverse("inventories:new_draft", args=[inv]))
    assert Version.objects.filter(inventory_id=inv).count() == 1


def test_staff_edit_a_draft_compare_and_publish_through_the_pages(client, world, lists):
    client.force_login(world.dan)
    inv = lists["power"].inventory
    response = client.post(reverse("inventories:new_draft", args=[inv.pk]))
    draft = inv.versions.get(status="draft")
    assert response["Location"] == reverse("inventories:version", args=[draft.pk])
    client.post(reverse("inventories:item_save", args=[draft.pk]), {
        "matter": "对乱堆物料行为的处罚", "power_kind": "行政处罚", "legal_basis": "条例第三十七条", "department": "CGJ"})
    old_item = draft.items.get(matter="对占道经营行为的处罚")
    client.post(reverse("inventories:item_save", args=[draft.pk]), dict(POWER_ROW, item=old_item.pk, department="GAJ"))
    assert draft.items.count() == 2
    body = client.get(reverse("inventories:compare", args=[inv.pk]),
                      {"a": lists["power"].pk, "b": draft.pk}).content.decode()
    assert "对乱堆物料行为的处罚" in body and "department_id" in body
    response = client.post(reverse("inventories:publish", args=[draft.pk]), {"effective_from": "2099-01-01"})
    draft.refresh_from_db()
    assert draft.status == Version.Status.PUBLISHED and draft.published_by == world.dan
    assert draft.events.filter(action="published", actor=world.dan).exists()
    lists["power"].refresh_from_db()
    assert lists["power"].status == "superseded" and str(lists["power"].superseded_on) == "2099-01-01"
    # A published version is never edited.
    client.post(reverse("inventories:item_save", args=[draft.pk]), dict(POWER_ROW, matter="再加一条"))
    assert draft.items.count() == 2


def test_a_bad_item_is_refused_with_its_reason(client, world, lists):
    client.force_login(world.dan)
    draft = services.draft_create(inventory=lists["power"].inventory, actor=world.dan)
    response = client.post(reverse("inventories:item_save", args=[draft.pk]),
                           dict(POWER_ROW, matter="新事项", department="县不存在局"), follow=True)
    assert "县不存在局" in response.content.decode()
    assert draft.items.count() == 1


def test_import_page_queues_a_job_whose_page_lists_every_bad_row(client, world, lists):
    client.force_login(world.dan)
    content = ("事项名称,权力类型,设定依据,责任部门\n对甲的处罚,行政处罚,条例,CGJ\n对乙的处罚,行政处罚,,CGJ\n"
               "对丙的处罚,行政处罚,条例,县不存在局\n").encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("inventories:import", args=[lists["power"].inventory_id]),
                           {"file": SimpleUploadedFile("p.csv", content)})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("inventories:job", args=[job.pk])
    page = client.get(reverse("inventories:job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in page  # still queued: the fragment keeps polling
    services.import_job_run(job_id=job.pk)  # what the worker does (a real worker: test_import.py)
    page = client.get(reverse("inventories:job", args=[job.pk])).content.decode()
    assert "县不存在局" in page and 'hx-trigger="every 1s"' not in page  # finished: polling stops
    assert job.inventory.versions.count() == 1


def test_api_import_then_poll_the_job(world, lists):
    api = APIClient()
    api.force_authenticate(world.dan)
    content = "事项名称,权力类型,设定依据,责任部门,涉及案件类别\n对甲的处罚,行政处罚,条例,CGJ,0201\n".encode()
    response = api.post(f"/api/lists/{lists['power'].inventory_id}/imports/",
                        {"file": io.BytesIO(content)}, format="multipart")
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    services.import_job_run(job_id=job_id)
    data = api.get(f"/api/list-imports/{job_id}/").json()
    assert data["status"] == "applied" and data["percent"] == 100 and data["version"] == 2


def test_templates_and_exports_download_in_the_documented_layout(client, world, lists):
    client.force_login(world.dan)
    csv_body = client.get(reverse("inventories:template_csv") + "?kind=certificate").content.decode("utf-8-sig")
    assert csv_body.startswith("事项编码,事项名称*,不应出具理由*,替代办理方式*")
    book = load_workbook(io.BytesIO(client.get(reverse("inventories:export_xlsx", args=[lists["cert"].pk])).content))
    rows = list(book.worksheets[0].values)
    assert rows[1][1] == "居民无犯罪记录证明" and book.sheetnames == ["清单", "说明"]
    assert client.get(reverse("inventories:template_csv") + "?kind=nonsense").status_code == 404


def test_the_public_list_page_takes_a_fixed_number_of_queries(client, world, publish, django_assert_max_num_queries):
    rows = [dict(POWER_ROW, matter=f"对第{i}类行为的处罚") for i in range(30)]
    version = publish(Kind.POWER, rows, days=-1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("lists:detail", args=[version.inventory_id]))
    assert response.content.decode().count("对第") == 30


def test_staff_pages_render_for_the_county_dispatcher(client, world, lists):
    client.force_login(world.dan)
    draft = services.draft_create(inventory=lists["power"].inventory, actor=world.dan)
    item = draft.items.get()
    assert lists["power"].inventory.title in client.get(reverse("inventories:manage")).content.decode()
    page = client.get(reverse("inventories:version", args=[draft.pk]), {"item": item.pk}).content.decode()
    assert 'name="item" value="%s"' % item.pk in page and "《城市市容和环境卫生管理条例》第三十六条" in page
    assert "事项名称" in client.get(reverse("inventories:detail", args=[draft.inventory_id])).content.decode()
    assert client.get(reverse("inventories:compare", args=[draft.inventory_id])).status_code == 200
    assert client.get(reverse("lists:index")).content.decode().count(reverse("inventories:manage")) >= 1
