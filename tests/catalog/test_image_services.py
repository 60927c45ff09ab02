"""The product image services and the thumbnail task, in-process and through a real Celery
worker."""

import threading
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from kombu import pools as kombu_pools

from catalog.errors import CatalogErrorCode
from catalog.models import ProductImage
from catalog.services.images import (
    product_image_add,
    product_image_delete,
    product_image_set_main,
    product_images_reorder,
)
from catalog.tasks import make_thumbnails
from shop.celery import app as celery_app
from tests.catalog.image_files import decoded, image_bytes, upload
from tests.factories import ProductFactory

# --- services and the task ----------------------------------------------------------------


@pytest.fixture
def product(regions):
    return ProductFactory()


def add(product, *, name="p.jpg", fmt="JPEG", size=(1200, 800), **kwargs) -> ProductImage:
    return product_image_add(
        product=product, upload=upload(image_bytes(fmt, size=size), name=name), **kwargs
    )


def stored(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


def test_add_stores_the_normalized_file_under_a_random_name_and_makes_thumbnails(
    product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = add(product, name="../../我的照片.jpg", fmt="PNG", alt=" 龙川山茶油 ")

    image.refresh_from_db()
    assert image.image.name.startswith("products/") and image.image.name.endswith(".png")
    assert "我的照片" not in image.image.name and ".." not in image.image.name
    assert (image.width, image.height, image.alt, image.position) == (1200, 800, "龙川山茶油", 0)
    assert decoded(default_storage.open(image.image.name).read()).format == "PNG"
    assert sorted(image.thumbnails, key=int) == ["160", "480", "960"]
    for size, name in image.thumbnails.items():
        thumb = decoded(default_storage.open(name).read())
        assert thumb.format == "WEBP" and thumb.width == int(size)
    assert image.thumbnail_url(400).endswith(image.thumbnails["480"])


def test_add_appends_or_inserts_at_a_position(product):
    first, second = add(product), add(product)
    front = add(product, position=0)
    middle = add(product, position=2)
    order = list(product.images.values_list("id", "position"))
    assert order == [(front.id, 0), (first.id, 1), (middle.id, 2), (second.id, 3)]


def test_a_refused_upload_leaves_no_row_and_no_file(product, settings):
    with pytest.raises(ValidationError):
        add(product, fmt="GIF")
    with pytest.raises(ValidationError) as exc_info:
        add(product, alt="长" * 200)  # valid image, invalid alt text
    assert "alt" in exc_info.value.message_dict
    assert not product.images.exists()
    media = settings.MEDIA_ROOT / "products"
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_the_thumbnail_task_is_idempotent_and_ignores_missing_images(product, settings):
    image = add(product)  # on_commit does not fire inside the test transaction
    assert image.thumbnails == {}

    first = make_thumbnails.delay(image.id).get()
    second = make_thumbnails.delay(image.id).get()

    image.refresh_from_db()
    assert first == second == image.thumbnails
    assert all(stored(name) for name in image.thumbnails.values())
    thumbs = sorted(p.name for p in (settings.MEDIA_ROOT / "products" / "thumbs").iterdir())
    assert len(thumbs) == 3  # overwritten in place, no "_a1b2c3" copies
    assert make_thumbnails.delay(999_999).get() is None


def test_delete_removes_the_files_after_commit_and_closes_the_gap(
    product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        a, b, c = add(product), add(product), add(product)
    b.refresh_from_db()
    files = [b.image.name, *b.thumbnails.values()]
    assert len(files) == 4 and all(stored(n) for n in files)

    with django_capture_on_commit_callbacks(execute=True):
        product_image_delete(image=b)

    assert not any(stored(n) for n in files)
    assert list(product.images.values_list("id", "position")) == [(a.id, 0), (c.id, 1)]
    assert stored(a.image.name) and stored(c.image.name)
    product_image_delete(image=b)  # deleting twice is harmless


def test_reorder_sets_the_given_order_and_rejects_anything_but_the_exact_ids(product):
    a, b, c = add(product), add(product), add(product)
    foreign = add(ProductFactory())

    result = product_images_reorder(product=product, image_ids=[c.id, a.id, b.id])

    assert [img.id for img in result] == [c.id, a.id, b.id]
    assert list(product.images.values_list("id", flat=True)) == [c.id, a.id, b.id]
    for bad in ([c.id, a.id], [c.id, a.id, b.id, foreign.id], [c.id, a.id, foreign.id],
                [c.id, a.id, a.id], [c.id, a.id, "x"]):
        with pytest.raises(ValidationError) as exc_info:
            product_images_reorder(product=product, image_ids=bad)
        assert "image_ids" in exc_info.value.message_dict
    assert list(product.images.values_list("id", flat=True)) == [c.id, a.id, b.id]
    assert list(foreign.product.images.values_list("position", flat=True)) == [0]


def test_set_main_moves_the_image_first_and_keeps_the_others_in_order(product):
    a, b, c = add(product), add(product), add(product)

    main = product_image_set_main(image=c)

    assert main.position == 0
    assert list(product.images.values_list("id", "position")) == [(c.id, 0), (a.id, 1), (b.id, 2)]
    b.delete()
    with pytest.raises(ValidationError) as exc_info:
        product_image_set_main(image=b)
    assert exc_info.value.code == CatalogErrorCode.NOT_FOUND.value


# --- a real worker ------------------------------------------------------------------------


def _forget_broker_connections() -> None:
    """Drop the app's cached connection and producer pools (as Celery does after a fork):
    eager calls already built them for the previous broker URL."""
    celery_app.pool.force_close_all()
    kombu_pools.reset()  # kombu's global pools, keyed by URL, would hand the closed pool back
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def real_worker(settings):
    """An in-process Celery worker on the configured broker (Redis in CI) or ``memory://``.

    On Redis every key gets a prefix of its own, so that a worker of another test run sharing
    the same Redis database cannot take this test's task (nor this worker take theirs).
    Yields an event set when ``make_thumbnails`` has run.
    """
    conf = celery_app.conf
    keys = ("task_always_eager", "broker_url", "broker_transport_options")
    previous = {key: conf[key] for key in keys}
    conf.task_always_eager = False
    prefix = f"test-images-{uuid.uuid4().hex[:12]}:"
    if settings.CELERY_BROKER_URL:
        conf.broker_transport_options = {**previous["broker_transport_options"], "global_keyprefix": prefix}
    else:
        conf.broker_url = "memory://"
    _forget_broker_connections()
    done = threading.Event()

    def on_postrun(sender=None, **kwargs):
        if sender is not None and sender.name == make_thumbnails.name:
            done.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(celery_app, perform_ping_check=False):
            yield done
    finally:
        task_postrun.disconnect(on_postrun)
        conf.update(previous)
        _forget_broker_connections()
        if settings.CELERY_BROKER_URL.startswith("redis"):
            import redis

            client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
            for key in client.scan_iter(match=f"{prefix}*"):
                client.delete(key)


def test_thumbnails_are_made_by_a_real_worker_after_commit(transactional_db, regions, real_worker):
    product = ProductFactory()

    image = add(product, size=(1000, 500))  # commits; on_commit sends the task to the broker

    assert real_worker.wait(timeout=60), "the worker did not run make_thumbnails in time"
    for _attempt in range(50):  # bounded: the row is saved before task_postrun fires
        image.refresh_from_db()
        if image.thumbnails:
            break
        time.sleep(0.1)
    assert sorted(image.thumbnails, key=int) == ["160", "480", "960"]
    assert decoded(default_storage.open(image.thumbnails["960"]).read()).size == (960, 480)
