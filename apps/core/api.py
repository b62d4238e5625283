"""Shared API pieces: domain exceptions become clear 4xx JSON answers, never a 500."""
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import DomainError, InvalidInput


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code}
        if isinstance(exc, InvalidInput) and exc.field:
            body = {exc.field: [exc.message], "detail": exc.message, "code": exc.code}
        return Response(body, status=exc.status_code)
    return drf_exception_handler(exc, context)


CONFLICT = status.HTTP_409_CONFLICT
