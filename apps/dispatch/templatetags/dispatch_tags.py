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
        '<a href="{}" data-testid="bell" aria-label="{}"><svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" style="vertical-align:-3px"><path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/><path d="M13.73 21a2 2 0 0 1-3.46 0"/></svg></a></li>',
        reverse("dispatch:bell"), reverse("dispatch:notifications"), _("Notifications"))


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)
