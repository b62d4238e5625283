from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("mine/", views.case_mine, name="mine"),
    path("new/", views.case_create, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.case_act, name="act"),
    path("<int:pk>/photos/<int:photo_pk>/<str:size>.jpg", views.case_photo, name="photo"),
]
