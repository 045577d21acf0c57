from django.urls import path

from . import views

app_name = "lti"

urlpatterns = [
    path("lti/jwks.json", views.jwks, name="jwks"),
    path("lti/login/", views.oidc_login, name="login"),
    path("lti/launch/", views.launch, name="launch"),
    path("lti/deep-link/", views.deep_link_picker, name="deep-link"),
    path("lti/deep-link/place/", views.deep_link_place, name="deep-link-place"),
    path("lti/courses/<uuid:course_uuid>/link/", views.link_context, name="link-context"),
    path("lti/courses/<uuid:course_uuid>/roster-sync/", views.roster_sync, name="roster-sync"),
]
