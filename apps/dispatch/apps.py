from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "apps.dispatch"
    label = "dispatch"

    def ready(self):
        # After-commit receivers of case events (apps/cases/signals_out.py): the bell and
        # email, and status changes back to the 12345 hotline.
        from apps.cases import signals_out

        from . import hotline, hotline_tasks, notifications, whistle, whistle_tasks  # noqa: F401 (tasks register)

        signals_out.register(notifications.on_case_event)
        signals_out.register(hotline.on_case_event)
        whistle.register_with_escalation()
