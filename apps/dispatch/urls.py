from django.urls import path

from .views import queue as queue_views

app_name = "dispatch"
urlpatterns = [
    path("queue/", queue_views.queue, name="queue"),
    path("tickets/", queue_views.tickets, name="tickets"),
]
