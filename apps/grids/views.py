from django.contrib.auth.decorators import login_required
from django.http import JsonResponse

from .models import Area, Level


@login_required
def grids_geojson(request):
    """The grids a person may see, as a GeoJSON FeatureCollection (for maps without tiles)."""
    areas = Area.objects.visible_to(request.user).filter(level=Level.GRID, boundary__isnull=False)
    features = [
        {"type": "Feature", "id": a.pk, "properties": {"name": a.name, "code": a.code}, "geometry": a.boundary}
        for a in areas.only("pk", "name", "code", "boundary")
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
