from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle


class TokenView(ObtainAuthToken):
    """POST username + password → {"token": …}; send it as `Authorization: Token …`.
    Throttled, and django-axes locks a username + IP after repeated failures."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
