"""Order e-mails: sent through the Celery task after commit, one per recipient and event,
in Chinese, each supplier told only about its own lines; a rerun of the task sends nothing
new and a failed send is sent by the retry."""

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.cache import cache

from orders.models import OrderEvent, OrderEventKind, PaymentMethod
from orders.services.fulfilment import fulfilment_ship, order_accept
from orders.services.notifications import Message, render
from orders.services.payments import order_mark_paid
from orders.services.refunds import order_refund
from orders.services.status import order_event_record
from orders.tasks import order_event_notify
from tests.world import key, place

pytestmark = pytest.mark.django_db

SITE = "https://xiaofei.example"
PLATFORM_ZH = "消费帮扶平台"  # the platform's name in the Chinese catalogue


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service and then its after-commit callbacks (the notify task), as in production."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def sent(since=0):
    return [(m.to[0], m.subject, m.body) for m in mail.outbox[since:]]


def to(since=0):
    return sorted(m.to[0] for m in mail.outbox[since:])


def test_mail_at_each_step_once_per_recipient(world, committed):
    order = committed(lambda: place(world))
    assert to() == [world.purchaser_a.email]
    (_, subject, body), = sent()
    assert PLATFORM_ZH in subject and order.number in subject
    assert f"{SITE}/orders/{order.pk}/" in body
    assert "¥312.50" in body and "龙川山茶油" in body and "都安山羊肉" in body

    n = len(mail.outbox)
    committed(lambda: order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen))
    assert to(n) == sorted([world.purchaser_a.email, world.owner_a.email, world.owner_b.email])
    by_recipient = {m.to[0]: m for m in mail.outbox[n:]}
    fa, fb = order.fulfilments.order_by("id")
    mail_a, mail_b = by_recipient[world.owner_a.email], by_recipient[world.owner_b.email]
    # Each supplier reads only its own part: its lines, its subtotal, its portal page.
    assert "都安山羊肉" in mail_b.body and "¥136.50" in mail_b.body
    assert "龙川山茶油" not in mail_b.body and "¥176.00" not in mail_b.body and "¥312.50" not in mail_b.body
    assert f"{SITE}/portal/orders/{fb.pk}/" in mail_b.body and f"/orders/{order.pk}/" not in mail_b.body
    assert "龙川山茶油" in mail_a.body and "都安山羊肉" not in mail_a.body
    assert f"{SITE}/portal/orders/{fa.pk}/" in mail_a.body
    assert world.address_a.address in mail_b.body  # where to deliver
    for m in mail.outbox[n:]:
        assert PLATFORM_ZH in m.subject and order.number in m.subject

    n = len(mail.outbox)
    committed(lambda: fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="顺丰速运", tracking_number="SF123"))
    committed(lambda: fulfilment_ship(actor=world.owner_b, fulfilment=fb, carrier="中国邮政", tracking_number="EMS9"))
    assert to(n) == [world.purchaser_a.email] * 2
    assert "顺丰速运" in mail.outbox[n].body and "SF123" in mail.outbox[n].body
    assert "EMS9" in mail.outbox[n + 1].body

    n = len(mail.outbox)
    committed(lambda: order_accept(actor=world.approver_a, order=order, rating=5, comment="很好"))
    assert to(n) == [world.purchaser_a.email] * 3  # two deliveries accepted, order completed
    assert "5" in mail.outbox[n].body and "很好" in mail.outbox[n].body

    # Running the task again for every event sends nothing new — even after the cache is
    # flushed: what was sent is recorded in the database.
    from django.core.cache import cache

    cache.clear()
    total = len(mail.outbox)
    for event_id in OrderEvent.objects.filter(order=order).values_list("pk", flat=True):
        assert order_event_notify.delay(event_id).get() == 0
    assert len(mail.outbox) == total
    # One e-mail per (event, recipient): no recipient got the same subject twice.
    subjects = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(subjects) == len(set(subjects))


def test_approval_request_goes_to_approvers_and_admins(world, committed):
    order = committed(lambda: place(world, items=[(world.variant_a, 12)]))  # ¥1,056 > ¥1,000
    assert to() == sorted([world.purchaser_a.email, world.approver_a.email, world.admin_a.email])
    approvers = [m for m in mail.outbox if m.to[0] != world.purchaser_a.email]
    assert all(order.number in m.subject and f"{SITE}/orders/{order.pk}/" in m.body for m in approvers)
    assert world.purchaser_b.email not in to()


def test_partial_refund_tells_only_the_supplier_concerned(world, committed):
    order = place(world)
    order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen)
    line_b = order.lines.get(supplier=world.supplier_b)
    n = len(mail.outbox)
    committed(lambda: order_refund(
        actor=world.staff, order=order, reason="一袋破损", idempotency_key=key(),
        line_amounts={line_b.pk: 4550},
    ))
    assert to(n) == sorted([world.purchaser_a.email, world.owner_b.email])
    supplier_mail = next(m for m in mail.outbox[n:] if m.to[0] == world.owner_b.email)
    assert "¥45.50" in supplier_mail.body and "一袋破损" in supplier_mail.body and "都安山羊肉" in supplier_mail.body
    assert "龙川山茶油" not in supplier_mail.body


def test_flagged_receipt_goes_to_staff(world, committed):
    order = place(world)
    n = len(mail.outbox)
    committed(lambda: order_event_record(order=order, kind=OrderEventKind.RECEIPT_FLAGGED, message="金额不符"))
    assert to(n) == [world.staff.email]
    assert order.number in mail.outbox[n].subject and "金额不符" in mail.outbox[n].body


def test_failed_send_is_sent_by_the_retry_once(world, settings):
    order = place(world)  # outside on_commit capture: nothing sent yet
    event = order.events.get(kind=OrderEventKind.PLACED)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens
    with pytest.raises(Retry):  # the task is scheduled again (with backoff in a real worker)
        order_event_notify.delay(event.pk).get()
    assert mail.outbox == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert order_event_notify.delay(event.pk).get() == 1
    assert order_event_notify.delay(event.pk).get() == 0
    cache.clear()  # the claim is in the database: a cache flush does not send it again
    assert order_event_notify.delay(event.pk).get() == 0
    assert to() == [world.purchaser_a.email]


def test_subject_follows_the_recipient_language(world):
    order = place(world)
    context = {"number": order.number, "organization": "x", "total": "¥1.00", "parts": [], "url": "/"}
    zh_subject, _ = render(Message("completed", "a@example.com", context))
    en_subject, _ = render(Message("completed", "a@example.com", context, language="en"))
    assert zh_subject.startswith(f"[{PLATFORM_ZH}]") or zh_subject.startswith(f"【{PLATFORM_ZH}】")
    assert en_subject.startswith("[Consumption assistance platform]")
    assert order.number in zh_subject and order.number in en_subject
