"""API of the dispatch app: the 12345 hotline's entry point.

Not a DRF view on purpose: the signature covers the raw body, which must be read before
any parser touches it, and the hotline has no user account or token — the HMAC is its
authentication (hence csrf_exempt)."""
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.core.exceptions import DomainError, InvalidInput

from .. import hotline


@csrf_exempt
@require_POST
def hotline_case(request):
    """POST /api/hotline/cases/: 201 with the new case, 200 with the same case on a repeat,
    401 on a bad signature, 400 with the field on bad input."""
    try:
        case, created = hotline.hotline_intake(
            body=request.body, signature=request.headers.get(hotline.SIGNATURE_HEADER, ""))
    except DomainError as exc:
        body = {"detail": exc.message, "code": exc.code}
        if isinstance(exc, InvalidInput) and exc.field:
            body[exc.field] = [exc.message]
        return JsonResponse(body, status=exc.status_code, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(
        {"id": case.pk, "number": case.number, "status": case.status, "hotline_id": case.external_id,
         "created": created},
        status=201 if created else 200, json_dumps_params={"ensure_ascii": False},
    )
