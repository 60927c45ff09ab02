"""Who is asking: the session's user, as mutations and private queries check it."""

from typing import Any

import graphene

from shop.graphql.core.mutations import login_required_error, permission_denied


def user_of(info: graphene.ResolveInfo) -> Any | None:
    """The logged-in, active user of the request, or None."""
    user = getattr(info.context, "user", None)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user


def require_user(info: graphene.ResolveInfo) -> Any:
    user = user_of(info)
    if user is None:
        raise login_required_error()
    return user


def require_staff(info: graphene.ResolveInfo, *, perm: str | None = None) -> Any:
    """Platform staff (with ``perm`` when given, as the admin's actions require it)."""
    user = require_user(info)
    if not user.is_staff or (perm is not None and not user.has_perm(perm)):
        raise permission_denied()
    return user
