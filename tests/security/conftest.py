"""Fixtures of the hostile-client tests: the staff client of the admin tests."""

from tests.admin.conftest import staff, superuser  # noqa: F401
