import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import User
from apps.cases.models import Case, CaseEvent, Category
from apps.grids.models import Area, Department, Grid, Level


def counts():
    return {
        "areas": Area.objects.count(), "grids": Grid.objects.count(), "departments": Department.objects.count(),
        "categories": Category.objects.count(), "users": User.objects.count(), "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
    }


@pytest.mark.slow
def test_seed_demo_twice_gives_the_same_counts(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", cases=60)
    first = counts()
    call_command("seed_demo", cases=60)
    assert counts() == first
    assert Area.objects.filter(level=Level.TOWNSHIP).count() == 6
    assert Area.objects.filter(level=Level.VILLAGE).count() == 40
    assert first["grids"] == 200 and first["departments"] == 12 and first["cases"] == 60
    assert Category.objects.filter(parent__isnull=True).count() == 10
    assert set(Case.objects.values_list("status", flat=True)) >= {"closed", "reported", "dispatched"}
    for username in ("gridworker", "village", "township", "dispatcher", "department", "mediator", "leader", "admin"):
        assert User.objects.get(username=username).check_password("gridgov-demo-2026")


@pytest.mark.slow
def test_seeded_grids_do_not_overlap_and_tile_their_village(db, settings):
    from shapely.geometry import shape
    from shapely.ops import unary_union

    settings.DEBUG = True
    call_command("seed_demo", cases=0)
    grids = list(Area.objects.filter(level=Level.GRID))
    shapes = [shape(g.boundary) for g in grids]
    total = sum(s.area for s in shapes)
    assert unary_union(shapes).area == pytest.approx(total, rel=1e-9)  # no overlap anywhere
    village = Area.objects.filter(level=Level.VILLAGE).first()
    parts = [shape(g.boundary) for g in grids if g.parent_id == village.pk]
    assert unary_union(parts).symmetric_difference(shape(village.boundary)).area < 1e-12


def test_seed_demo_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    settings.DEMO_PASSWORD = None
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo", force=True)
    assert not Area.objects.exists()


def test_seed_demo_refuses_a_weak_demo_password(db, settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "123"
    with pytest.raises(CommandError, match="too weak"):
        call_command("seed_demo")
