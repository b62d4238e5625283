"""API: read the lists in force (public, like the pages) and import files (staff, scoped)."""
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.exceptions import InvalidInput, OutOfScope

from .. import selectors, services
from ..models import ImportJob, Inventory, Version
from .serializers import ImportJobSerializer, ImportUploadSerializer, VersionDetailSerializer, VersionSummarySerializer


class ListsInForce(generics.ListAPIView):
    """Every list in force (public, no personal data). Filter with ?kind= and ?area=<area code>."""

    permission_classes = [AllowAny]
    serializer_class = VersionSummarySerializer

    def get_queryset(self):
        qs = selectors.public_versions()
        if self.request.query_params.get("kind"):
            qs = qs.filter(inventory__kind=self.request.query_params["kind"])
        if self.request.query_params.get("area"):
            qs = qs.filter(inventory__area__code=self.request.query_params["area"])
        return qs


class ListInForce(generics.RetrieveAPIView):
    """One list's version in force with its items (public). ?q= searches the items."""

    permission_classes = [AllowAny]
    serializer_class = VersionDetailSerializer

    def get_object(self):
        version = (Version.objects.in_force().filter(inventory_id=self.kwargs["pk"])
                   .select_related("inventory__area").annotate(item_count=Count("items")).first())
        if version is None:
            raise Http404
        version.items_for_api = selectors.public_items(version, search=self.request.query_params.get("q") or None)
        return version

    def retrieve(self, request, *args, **kwargs):
        version = self.get_object()
        data = self.get_serializer(version).data
        from .serializers import ItemSerializer

        data["items"] = ItemSerializer(version.items_for_api, many=True).data
        return Response(data)


class ImportCreate(APIView):
    """Upload a CSV/XLSX file into a new draft of the list. Answers 202 with the job; poll
    the job until `status` is `applied` (then `version_id` is the draft) or `failed`
    (then `errors` names every bad row and nothing was applied)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer}, responses={202: ImportJobSerializer})
    def post(self, request, pk):
        inventory = Inventory.objects.visible_to(request.user).filter(pk=pk).first()
        if inventory is None:
            raise OutOfScope(_("No such list."))
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput(_("Choose a file."), field="file")
        job = services.import_start(inventory=inventory, actor=request.user, filename=upload.name,
                                    content=upload.read())
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportDetail(generics.RetrieveAPIView):
    """An import's progress and, when finished, its outcome."""

    permission_classes = [IsAuthenticated]
    serializer_class = ImportJobSerializer

    def get_queryset(self):
        return (ImportJob.objects.filter(inventory__in=Inventory.objects.visible_to(self.request.user))
                .select_related("version").defer("content"))
