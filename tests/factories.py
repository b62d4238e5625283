"""Factories for reference data. Cases are made through the real services, never here."""
import factory
from django.contrib.auth.hashers import make_password

from apps.accounts.models import Role, User
from apps.cases.models import Category
from apps.grids.models import Area, Department, Grid, Level

PASSWORD = "correct-horse-battery-9"
_HASH = None


def password_hash():
    global _HASH
    if _HASH is None:
        _HASH = make_password(PASSWORD)
    return _HASH


def square(lng, lat, size):
    """A GeoJSON square with its south-west corner at (lng, lat)."""
    return {"type": "Polygon", "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size],
                                                [lng, lat + size], [lng, lat]]]}


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"区域{n}")
    code = factory.Sequence(lambda n: f"A{n:06d}")
    level = Level.COUNTY
    parent = None


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    area = factory.SubFactory(AreaFactory, level=Level.GRID)
    households = 300
    population = 900


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"部门{n}")
    code = factory.Sequence(lambda n: f"D{n:04d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.GRID_WORKER
    password = factory.LazyFunction(password_hash)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"类别{n}")
