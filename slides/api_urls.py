from django.urls import path

from . import api

urlpatterns = [
    path("slides/", api.slide_list, name="api-slide-list"),
    path("slides/<uuid:slide_uuid>/", api.slide_detail, name="api-slide-detail"),
    path("slides/<uuid:slide_uuid>/review/", api.slide_review, name="api-slide-review"),
]
