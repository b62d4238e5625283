"""manage.py rebuild_insights: --check finds drift, a rebuild repairs it."""
import pytest
from django.core.management import CommandError, call_command

from apps.cases import services
from apps.insights.models import Rollup


def test_check_finds_drift_and_rebuild_repairs_it(world, file_case, capsys):
    case = file_case()
    services.case_accept(case=case, actor=world.dan)
    call_command("rebuild_insights", "--check")
    assert "match" in capsys.readouterr().out
    Rollup.objects.filter(area=world.county, dim="all").update(accepted=5)
    with pytest.raises(CommandError):
        call_command("rebuild_insights", "--check")
    call_command("rebuild_insights")
    call_command("rebuild_insights", "--check")
    assert Rollup.objects.get(area=world.county, dim="all").accepted == 1
