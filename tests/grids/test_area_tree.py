from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.grids.models import Area, Level
from tests.factories import AreaFactory


def test_subtree_is_one_indexed_prefix_query(world):
    with CaptureQueriesContext(connection) as ctx:
        names = set(Area.objects.subtree(world.t1).values_list("name", flat=True))
    assert names == {"湖滨街道", "东风社区", "东风社区第1网格", "东风社区第2网格"}
    assert len(ctx.captured_queries) == 1
    assert "LIKE" in ctx.captured_queries[0]["sql"].upper()


def test_paths_nest_and_depth_counts_levels(world):
    assert world.grid_a.path.startswith(world.v1.path)
    assert world.v1.path.startswith(world.t1.path)
    assert [world.county.depth, world.t1.depth, world.v1.depth, world.grid_a.depth] == [1, 2, 3, 4]


def test_moving_a_village_rewrites_every_descendant_path(world):
    world.v1.parent = world.t2
    world.v1.save()
    world.grid_a.refresh_from_db()
    assert world.grid_a.path.startswith(world.t2.path)
    assert set(Area.objects.subtree(world.t2).filter(level=Level.GRID).values_list("name", flat=True)) == {
        "东风社区第1网格", "东风社区第2网格", "李家村第1网格"}


def test_area_cannot_move_under_itself(world):
    import pytest

    world.t1.parent = world.grid_a
    with pytest.raises(ValueError):
        world.t1.save()


def test_ancestors_come_from_county_down(world):
    assert [a.name for a in world.grid_a.ancestors()] == ["青湖县", "湖滨街道", "东风社区"]
    assert world.grid_a.ancestor_at(Level.TOWNSHIP) == world.t1


def test_areas_visible_to_a_township_dispatcher_are_its_subtree_and_ancestors(world):
    names = set(Area.objects.visible_to(world.tom).values_list("name", flat=True))
    assert "湖滨街道" in names and "东风社区第1网格" in names and "青湖县" in names
    assert "柳溪镇" not in names and "李家村第1网格" not in names


def test_bounding_box_is_kept_with_the_boundary(world):
    area = AreaFactory(level=Level.GRID, parent=world.v2,
                       boundary={"type": "Polygon", "coordinates": [[[1, 2], [3, 2], [3, 5], [1, 5], [1, 2]]]})
    assert (area.min_lng, area.min_lat, area.max_lng, area.max_lat) == (1, 2, 3, 5)
