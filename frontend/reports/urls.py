"""Reports, included at /reports/ in the ``frontend`` namespace (names ``reports_*``)."""

from django.urls import path

from frontend.reports import views

urlpatterns = [
    path("", views.reports_home, name="reports_home"),
    path("<int:pk>/download/", views.reports_download, name="reports_download"),
]
