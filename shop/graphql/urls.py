from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from shop.graphql.views import ShopGraphQLView

# CSRF-exempt for the middleware only: the view checks CSRF itself for logged-in sessions
# (see shop.graphql.core.csrf); anonymous requests need no token.
urlpatterns = [
    path("", csrf_exempt(ShopGraphQLView.as_view()), name="graphql"),
]
