from collections.abc import Sequence

from orders.models import Campaign, Fulfilment, Order, OrderEvent, OrderLine, Payment
from shop.graphql.core.loaders import Loader, by_key, grouped
from shop.regions.models import Region


class CampaignCountiesLoader(Loader):
    def batch_load(self, keys: Sequence[int]) -> list[list[Region]]:
        links = (
            Campaign.counties.through.objects.filter(campaign_id__in=keys)
            .select_related("region")
            .order_by("region_id")
        )
        return [[link.region for link in group] for group in grouped(links, keys, lambda link: link.campaign_id)]


# --- Orders: one query per relation and page, whatever the number of orders ---------------


class OrderLinesByOrderIdLoader(Loader):
    def batch_load(self, keys: Sequence[int]) -> list[list[OrderLine]]:
        return grouped(OrderLine.objects.filter(order_id__in=keys).order_by("id"), keys, lambda line: line.order_id)


class OrderLinesByFulfilmentIdLoader(Loader):
    def batch_load(self, keys: Sequence[int]) -> list[list[OrderLine]]:
        rows = OrderLine.objects.filter(fulfilment_id__in=keys).order_by("id")
        return grouped(rows, keys, lambda line: line.fulfilment_id)


class FulfilmentsByOrderIdLoader(Loader):
    def batch_load(self, keys: Sequence[int]) -> list[list[Fulfilment]]:
        rows = Fulfilment.objects.filter(order_id__in=keys).select_related("supplier").order_by("id")
        return grouped(rows, keys, lambda f: f.order_id)


class EventsByOrderIdLoader(Loader):
    def batch_load(self, keys: Sequence[int]) -> list[list[OrderEvent]]:
        rows = (
            OrderEvent.objects.filter(order_id__in=keys)
            .select_related("actor", "fulfilment__supplier")
            .order_by("id")
        )
        return grouped(rows, keys, lambda e: e.order_id)


class PaymentsByOrderIdLoader(Loader):
    def batch_load(self, keys: Sequence[int]) -> list[list[Payment]]:
        return grouped(Payment.objects.filter(order_id__in=keys).order_by("id"), keys, lambda p: p.order_id)


class OrderByIdLoader(Loader):
    def batch_load(self, keys: Sequence[int]) -> list[Order | None]:
        rows = Order.objects.filter(id__in=keys).select_related("organization", "placed_by")
        return by_key(rows, keys, lambda o: o.id)
