"""The public procurement tally, included at "" in ``frontend.urls`` (namespace ``frontend``).

The fixed paths come before ``tally/<slug>/`` so that they are never read as a campaign."""

from django.urls import path

from frontend.tally import views

urlpatterns = [
    path("tally/", views.progress, name="tally_progress"),
    path("tally/leaderboard/", views.leaderboard_page, name="tally_leaderboard"),
    path("tally/screen/", views.screen, name="tally_screen"),
    path("tally/screen.json", views.screen_json, name="tally_screen_json"),
    path("tally/organizations/<int:pk>/", views.organization, name="tally_organization"),
    path("tally/suppliers/<slug:slug>/", views.supplier, name="tally_supplier"),
    path("tally/counties/<slug:value>/", views.county, name="tally_county"),
    path("tally/<slug:slug>/", views.progress, name="tally_campaign"),
]
