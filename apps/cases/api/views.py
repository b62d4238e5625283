import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.exceptions import OutOfScope

from .. import selectors, services
from ..models import Case, Category
from ..workflow import ACTIONS
from .serializers import (
    ActionSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CategorySerializer,
)


class CaseFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__code", lookup_expr="startswith")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Case
        fields = ["status", "channel", "urgency", "level", "category"]


class CaseListCreate(generics.ListCreateAPIView):
    """List the cases visible to you (filterable), or file one (JSON or multipart with photos)."""

    filterset_class = CaseFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.case_list(user=self.request.user)

    def get_serializer_class(self):
        return CaseCreateSerializer if self.request.method == "POST" else CaseListSerializer

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def post(self, request, *args, **kwargs):
        serializer = CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["photos"] = request.FILES.getlist("photos") if request.FILES else []
        case = services.case_create(actor=request.user, **data)
        case = selectors.case_detail(user=request.user, pk=case.pk)
        return Response(CaseDetailSerializer(case, context={"request": request}).data, status=status.HTTP_201_CREATED)


class CaseDetail(generics.RetrieveAPIView):
    """One case with its timeline, photos and the actions you may take now."""

    serializer_class = CaseDetailSerializer

    def get_object(self):
        try:
            return selectors.case_detail(user=self.request.user, pk=self.kwargs["pk"])
        except Case.DoesNotExist:
            raise OutOfScope("No such case.") from None


class CaseAction(APIView):
    """Take an action on a case (see `allowed_actions` on the case for what you may do now):
    accept, reject, merge, dispatch, sign, return, request_extension, grant_extension,
    refuse_extension, resolve, resolve_on_spot, resolve_locally, verify, reopen, close,
    confirm_close. 409 when the case's state does not allow it now (someone acted first),
    403 when your role may not, 404 when the case is not yours to see."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=ActionSerializer, responses={200: CaseDetailSerializer})
    def post(self, request, pk, action):
        if action not in ACTIONS:
            return Response({"detail": f"Unknown action “{action}”.", "code": "unknown_action"},
                            status=status.HTTP_404_NOT_FOUND)
        case = Case.objects.visible_to(request.user).filter(pk=pk).first()
        if case is None:
            raise OutOfScope("No such case.")
        serializer = ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inputs = dict(serializer.validated_data)
        inputs["photos"] = request.FILES.getlist("photos") if request.FILES else []
        services.case_act(case=case, actor=request.user, action=action, **inputs)
        case = selectors.case_detail(user=request.user, pk=pk)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)


class CategoryList(generics.ListAPIView):
    """Active leaf categories, for the filing form."""

    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self):
        return Category.objects.filter(is_active=True).order_by("code")
