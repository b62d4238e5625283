"""seed_demo publishes lists at the seeds' sizes, once, and intake obeys them."""
import pytest
from django.core.management import call_command

from apps.grids.models import Area, Level
from apps.inventories import gates
from apps.inventories.models import Item, Kind, Version


@pytest.mark.slow
def test_seed_demo_publishes_the_lists_at_the_seeds_sizes_once(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", cases=0)
    first = (Version.objects.count(), Item.objects.count())
    call_command("seed_demo", cases=0)
    assert (Version.objects.count(), Item.objects.count()) == first
    in_force = {v.inventory.kind: v for v in Version.objects.in_force().select_related("inventory")}
    duty = in_force[Kind.DUTY].items
    assert [duty.filter(duty_kind=k).count() for k in ("by_law", "assisting", "not_undertake")] == [17, 38, 7]
    assert in_force[Kind.CERTIFICATE].items.count() == 41
    assert in_force[Kind.ADMISSION].items.count() == 26
    assert in_force[Kind.REPORT].items.count() == 36
    assert in_force[Kind.POWER].items.count() >= 32
    grid = Area.objects.filter(level=Level.GRID).first()
    from apps.cases.models import Category

    assert gates.suggest_department(Category.objects.get(code="0203"), grid).code == "CGJ"
    with pytest.raises(gates.CertificateRefused, match="辖区公安派出所"):
        gates.certificate_gate(area=grid, text="居民请社区开具无犯罪记录证明")
