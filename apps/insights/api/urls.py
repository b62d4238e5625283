from django.urls import path

from . import views

urlpatterns = [path("insights/summary/", views.Summary.as_view(), name="api-insights-summary")]
