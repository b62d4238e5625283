from django.urls import path

from .views import directives, notifications, queue, tickets, whistles

app_name = "dispatch"
urlpatterns = [
    path("queue/", queue.queue, name="queue"),
    path("queue/<int:pk>/<slug:action>/", queue.queue_act, name="queue-act"),
    path("tickets/", tickets.tickets, name="tickets"),
    path("tickets/<int:pk>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/act/<slug:action>/", tickets.ticket_act, name="ticket-act"),
    path("whistles/", whistles.whistle_list, name="whistles"),
    path("whistles/report-rates/", whistles.report_stats, name="report-stats"),
    path("cases/<int:pk>/whistle/", whistles.whistle_blow, name="whistle-blow"),
    path("summonses/<int:pk>/report/", whistles.summons_report, name="summons-report"),
    path("summonses/<int:pk>/rate/", whistles.summons_rate, name="summons-rate"),
    path("directives/", directives.directive_list, name="directives"),
    path("directives/new/", directives.directive_new, name="directive-new"),
    path("directives/<int:pk>/", directives.directive_detail, name="directive"),
    path("directives/<int:pk>/remind/", directives.directive_remind, name="directive-remind"),
    path("directives/recipients/<int:pk>/<slug:action>/", directives.recipient_act, name="directive-recipient-act"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/bell/", notifications.bell, name="bell"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification-open"),
    path("notifications/read-all/", notifications.notification_read_all, name="notifications-read-all"),
]
