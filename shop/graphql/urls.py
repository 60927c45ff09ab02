from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from shop.graphql.views import ShopGraphQLView

# CSRF-exempt: the API is read-only and public; it does not use the session for anything.
urlpatterns = [
    path("", csrf_exempt(ShopGraphQLView.as_view()), name="graphql"),
]
