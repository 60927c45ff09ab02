"""The execution context that runs dataloader futures, adapted to graphql-core 3.2.14.

graphql-sync-dataloaders 0.1.1 calls ``handle_field_error(error, return_type)``, but
graphql-core 3.2.14 added a required ``path`` argument (used to skip errors below a
position that was already nulled). Without this adapter any resolver error crashes the
whole request with a ``TypeError``.
"""

from typing import Any

from graphql import GraphQLError, GraphQLOutputType, is_non_null_type
from graphql.pyutils import Path
from graphql_sync_dataloaders import DeferredExecutionContext


def _path_from_list(keys: list[str | int] | None) -> Path | None:
    path: Path | None = None
    for key in keys or []:
        path = Path(path, key, None)
    return path


class ShopExecutionContext(DeferredExecutionContext):
    def handle_field_error(
        self, error: GraphQLError, return_type: GraphQLOutputType, path: Any = None
    ) -> None:
        if is_non_null_type(return_type):
            raise error
        if path is None:
            path = _path_from_list(error.path)
        self.collected_errors.add(error, path)
        return None
