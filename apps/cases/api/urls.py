from django.urls import path

from . import views

urlpatterns = [
    path("cases/", views.CaseListCreate.as_view(), name="api-case-list"),
    path("cases/duplicates/", views.DuplicateList.as_view(), name="api-case-duplicates"),
    path("cases/<int:pk>/", views.CaseDetail.as_view(), name="api-case-detail"),
    path("cases/<int:pk>/reveal/", views.CaseReveal.as_view(), name="api-case-reveal"),
    path("cases/<int:pk>/rating/", views.CaseCallbackRating.as_view(), name="api-case-rating"),
    path("cases/<int:pk>/actions/<slug:action>/", views.CaseAction.as_view(), name="api-case-action"),
    path("categories/", views.CategoryList.as_view(), name="api-category-list"),
]
