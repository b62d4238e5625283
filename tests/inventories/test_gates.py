"""Each gate obeys the version in force — not a draft, not a superseded version — and
overrides are recorded and counted."""
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from apps.cases import services as case_services
from apps.grids.models import Level
from apps.inventories import gates
from apps.inventories.gates import CertificateRefused, GateRefused
from apps.inventories.models import GateOverride, Kind, Version
from apps.inventories.selectors import override_counts


def power_row(department, matter="对占道经营行为的处罚", category="0201"):
    return {"matter": matter, "power_kind": "行政处罚", "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
            "department": department.code, "categories": category}


# --- routing by the power list ---------------------------------------------------------

def test_suggests_the_department_of_the_power_list_in_force(world, publish):
    publish(Kind.POWER, [power_row(world.urban)], days=-10)
    assert gates.suggest_department(world.category, world.grid_a) == world.urban


def test_a_draft_power_list_does_not_route(world, publish, make_draft):
    publish(Kind.POWER, [power_row(world.urban)], days=-10)
    make_draft(Kind.POWER, [power_row(world.police)])
    assert gates.suggest_department(world.category, world.grid_a) == world.urban


def test_a_superseded_power_list_does_not_route(world, publish):
    old = publish(Kind.POWER, [power_row(world.urban)], days=-10)
    publish(Kind.POWER, [power_row(world.police)], days=-1)
    old.refresh_from_db()
    assert old.status == Version.Status.SUPERSEDED
    assert gates.suggest_department(world.category, world.grid_a) == world.police


def test_a_version_published_for_tomorrow_waits_for_its_date(world, publish):
    publish(Kind.POWER, [power_row(world.urban)], days=-10)
    publish(Kind.POWER, [power_row(world.police)], days=1)
    assert gates.suggest_department(world.category, world.grid_a) == world.urban
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert gates.suggest_department(world.category, world.grid_a, on=tomorrow) == world.police


def test_no_list_in_force_suggests_nothing(world, make_draft):
    make_draft(Kind.POWER, [power_row(world.urban)])
    assert gates.suggest_department(world.category, world.grid_a) is None


def test_a_township_list_in_force_comes_before_the_county_list(world, publish):
    publish(Kind.POWER, [power_row(world.urban)], days=-10)
    publish(Kind.POWER, [power_row(world.police)], days=-1, area=world.t1, actor=world.tom)
    assert gates.suggest_department(world.category, world.grid_a) == world.police
    assert gates.suggest_department(world.category, world.grid_c) == world.urban


def test_dispatch_without_a_department_goes_to_the_suggested_one(world, publish, file_case):
    publish(Kind.POWER, [power_row(world.urban)], days=-1)
    case = file_case()
    case = case_services.case_act(case=case, actor=world.dan, action="dispatch")
    assert case.tickets.get().department == world.urban


# --- admission gate ----------------------------------------------------------------------

def admission_row(matter="协助开展城市管理宣传", category="0101"):
    return {"matter": matter, "legal_basis": "《城市居民委员会组织法》第三条", "department": "CGJ",
            "categories": category}


def test_pushing_down_a_matter_not_admitted_is_refused_naming_list_and_version(world, publish):
    version = publish(Kind.ADMISSION, [admission_row()], days=-1)
    with pytest.raises(GateRefused) as refused:
        gates.admission_gate(category=world.category, area=world.v1, actor=world.tom)
    assert version.inventory.title in refused.value.message and "v1" in refused.value.message
    assert not GateOverride.objects.exists()


def test_pushing_down_an_admitted_matter_passes(world, publish):
    publish(Kind.ADMISSION, [admission_row(category="0201")], days=-1)
    decision = gates.admission_gate(category=world.category, area=world.v1, actor=world.tom)
    assert decision.allowed and decision.item.matter == "协助开展城市管理宣传"


def test_admission_in_a_draft_only_does_not_admit(world, publish, make_draft):
    publish(Kind.ADMISSION, [admission_row()], days=-1)
    make_draft(Kind.ADMISSION, [admission_row(category="0201")])
    with pytest.raises(GateRefused):
        gates.admission_gate(category=world.category, area=world.v1, actor=world.tom)


def test_admission_in_a_superseded_version_only_does_not_admit(world, publish):
    publish(Kind.ADMISSION, [admission_row(category="0201")], days=-5)
    publish(Kind.ADMISSION, [admission_row()], days=-1)
    with pytest.raises(GateRefused):
        gates.admission_gate(category=world.category, area=world.v1, actor=world.tom)


def test_county_dispatcher_override_is_recorded_and_counted(world, publish):
    version = publish(Kind.ADMISSION, [admission_row()], days=-1)
    decision = gates.admission_gate(category=world.category, area=world.v1, actor=world.dan,
                                    override_reason="汛期临时任务，县指挥部决定")
    record = decision.override
    assert decision.allowed and record.actor == world.dan and record.version == version
    assert "v1" in record.refusal and record.reason == "汛期临时任务，县指挥部决定"
    assert override_counts(area=world.county) == {"admission": 1}


def test_a_township_dispatcher_may_not_override(world, publish):
    publish(Kind.ADMISSION, [admission_row()], days=-1)
    with translation.override("en"), pytest.raises(GateRefused, match="county dispatcher"):
        gates.admission_gate(category=world.category, area=world.v1, actor=world.tom, override_reason="急")
    assert not GateOverride.objects.exists()


