"""Shared personas, the way Healthchecks has alice/bob/charlie.

The world: county 青湖县 (X) with townships T1 and T2. T1 → village V1 → grids A and B;
T2 → village V2 → grid C. Another county Y (grid Z) holds the outsider from elsewhere.
Coordinates are small squares near (117.8, 31.6).
"""
import os
from dataclasses import dataclass

import pytest

from apps.accounts.models import Role
from apps.grids.models import Level

from .factories import AreaFactory, CategoryFactory, DepartmentFactory, GridFactory, UserFactory, square

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class World:
    county: object
    t1: object
    t2: object
    v1: object
    v2: object
    grid_a: object
    grid_b: object
    grid_c: object
    other_county: object
    grid_z: object
    urban: object  # department 城管 of the county
    police: object
    other_dept: object  # a department of the other county
    category: object  # leaf category 占道经营, handled at village level
    parent_category: object
    alice: object  # grid worker, grid A
    bob: object  # grid worker, grid B (colleague in the same village)
    carol: object  # grid worker, grid C (another township)
    vera: object  # village cadre, V1
    tom: object  # township dispatcher, T1
    tina: object  # township dispatcher, T2 (another township)
    dan: object  # county dispatcher
    deb: object  # department official, 城管
    pete: object  # department official, 公安 (no ticket unless dispatched)
    lee: object  # leader of the county
    olga: object  # outsider: county dispatcher of the other county
    admin: object

    # A point inside each grid.
    point_a = (31.6005, 117.8005)
    point_b = (31.6005, 117.8015)
    point_c = (31.6105, 117.8005)
    point_z = (30.0005, 116.0005)


def build_world():
    county = AreaFactory(name="青湖县", code="341899", level=Level.COUNTY, boundary=square(117.79, 31.59, 0.04))
    t1 = AreaFactory(name="湖滨街道", code="341899001", level=Level.TOWNSHIP, parent=county,
                     boundary=square(117.8, 31.6, 0.01))
    t2 = AreaFactory(name="柳溪镇", code="341899002", level=Level.TOWNSHIP, parent=county,
                     boundary=square(117.8, 31.61, 0.01))
    v1 = AreaFactory(name="东风社区", code="341899001001", level=Level.VILLAGE, parent=t1,
                     boundary=square(117.8, 31.6, 0.002))
    v2 = AreaFactory(name="李家村", code="341899002001", level=Level.VILLAGE, parent=t2,
                     boundary=square(117.8, 31.61, 0.001))
    grid_a = AreaFactory(name="东风社区第1网格", code="34189900100101", level=Level.GRID, parent=v1,
                         boundary=square(117.8, 31.6, 0.001))
    grid_b = AreaFactory(name="东风社区第2网格", code="34189900100102", level=Level.GRID, parent=v1,
                         boundary=square(117.801, 31.6, 0.001))
    grid_c = AreaFactory(name="李家村第1网格", code="34189900200101", level=Level.GRID, parent=v2,
                         boundary=square(117.8, 31.61, 0.001))
    other = AreaFactory(name="远山县", code="341898", level=Level.COUNTY, boundary=square(116.0, 30.0, 0.01))
    ot = AreaFactory(name="远山镇", code="341898001", level=Level.TOWNSHIP, parent=other)
    ov = AreaFactory(name="远山村", code="341898001001", level=Level.VILLAGE, parent=ot)
    grid_z = AreaFactory(name="远山村第1网格", code="34189800100101", level=Level.GRID, parent=ov,
                         boundary=square(116.0, 30.0, 0.001))
    for g in (grid_a, grid_b, grid_c, grid_z):
        GridFactory(area=g)
    urban = DepartmentFactory(name="县城市管理局", code="CGJ", area=county)
    police = DepartmentFactory(name="县公安局", code="GAJ", area=county)
    other_dept = DepartmentFactory(name="远山县城管局", code="YS-CGJ", area=other)
    parent_category = CategoryFactory(code="02", name="城市管理")
    category = CategoryFactory(code="0201", name="占道经营", parent=parent_category, default_level=Level.VILLAGE)
    return World(
        county=county, t1=t1, t2=t2, v1=v1, v2=v2, grid_a=grid_a, grid_b=grid_b, grid_c=grid_c,
        other_county=other, grid_z=grid_z, urban=urban, police=police, other_dept=other_dept,
        category=category, parent_category=parent_category,
        alice=UserFactory(username="alice", role=Role.GRID_WORKER, area=grid_a, last_name="张", first_name="爱丽"),
        bob=UserFactory(username="bob", role=Role.GRID_WORKER, area=grid_b),
        carol=UserFactory(username="carol", role=Role.GRID_WORKER, area=grid_c),
        vera=UserFactory(username="vera", role=Role.VILLAGE_CADRE, area=v1),
        tom=UserFactory(username="tom", role=Role.TOWNSHIP_DISPATCHER, area=t1),
        tina=UserFactory(username="tina", role=Role.TOWNSHIP_DISPATCHER, area=t2),
        dan=UserFactory(username="dan", role=Role.COUNTY_DISPATCHER, area=county),
        deb=UserFactory(username="deb", role=Role.DEPARTMENT_OFFICIAL, department=urban),
        pete=UserFactory(username="pete", role=Role.DEPARTMENT_OFFICIAL, department=police),
        lee=UserFactory(username="lee", role=Role.LEADER, area=county),
        olga=UserFactory(username="olga", role=Role.COUNTY_DISPATCHER, area=other),
        admin=UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True),
    )


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def file_case(world):
    """File a case through the real service (alice in grid A unless told otherwise)."""
    from apps.cases.services import case_create

    def make(actor=None, point=None, **kwargs):
        lat, lng = point or world.point_a
        kwargs.setdefault("category", world.category)
        kwargs.setdefault("description", "路口早市摊贩占道经营")
        return case_create(actor=actor or world.alice, latitude=lat, longitude=lng, **kwargs)

    return make


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()
