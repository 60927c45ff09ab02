"""The signed-in user of a request, typed as such."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from shop.accounts.models import User


def request_user(request: HttpRequest) -> User:
    """``request.user`` in a view that only signed-in users reach (the admin, ``login_required``
    and the access decorators): the services that act for a user take a ``User``, never an
    ``AnonymousUser``. Refuses the request if it is not signed in after all."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user
