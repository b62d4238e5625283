"""Demo data of the dispatch work (called once from apps/core/demo/build.py): the hotline
account, and one directive from the county so the directive pages have something to show.
Idempotent: a second seed adds nothing."""
from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import Role, User
from apps.grids.models import Level

from .directive_models import Directive, DirectiveChannel


def seed_dispatch(county):
    hotline = User.objects.filter(username="hotline").first() or User(username="hotline")
    hotline.role, hotline.area, hotline.last_name = Role.COUNTY_DISPATCHER, county, "12345热线"
    hotline.set_unusable_password()  # files through the signed API only, never logs in
    hotline.save()
    sender = User.objects.filter(role=Role.COUNTY_DISPATCHER, area=county).exclude(pk=hotline.pk).order_by("pk").first()
    channel = DirectiveChannel.objects.filter(code="coordination").first()
    if sender is None or channel is None or Directive.objects.filter(sender_area=county).exists():
        return
    from .directives import directive_send

    directive_send(actor=sender, channel=channel, title="开展汛前安全隐患排查",
                   body="各乡镇（街道）于本周内完成辖区河道、危房、地下空间隐患排查，并反馈排查结果。",
                   areas=list(county.children.filter(level=Level.TOWNSHIP)),
                   due_at=timezone.now() + timedelta(days=7))
