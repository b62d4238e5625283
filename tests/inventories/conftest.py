"""Helpers to make lists through the real services."""
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.inventories import services
from apps.inventories.models import Kind


@pytest.fixture
def publish(world):
    """publish(kind, rows, area=county, days=0) → the published version (effective today + days)."""
    def make(kind, rows, *, area=None, days=0, actor=None):
        area = area or world.county
        actor = actor or world.dan
        from apps.inventories.models import Inventory

        inventory = Inventory.objects.filter(kind=kind, area=area).first() or services.inventory_create(
            actor=actor, kind=kind, area=area)
        draft = draft_with(inventory, rows, actor)
        return services.version_publish(version=draft, actor=actor,
                                        effective_from=timezone.localdate() + timedelta(days=days))
    return make


def draft_with(inventory, rows, actor):
    """A new draft holding exactly `rows` (dicts of column keys)."""
    draft = services.draft_create(inventory=inventory, actor=actor)
    for item in list(draft.items.all()):
        services.item_delete(version=draft, actor=actor, item_id=item.pk)
    for row in rows:
        services.item_save(version=draft, actor=actor, data=row)
    return draft


@pytest.fixture
def make_draft(world):
    def make(kind, rows, *, area=None, actor=None):
        from apps.inventories.models import Inventory

        area = area or world.county
        actor = actor or world.dan
        inventory = Inventory.objects.filter(kind=kind, area=area).first() or services.inventory_create(
            actor=actor, kind=kind, area=area)
        return draft_with(inventory, rows, actor)
    return make


POWER = Kind.POWER


@pytest.fixture(autouse=True)
def fire_category(db):
    """A second leaf category (0101 消防通道堵塞) so lists can name something else than 0201."""
    from apps.grids.models import Level
    from tests.factories import CategoryFactory

    parent = CategoryFactory(code="01", name="安全生产")
    return CategoryFactory(code="0101", name="消防通道堵塞", parent=parent, default_level=Level.VILLAGE)
