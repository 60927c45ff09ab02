from django.urls import include, path

from frontend import views

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.catalog, name="catalog"),
    path("products/suggest/", views.suggest, name="suggest"),
    path("products/<slug:slug>/", views.product, name="product"),
    path("trace/<slug:slug>/", views.trace, name="trace"),
    path("trace/<slug:slug>/qr.svg", views.trace_qr, name="trace_qr"),
    path("suppliers/<slug:slug>/", views.supplier, name="supplier"),
    path("counties/<slug:slug>/", views.county, name="county"),
    # Supplier application, county coordinators, login, invitations.
    path("", include("frontend.onboarding.urls")),
    # Buyers: cart, checkout, payment, the organization's orders.
    path("", include("frontend.buying.urls")),
    # Buyer accounts: registration, password reset, members, addresses.
    path("account/", include("frontend.account.urls")),
    # The procurement tally: progress, leaderboard, big screen, organization and supplier pages.
    path("", include("frontend.tally.urls")),
    # Reports (XLSX/CSV exports) for staff and organization admins.
    path("reports/", include("frontend.reports.urls")),
    # The supplier portal.
    path("portal/", include("frontend.portal.urls")),
]
