from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.exceptions import NotPermitted

from .. import kpis
from ..views import PERIODS, period_bounds, may_view_insights


class Summary(APIView):
    """KPI summary for your scope over a period (month, year or 30d)."""

    @extend_schema(
        parameters=[OpenApiParameter("period", str, enum=list(PERIODS))],
        responses=inline_serializer("KpiSummary", {
            "period": serializers.CharField(), "start": serializers.DateTimeField(),
            "end": serializers.DateTimeField(), "kpis": serializers.DictField(),
        }),
    )
    def get(self, request):
        if not may_view_insights(request.user):
            raise NotPermitted("Your role does not see insights.")
        period = request.query_params.get("period", "month")
        if period not in PERIODS:
            return Response({"period": [f"Choose one of {', '.join(PERIODS)}."]}, status=400)
        start, end = period_bounds(period)
        figures = {k.key: k.value for k in kpis.summary_for(request.user, start, end)}
        return Response({"period": period, "start": start, "end": end, "kpis": figures})
