from django.urls import path

from . import views

urlpatterns = [
    path("cases/", views.CaseListCreate.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", views.CaseDetail.as_view(), name="api-case-detail"),
    path("cases/<int:pk>/actions/<slug:action>/", views.CaseAction.as_view(), name="api-case-action"),
    path("categories/", views.CategoryList.as_view(), name="api-category-list"),
]
