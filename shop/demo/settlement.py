"""Demo settlement (结算): a statement for each demo supplier with accepted deliveries, left
in draft for supplier@demo.cn to confirm or object in the portal (结算), then for
admin@demo.cn to approve (staff@demo.cn generated it: maker–checker) and mark paid.
Idempotent: a supplier that already has a statement gets none. The demo holds a single
accepted order, so there is one statement; the other states are reached by clicking."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from orders.models import Fulfilment, FulfilmentStatus, SettlementStatement
from orders.services.settlement import statement_generate
from shop.accounts.models import User


def seed_demo_settlement() -> int:
    maker = User.objects.filter(email="staff@demo.cn").first() or User.objects.filter(email="admin@demo.cn").first()
    if maker is None:
        return 0
    today = timezone.localdate()
    supplier_ids = sorted(set(
        Fulfilment.objects.filter(status=FulfilmentStatus.ACCEPTED).values_list("supplier_id", flat=True)
    ) - set(SettlementStatement.objects.values_list("supplier_id", flat=True)))
    made = 0
    for supplier_id in supplier_ids:
        try:
            statement_generate(actor=maker, supplier_id=supplier_id, period_start=today.replace(day=1), period_end=today)
            made += 1
        except ValidationError:
            continue
    return made
