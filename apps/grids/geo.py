"""Geometry helpers on GeoJSON (WGS-84), through shapely."""
from shapely.geometry import Point, shape
from shapely.validation import explain_validity

from apps.core.exceptions import InvalidInput


def geometry_of(geojson):
    geom = shape(geojson)
    if not geom.is_valid:
        raise InvalidInput(f"boundary is not a valid polygon: {explain_validity(geom)}", field="boundary")
    return geom


def bbox_of(geojson):
    """(min_lng, min_lat, max_lng, max_lat) or four Nones for no boundary."""
    if not geojson:
        return None, None, None, None
    return shape(geojson).bounds


def contains(geojson, lat, lng):
    return bool(geojson) and shape(geojson).covers(Point(lng, lat))
