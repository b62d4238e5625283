from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def notification_bell():
    """The bell for templates/base.html's nav. The unread count is fetched by htmx after the
    page loads (and every minute), so no page pays a query for it; without JS the bell is
    a plain link to the notifications."""
    return format_html(
        '<li class="bell" hx-get="{}" hx-trigger="load, every 60s" hx-swap="innerHTML">'
        '<a href="{}" data-testid="bell" aria-label="{}">🔔</a></li>',
        reverse("dispatch:bell"), reverse("dispatch:notifications"), _("Notifications"))


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)