def test_filing_a_village_level_case_not_admitted_goes_to_the_township(world, publish, file_case):
    publish(Kind.ADMISSION, [admission_row()], days=-1)
    case = file_case()
    assert case.level == Level.TOWNSHIP and case.handling_area == world.t1
    assert "v1" in case.events.get(action="file").note


def test_filing_an_admitted_case_stays_in_the_village(world, publish, file_case):
    publish(Kind.ADMISSION, [admission_row(category="0201")], days=-1)
    case = file_case()
    assert case.level == Level.VILLAGE and case.handling_area == world.v1


# --- certificate gate -------------------------------------------------------------------

def certificate_row(matter="居民无犯罪记录证明"):
    return {"matter": matter, "reason": "由公安机关依申请出具，社区无权证明。",
            "go_instead": "县公安局户政窗口或“皖事通”APP", "keywords": "无犯罪证明"}


def test_a_case_asking_for_a_certificate_on_the_list_is_refused_at_intake(world, publish, file_case):
    publish(Kind.CERTIFICATE, [certificate_row()], days=-1)
    with pytest.raises(CertificateRefused) as refused:
        file_case(description="居民要求社区开具无犯罪证明用于应聘")
    message = refused.value.message
    assert "居民无犯罪记录证明" in message and "县公安局户政窗口" in message and "v1" in message
    assert not world.grid_a.cases.exists()


def test_a_certificate_only_in_a_draft_is_not_refused(world, make_draft, file_case):
    make_draft(Kind.CERTIFICATE, [certificate_row()])
    assert file_case(description="居民要求社区开具无犯罪证明用于应聘").pk


def test_a_certificate_only_in_a_superseded_version_is_not_refused(world, publish, file_case):
    publish(Kind.CERTIFICATE, [certificate_row()], days=-5)
    publish(Kind.CERTIFICATE, [dict(certificate_row("亲属关系证明"), keywords="亲属关系")], days=-1)
    assert file_case(description="居民要求社区开具无犯罪证明用于应聘").pk


def test_the_api_refuses_a_certificate_request_with_400_and_the_entry(world, publish):
    from rest_framework.test import APIClient

    publish(Kind.CERTIFICATE, [certificate_row()], days=-1)
    api = APIClient()
    api.force_authenticate(world.alice)
    lat, lng = world.point_a
    response = api.post("/api/cases/", {"category": world.category.code, "description": "请开具无犯罪证明",
                                        "latitude": lat, "longitude": lng}, format="json")
    assert response.status_code == 400, response.content
    assert "县公安局户政窗口" in response.content.decode()


# --- report-list gate (whistle) ----------------------------------------------------------

def report_row(departments="CGJ", category="0201", matter="占道经营联合整治"):
    return {"matter": matter, "departments": departments, "categories": category}


def test_whistle_may_summon_the_departments_named_for_the_matter(world, publish):
    publish(Kind.REPORT, [report_row()], days=-1)
    decision = gates.report_gate(area=world.t1, departments=[world.urban], actor=world.tom, category=world.category)
    assert decision.allowed


def test_whistle_summoning_a_department_not_named_is_refused(world, publish):
    publish(Kind.REPORT, [report_row()], days=-1)
    with pytest.raises(GateRefused, match="县公安局"):
        gates.report_gate(area=world.t1, departments=[world.police], actor=world.tom, category=world.category)


def test_whistle_for_a_matter_not_on_the_list_is_refused(world, publish):
    publish(Kind.REPORT, [report_row(category="0101")], days=-1)
    with translation.override("en"), pytest.raises(GateRefused, match="not on"):
        gates.report_gate(area=world.t1, departments=[world.urban], actor=world.tom, category=world.category)


def test_report_list_draft_and_superseded_versions_are_not_obeyed(world, publish, make_draft):
    publish(Kind.REPORT, [report_row(departments="CGJ；GAJ")], days=-5)
    publish(Kind.REPORT, [report_row()], days=-1)
    make_draft(Kind.REPORT, [report_row(departments="GAJ")])
    with pytest.raises(GateRefused):
        gates.report_gate(area=world.t1, departments=[world.police], actor=world.tom, category=world.category)


def test_whistle_override_by_the_county_dispatcher_is_recorded(world, publish):
    publish(Kind.REPORT, [report_row()], days=-1)
    decision = gates.report_gate(area=world.t1, departments=[world.police], actor=world.dan,
                                 category=world.category, override_reason="涉及暴力抗法，需公安到场")
    assert decision.override.departments == "县公安局" and decision.override.gate == "report"
    assert override_counts(area=world.t1) == {"report": 1}


def test_the_matter_can_be_named_instead_of_a_category(world, publish):
    publish(Kind.REPORT, [report_row()], days=-1)
    assert gates.report_check(area=world.t1, departments=[world.urban], matter="占道经营联合整治").allowed


def test_the_dispatch_whistle_obeys_the_report_list_in_force(world, publish, file_case):
    from apps.dispatch.whistle import whistle_blow

    publish(Kind.REPORT, [report_row()], days=-1)
    case = file_case()
    with pytest.raises(GateRefused, match="县公安局"):
        whistle_blow(case=case, actor=world.tom, departments=[world.police])
    assert whistle_blow(case=case, actor=world.tom, departments=[world.urban]).summonses.count() == 1
    whistle_blow(case=case, actor=world.dan, departments=[world.police], override_reason="需公安到场")
    assert GateOverride.objects.get().case == case
