"""GraphQL enums built from Django ``TextChoices`` and domain error-code enums.

Member descriptions are the English labels, so the printed schema does not depend on the
active language.
"""

from enum import Enum as PyEnum

import graphene
from django.db.models import TextChoices
from django.utils import translation

from shop.graphql.core.errors import MutationErrorCode


def enum_from_choices(choices: type[TextChoices], *, name: str, description: str) -> type[graphene.Enum]:
    members = [(member.name, member.value) for member in choices]
    labels = {member.value: member.label for member in choices}

    def describe(member: PyEnum | None) -> str:
        if member is None:
            return description
        with translation.override("en"):
            return str(labels[member.value])

    return graphene.Enum.from_enum(PyEnum(name, members), name=name, description=describe)


def enum_from_error_codes(codes: type[PyEnum], *, name: str, description: str) -> type[graphene.Enum]:
    """`CatalogErrorCode.INVALID_FILTER = "invalid_filter"` becomes GraphQL `INVALID_FILTER`.

    The codes shared by every domain (``MutationErrorCode``: PERMISSION_DENIED, NOT_FOUND,
    INVALID_ID, INVALID_CHARACTERS) are added when the domain enum does not have them already.
    """
    members = [(member.name, member.value) for member in codes]
    names = {name for name, _value in members}
    members += [(member.name, member.value) for member in MutationErrorCode if member.name not in names]
    return graphene.Enum.from_enum(
        PyEnum(name, members), name=name, description=lambda m: None if m else description
    )
