from django.urls import path

from . import views

urlpatterns = [
    path("lists/", views.ListsInForce.as_view(), name="api-lists"),
    path("lists/<int:pk>/", views.ListInForce.as_view(), name="api-list-detail"),
    path("lists/<int:pk>/imports/", views.ImportCreate.as_view(), name="api-list-import"),
    path("list-imports/<int:pk>/", views.ImportDetail.as_view(), name="api-list-import-detail"),
]
