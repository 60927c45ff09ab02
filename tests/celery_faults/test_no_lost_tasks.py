"""No lost tasks, with a real Redis and real ``celery worker`` processes (PostgreSQL):

* Redis is down while a buyer checks out: the checkout succeeds, its e-mail waits in the
  outbox; once Redis is back the relay publishes it and the buyer gets exactly one e-mail.
* A worker is killed with SIGKILL in the middle of a thumbnail task: another worker runs the
  task again after the (short, for the test) visibility timeout, and every photo gets its
  thumbnails.
"""

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from catalog.models import ProductImage
from catalog.services.images import product_images_add
from orders.models import OrderEvent
from orders.tasks import order_event_notify
from shop.common.models import EffectClaim, OutboxMessage
from shop.common.outbox import outbox_relay
from tests.catalog.test_images import image_bytes, upload
from tests.celery_faults.conftest import delivered_mail, requires_postgresql_and_redis, wait_for
from tests.factories import ProductFactory
from tests.world import build_order_world, place

pytestmark = [requires_postgresql_and_redis, pytest.mark.django_db(transaction=True)]


def test_redis_down_during_checkout_then_back_gives_exactly_one_email(
    regions, publish_to, start_worker, mail_dir
):
    redis = publish_to
    world = build_order_world()
    start_worker()
    wait_for(lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(), timeout=10,
             what="the world's own queued tasks to be sent")
    before = len(delivered_mail(mail_dir))

    redis.stop()
    order = place(world)  # committed; publishing its e-mail task fails
    row = OutboxMessage.objects.get(task=order_event_notify.name, sent_at__isnull=True)
    assert row.sent_at is None and row.last_error

    redis.start()  # empty: what was queued before the outage is gone too (no persistence)
    wait_for(outbox_relay, timeout=20, interval=0.5, what="the relay to publish the e-mail task")

    def order_mail():
        return [m for m in delivered_mail(mail_dir)[before:] if order.number in m[1]]

    (to, subject, body), = wait_for(order_mail, timeout=45, what="the order e-mail")
    assert to == world.purchaser_a.email and f"/orders/{order.pk}/" in body
    assert outbox_relay() == 0  # a second relay pass sends nothing again
    row.refresh_from_db()
    assert row.sent_at is not None
    assert sum(  # one e-mail claimed (shop.common.effects) among the order's events
        EffectClaim.objects.filter(key__startswith=f"order-mail:{pk}:").count()
        for pk in OrderEvent.objects.filter(order=order).values_list("pk", flat=True)
    ) == 1
    assert len(order_mail()) == 1


def test_a_worker_killed_mid_thumbnail_leaves_every_thumbnail_made(
    regions, publish_to, start_worker, tmp_path
):
    stall_dir = tmp_path / "stall"
    stall_dir.mkdir()
    doomed = start_worker(app="tests.celery_faults.stall_app", STALL_DIR=str(stall_dir))
    product = ProductFactory()
    images = product_images_add(product=product, uploads=[
        upload(image_bytes("JPEG", size=(1200, 800)), name=f"p{n}.jpg") for n in range(3)
    ])  # committed: three make_thumbnails tasks are published

    flag = wait_for(lambda: next(stall_dir.iterdir(), None), timeout=30, what="a thumbnail task to start")
    started = ProductImage.objects.get(pk=int(flag.name.removeprefix("started-")))
    assert started.thumbnails == {}  # mid-task: nothing made yet, the message not acknowledged
    doomed.kill()

    start_worker()  # a plain worker; the killed task comes back after the visibility timeout

    def all_made():
        return all(image.thumbnails for image in ProductImage.objects.filter(product=product))

    wait_for(all_made, timeout=45, interval=0.5, what="every image's thumbnails")
    for image in ProductImage.objects.filter(pk__in=[i.pk for i in images]):
        assert sorted(image.thumbnails, key=int) == ["160", "480", "960"]
        with default_storage.open(image.thumbnails["960"]) as handle:
            assert Image.open(handle).size == (960, 640)
