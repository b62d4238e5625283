from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.exceptions import NotPermitted

from .. import periods, selectors


class Summary(APIView):
    """KPI figures for an area in your scope (default: your scope) over a period
    (30d, 90d, month, year or YYYY-MM); definitions in apps/insights/kpis.py."""

    @extend_schema(
        parameters=[OpenApiParameter("period", str), OpenApiParameter("area", int)],
        responses=inline_serializer("KpiSummary", {
            "period": serializers.CharField(), "start": serializers.DateField(),
            "end": serializers.DateField(), "area": serializers.IntegerField(), "kpis": serializers.DictField(),
        }),
    )
    def get(self, request):
        if not selectors.may_view(request.user):
            raise NotPermitted("Your role does not see insights.")
        period = periods.parse(request.query_params.get("period", "month"))
        area = selectors.area_for(request.user, request.query_params.get("area"))
        data = selectors.dashboard(area, period)
        figures = {t["key"]: t["value"] for t in data["kpis"]}
        return Response({"period": period.code, "start": period.start, "end": period.end, "area": area.pk,
                         "kpis": figures})
