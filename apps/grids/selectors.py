from apps.core.exceptions import InvalidInput

from .geo import contains
from .models import Area, Level


def areas_at_point(*, lat, lng, level, within=None):
    """Areas of `level` whose boundary covers the point: an indexed bounding-box pre-filter
    in the database, then an exact polygon test on the few candidates."""
    candidates = Area.objects.filter(
        level=level, min_lat__lte=lat, max_lat__gte=lat, min_lng__lte=lng, max_lng__gte=lng
    )
    if within is not None:
        candidates = candidates.filter(path__startswith=within.path)
    return [area for area in candidates if contains(area.boundary, lat, lng)]


def grid_at_point(*, lat, lng, county):
    """The grid of `county` that holds the point.

    Raises InvalidInput when the point is outside the county; returns None when it is inside
    the county but in no grid (the reporter then chooses one).
    """
    if not -90 <= lat <= 90 or not -180 <= lng <= 180:
        raise InvalidInput("coordinates out of range: latitude must be within ±90 and longitude within ±180",
                           field="latitude")
    if county.boundary and not contains(county.boundary, lat, lng):
        raise InvalidInput(f"the location is outside {county.name}", field="latitude")
    grids = areas_at_point(lat=lat, lng=lng, level=Level.GRID, within=county)
    if not grids and not county.boundary:
        raise InvalidInput(f"the location is outside {county.name}", field="latitude")
    return grids[0] if grids else None
