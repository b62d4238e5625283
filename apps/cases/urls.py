from django.urls import path

from . import public, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("mine/", views.case_mine, name="mine"),
    path("verify/", views.case_to_verify, name="to-verify"),
    path("new/", views.case_create, name="create"),
    path("duplicates/", views.duplicate_hints, name="duplicates"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.case_act, name="act"),
    path("<int:pk>/reveal/", views.case_reveal, name="reveal"),
    path("<int:pk>/callback/", views.case_callback, name="callback"),
    path("<int:pk>/photos/<int:photo_pk>/<str:size>.jpg", views.case_photo, name="photo"),
    # Public (no account): residents look their case up by number + access code.
    path("track/", public.track, name="track"),
    path("track/rate/", public.track_rate, name="track-rate"),
]
