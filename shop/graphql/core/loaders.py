"""Per-request batch loaders (graphql-sync-dataloaders).

A loader collects the keys that resolvers ask for while one level of the query executes
and runs one SQL query for all of them when ``DeferredExecutionContext`` flushes the
queue. Loaders live on the request (``info.context``) so nothing is cached across requests.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

from graphql_sync_dataloaders import SyncDataLoader, SyncFuture

T = TypeVar("T")
_STORE = "_graphql_loaders"


class Loader(SyncDataLoader):
    """Subclasses implement ``batch_load(keys) -> values`` in the order of ``keys``."""

    def __init__(self, context: Any) -> None:
        super().__init__(self.batch_load)
        self.context = context

    def batch_load(self, keys: Sequence[Any]) -> list[Any]:
        raise NotImplementedError


L = TypeVar("L", bound=Loader)


def loader(info: Any, cls: type[L]) -> L:
    """The request's instance of loader ``cls`` (created on first use)."""
    context = info.context
    store = getattr(context, _STORE, None)
    if store is None:
        store = {}
        setattr(context, _STORE, store)
    if cls not in store:
        store[cls] = cls(context)
    return store[cls]


def clear_loaders(info: Any) -> None:
    """Forget the request's loaders (and their cached rows), e.g. before a mutation writes."""
    if hasattr(info.context, _STORE):
        setattr(info.context, _STORE, {})


def grouped(rows: Iterable[T], keys: Sequence[Hashable], key: Callable[[T], Hashable]) -> list[list[T]]:
    """Rows grouped by ``key(row)``, one list per requested key (empty when none)."""
    groups: dict[Hashable, list[T]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return [groups.get(k, []) for k in keys]


def by_key(rows: Iterable[T], keys: Sequence[Hashable], key: Callable[[T], Hashable]) -> list[T | None]:
    index = {key(row): row for row in rows}
    return [index.get(k) for k in keys]


def then(value: Any, fn: Callable[[Any], Any]) -> Any:
    """Apply ``fn`` to a loader's result, now if it is ready, or when the batch runs."""
    if not isinstance(value, SyncFuture):
        return fn(value)
    if value.done():
        return fn(value.result())
    out = SyncFuture()
    # Keep the dispatch hook so that the executor still flushes the loader's queue.
    out.deferred_callback = value.deferred_callback

    def forward() -> None:
        try:
            out.set_result(fn(value.result()))
        except Exception as exc:  # noqa: BLE001 - re-raised by the executor as a field error
            out.set_exception(exc)

    value.add_done_callback(forward)
    return out


def prefetched(obj: Any, attr: str) -> list[Any] | None:
    """A ``to_attr`` list or a ``prefetch_related`` cache for ``attr``, else ``None``."""
    value = getattr(obj, attr, None) if not attr.startswith("_") else None
    if isinstance(value, list):
        return value
    cache = getattr(obj, "_prefetched_objects_cache", {})
    if attr in cache:
        return list(cache[attr])
    return None


def cached_related(obj: Any, name: str) -> tuple[bool, Any]:
    """(True, value) when the forward relation ``name`` was loaded with ``select_related``."""
    field = obj._meta.get_field(name)
    if field.is_cached(obj):
        return True, getattr(obj, name)
    return False, None


def related(info: Any, obj: Any, name: str, loader_cls: type[Loader]) -> Any:
    """A forward foreign key: the ``select_related`` value when loaded, else batched by id."""
    loaded, value = cached_related(obj, name)
    if loaded:
        return value
    key = getattr(obj, obj._meta.get_field(name).attname)
    return None if key is None else loader(info, loader_cls).load(key)
