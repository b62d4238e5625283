from django.urls import path

from . import views

app_name = "dispatch"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("tickets/", views.tickets, name="tickets"),
]
