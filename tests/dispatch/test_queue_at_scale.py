"""The queue and the case list keep their shape at city scale: scope below a county is
found through the area index, a county's through the joined path, with the same cases
either way; the queue's category choices cost no query per category."""
from django.urls import reverse

from apps.cases.models import Case, Category
from apps.grids.models import Level


def test_a_township_and_a_county_see_the_same_cases_as_the_area_paths_say(world, file_case):
    mine = file_case()
    theirs = file_case(actor=world.carol, point=world.point_c)
    for person, expected in ((world.tom, {mine.pk}), (world.tina, {theirs.pk}), (world.dan, {mine.pk, theirs.pk}),
                             (world.vera, {mine.pk}), (world.olga, set())):
        seen = set(Case.objects.visible_to(person).values_list("pk", flat=True))
        by_path = set(Case.objects.filter(area__path__startswith=person.area.path).values_list("pk", flat=True))
        assert seen == expected == by_path, person


def test_queue_area_filter_narrows_a_county_dispatcher_to_one_township(client, world, file_case):
    mine = file_case()
    file_case(actor=world.carol, point=world.point_c)
    client.force_login(world.dan)
    response = client.get(reverse("dispatch:queue"), {"area": world.t1.pk})
    assert [c.pk for c in response.context["page"]] == [mine.pk]
    assert world.t1.level == Level.TOWNSHIP


def test_queue_query_count_does_not_grow_with_categories(client, world, file_case, django_assert_max_num_queries):
    file_case()
    client.force_login(world.tom)
    client.get(reverse("dispatch:queue"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("dispatch:queue"))
    parent = Category.objects.create(code="ZZ", name="更多大类")
    for n in range(12):
        Category.objects.create(code=f"ZZ{n:02d}", name=f"小类{n}", parent=parent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("dispatch:queue"))


def test_county_queue_offers_townships_and_villages_but_not_every_grid(world):
    from apps.dispatch.filters import QueueFilter

    county_areas = set(QueueFilter(None, queryset=Case.objects.none(), user=world.dan).filters["area"].queryset)
    assert world.t1 in county_areas and world.v1 in county_areas
    assert world.grid_a not in county_areas

    township_areas = set(QueueFilter(None, queryset=Case.objects.none(), user=world.tom).filters["area"].queryset)
    assert world.grid_a in township_areas
