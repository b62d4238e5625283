"""The bell: my notifications, mark read."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import notifications
from ..notification_models import Notification


@login_required
def notification_list(request):
    page = Paginator(Notification.objects.filter(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "dispatch/notifications.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one read and follow its link."""
    found = Notification.objects.filter(user=request.user, pk=pk).first()
    if found is None:
        raise Http404
    notifications.mark_read(user=request.user, notification_id=pk)
    target = found.url if url_has_allowed_host_and_scheme(found.url, allowed_hosts={request.get_host()}) else ""
    return redirect(target or "dispatch:notifications")


@login_required
@require_POST
def notification_read_all(request):
    notifications.mark_read(user=request.user)
    return redirect("dispatch:notifications")


@login_required
def bell(request):
    """htmx fragment: the bell with the unread count (one query)."""
    return render(request, "dispatch/_bell.html", {"unread": notifications.unread_count(request.user)})
