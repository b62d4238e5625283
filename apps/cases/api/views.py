from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.exceptions import OutOfScope

from .. import selectors, services
from ..filters import CaseFilter
from ..models import Case, Category, RatingSource
from ..workflow import ACTIONS
from .serializers import (
    ActionSerializer,
    CaseCreatedSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CategorySerializer,
    DuplicateQuerySerializer,
    DuplicateSerializer,
    PersonalDataSerializer,
    RatingSerializer,
)


class CasePagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class CaseListCreate(generics.ListCreateAPIView):
    """List the cases visible to you (filterable), or file one (JSON or multipart with photos).
    A created case comes back with `possible_duplicates`: open cases of its category within
    100 m filed in the last 7 days."""

    filterset_class = CaseFilter
    pagination_class = CasePagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.case_list(user=self.request.user)

    def get_serializer_class(self):
        return CaseCreateSerializer if self.request.method == "POST" else CaseListSerializer

    @extend_schema(request={"multipart/form-data": CaseCreateSerializer, "application/json": CaseCreateSerializer},
                   responses={201: CaseCreatedSerializer})
    def post(self, request, *args, **kwargs):
        serializer = CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["photos"] = request.FILES.getlist("photos") if request.FILES else []
        case = services.case_create(actor=request.user, **data)
        duplicates = selectors.duplicate_candidates(user=request.user, category=case.category,
                                                    latitude=case.latitude, longitude=case.longitude, exclude=case)
        case = selectors.case_detail(user=request.user, pk=case.pk)
        case.possible_duplicates = duplicates
        return Response(CaseCreatedSerializer(case, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class DuplicateList(APIView):
    """Open cases of a category within 100 m of a point, filed in the last 7 days (for the
    filing form and triage), nearest first."""

    @extend_schema(parameters=[DuplicateQuerySerializer], responses={200: DuplicateSerializer(many=True)})
    def get(self, request):
        query = DuplicateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = selectors.duplicate_candidates(user=request.user, **query.validated_data)
        return Response(DuplicateSerializer(found, many=True).data)


class CaseReveal(APIView):
    """The reporter's unmasked name and phone, for dispatch staff only; every call is logged."""

    @extend_schema(request=None, responses={200: PersonalDataSerializer})
    def post(self, request, pk):
        case = Case.objects.visible_to(request.user).filter(pk=pk).first()
        if case is None:
            raise OutOfScope("No such case.")
        name, phone = services.case_reveal_personal_data(case=case, actor=request.user, via="api")
        response = Response({"reporter_name": name, "reporter_phone": phone})
        response["Cache-Control"] = "no-store"
        return response


class CaseCallbackRating(APIView):
    """回访: dispatch staff record the rating a resident gave by phone (a closed case, once).
    Dissatisfied reopens the case for the dispatcher's decision."""

    @extend_schema(request=RatingSerializer, responses={200: CaseDetailSerializer})
    def post(self, request, pk):
        case = Case.objects.visible_to(request.user).filter(pk=pk).first()
        if case is None:
            raise OutOfScope("No such case.")
        rating = RatingSerializer(data=request.data)
        rating.is_valid(raise_exception=True)
        services.case_rate(case=case, actor=request.user, source=RatingSource.CALLBACK, **rating.validated_data)
        case = selectors.case_detail(user=request.user, pk=pk)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)


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
    accept, reject, merge, push_down (下派: target_area, override_reason), dispatch, sign, return, request_extension, grant_extension,
    refuse_extension, resolve, resolve_on_spot, resolve_locally, verify, reopen, close,
    confirm_close. 409 when the case's state does not allow it now (someone acted first),
    403 when your role may not, 404 when the case is not yours to see."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ActionSerializer, "application/json": ActionSerializer},
                   responses={200: CaseDetailSerializer})
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
