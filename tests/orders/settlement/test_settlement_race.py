"""Two staff members approve the same confirmed statement at the same moment, from two
threads with their own database connections, twenty rounds: exactly one approval each
time (one audit row, one approver); the other is told the statement is already approved.
``statement_approve`` locks the row with ``select_for_update``; on PostgreSQL the loser
waits for the lock and then sees ``approved``. SQLite has no row locks and serialises
writers: there the loser may instead get "database is locked" — still no second approval.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, connections
from django.utils import timezone

from orders.models import SettlementStatement, StatementStatus
from orders.services.settlement import statement_approve, statement_confirm, statement_generate
from shop.common.audit import audit_events_for
from tests.factories import UserFactory
from tests.orders.settlement.helpers import paid_order, ship_and_accept

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 20


def _race(statement_id: int, checkers) -> list[object]:
    barrier = threading.Barrier(len(checkers))
    outcomes: list[object] = [None] * len(checkers)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[i] = statement_approve(actor=checkers[i], statement_id=statement_id).approved_by_id
        except ValidationError as exc:
            outcomes[i] = exc.code
        except OperationalError as exc:
            outcomes[i] = f"db: {exc}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(checkers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_two_staff_approving_the_same_statement_give_one_approval(world):
    checkers = [UserFactory(username="checker-1", is_staff=True), UserFactory(username="checker-2", is_staff=True)]
    today = timezone.localdate()
    for _ in range(ROUNDS):
        ship_and_accept(world, paid_order(world, items=[(world.variant_a, 1)]))
        statement = statement_generate(actor=world.staff, supplier_id=world.supplier_a.pk,
                                       period_start=today.replace(day=1), period_end=today)
        statement_confirm(actor=world.owner_a, statement_id=statement.pk)
        outcomes = _race(statement.pk, checkers)
        winners = [o for o in outcomes if isinstance(o, int)]
        losers = [o for o in outcomes if not isinstance(o, int)]
        assert len(winners) == 1, outcomes
        if connection.vendor == "postgresql":
            assert losers == ["invalid_state"], outcomes
        else:
            assert losers[0] == "invalid_state" or "locked" in str(losers[0]), outcomes
        statement = SettlementStatement.objects.get(pk=statement.pk)
        assert statement.status == StatementStatus.APPROVED and statement.approved_by_id == winners[0]
        assert audit_events_for(statement).filter(action="settlement.approve").count() == 1
