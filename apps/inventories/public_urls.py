"""Public, read-only pages of the lists in force: no login, no personal data (they are in
PUBLIC of tests/core/test_every_url_is_scoped.py)."""
from django.urls import path

from . import views

app_name = "lists"

urlpatterns = [
    path("", views.public_index, name="index"),
    path("<int:pk>/", views.public_list, name="detail"),
]
