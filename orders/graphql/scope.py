"""Who is looking at an order, carried on the objects the API returns.

The same ``Order`` type serves three viewers: a member of the buying organization (sees
everything, including a pending card payment's client secret), platform staff (everything
but client secrets) and a supplier (only its own fulfilment and lines, no amounts of the
whole order, no invoice, no payments). Resolvers that return an order or a fulfilment mark
a copy of it with the viewer; an object nobody marked is shown as to nobody (fail closed).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
_ATTR = "_graphql_viewer"


@dataclass(frozen=True)
class Viewer:
    member: bool = False  # of the buying organization
    staff: bool = False
    supplier_id: int | None = None  # a supplier's view: only its own part

    @property
    def is_supplier(self) -> bool:
        return not (self.member or self.staff)

    def sees_supplier(self, supplier_id: int) -> bool:
        return not self.is_supplier or supplier_id == self.supplier_id


MEMBER = Viewer(member=True)
STAFF = Viewer(staff=True)
NOBODY = Viewer(supplier_id=None)


def supplier_viewer(supplier_id: int) -> Viewer:
    return Viewer(supplier_id=supplier_id)


def scoped(obj: T, viewer: Viewer) -> T:
    """A shallow copy of ``obj`` marked with ``viewer`` (loaders share instances)."""
    if obj is None:
        return obj
    marked = copy.copy(obj)
    setattr(marked, _ATTR, viewer)
    return marked


def viewer_of(obj: object) -> Viewer:
    return getattr(obj, _ATTR, NOBODY)
