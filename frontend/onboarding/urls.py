"""Login, the supplier application, county review, documents and the team.

Included at the site root; the team page sits under /portal/team/ next to the portal.
"""

from django.urls import path

from frontend.onboarding import coordinator, documents, team, views

app_name = "onboarding"

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/home/", views.account_home, name="account_home"),
    path("join/", views.join, name="join"),
    path("join/status/", views.join_status, name="join_status"),
    path("coordinator/", coordinator.coordinator_list, name="coordinator_list"),
    path("coordinator/<int:pk>/", coordinator.coordinator_detail, name="coordinator_detail"),
    path("coordinator/<int:pk>/recommend/", coordinator.coordinator_recommend, name="coordinator_recommend"),
    path("coordinator/<int:pk>/reject/", coordinator.coordinator_reject, name="coordinator_reject"),
    path("coordinator/<int:pk>/approve/", coordinator.coordinator_approve, name="coordinator_approve"),
    path("documents/suppliers/<int:pk>/licence/", documents.supplier_licence, name="supplier_licence"),
    path("documents/certifications/<int:pk>/", documents.certification_document, name="certification_document"),
    path("portal/team/", team.team, name="team"),
    path("portal/team/invitations/<int:pk>/revoke/", team.team_revoke, name="team_revoke"),
    path("portal/team/members/<int:pk>/remove/", team.team_remove, name="team_remove"),
    path("invite/<str:token>/", team.invitation, name="invitation"),
]
