from django.urls import path

from . import views

urlpatterns = [
    path("hotline/cases/", views.hotline_case, name="api-hotline-case"),
]
