"""Demo settlement (结算): one statement in each state, made through the settlement services.

Each accepted demo order whose plan names a statement state is stated on its own right
after its acceptance (so each statement holds that one delivery): staff@demo.cn generates
it, supplier@demo.cn confirms it or objects to it, admin@demo.cn approves it (a second staff
member: maker–checker) and marks it paid with a bank reference. A statement is only moved
forward from the state it is in, so running the seed again changes nothing and a run that
stopped half-way is completed by the next one.
"""

from __future__ import annotations

from collections import Counter

from django.utils import timezone

from orders.models import (
    Order,
    SettlementLine,
    SettlementLineKind,
    SettlementStatement,
    StatementStatus,
)
from orders.services.settlement import (
    statement_approve,
    statement_confirm,
    statement_generate,
    statement_mark_paid,
    statement_object,
)
from shop.accounts.models import User

T = StatementStatus
# The path a confirmed statement takes; "objected" is a branch off draft.
PATH = (T.DRAFT, T.CONFIRMED, T.APPROVED, T.PAID)
OBJECTION = "到货时有两件包装破损,请扣除破损部分的金额后重新出具对账单。"
PAYOUT_REFERENCE = "ICBC-DEMO-20200001"


def _statement_of(order: Order, supplier_owner: User) -> SettlementStatement | None:
    line = (SettlementLine.objects.filter(kind=SettlementLineKind.SALE, fulfilment__order=order,
                                          fulfilment__supplier__members__user=supplier_owner)
            .select_related("statement").order_by("pk").first())
    return line.statement if line else None


def settle_demo_order(*, order: Order, supplier_owner: User, target: str) -> SettlementStatement | None:
    """State the demo supplier's accepted delivery of ``order`` and bring that statement to
    ``target``. Raises the services' ValidationError when the demo was used in between."""
    maker = User.objects.filter(email="staff@demo.cn", is_staff=True).first()
    checker = User.objects.filter(email="admin@demo.cn", is_staff=True).first()
    fulfilment = order.fulfilments.filter(supplier__members__user=supplier_owner, status="accepted").first()
    if maker is None or checker is None or fulfilment is None:
        return None
    statement = _statement_of(order, supplier_owner)
    if statement is None:
        today = timezone.localdate()
        statement = statement_generate(actor=maker, supplier_id=fulfilment.supplier_id,
                                       period_start=today.replace(day=1), period_end=today)
    if target == T.OBJECTED:
        if statement.status == T.DRAFT:
            statement = statement_object(actor=supplier_owner, statement_id=statement.pk, reason=OBJECTION)
        return statement
    goal = PATH.index(target)
    if statement.status in (T.DRAFT, T.OBJECTED) and goal >= PATH.index(T.CONFIRMED):
        statement = statement_confirm(actor=supplier_owner, statement_id=statement.pk)
    if statement.status == T.CONFIRMED and goal >= PATH.index(T.APPROVED):
        statement = statement_approve(actor=checker, statement_id=statement.pk)
    if statement.status == T.APPROVED and goal >= PATH.index(T.PAID):
        statement = statement_mark_paid(actor=checker, statement_id=statement.pk, bank_reference=PAYOUT_REFERENCE)
    return statement


def demo_statement_states() -> dict[str, int]:
    """How many statements the demo holds in each state."""
    return dict(Counter(SettlementStatement.objects.values_list("status", flat=True)))
