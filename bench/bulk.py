"""Rows written in bulk, bypassing the services (a million service calls would take hours):
COPY on PostgreSQL, multi-row INSERT on SQLite."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max


def bulk_insert(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY on PostgreSQL, multi-row INSERT elsewhere. Rows give every listed column; the
    model's other columns that have a default (fields added later, e.g. invoice details)
    get it (an empty text for text), so the benchmark keeps up with the models."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    extra = [
        f for f in model._meta.concrete_fields
        if f.column not in columns and not f.null and not f.primary_key
        and (f.has_default() or f.empty_strings_allowed)
    ]
    if extra:
        columns = [*columns, *(f.column for f in extra)]
        defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
        rows = (tuple(row) + defaults for row in rows)
    cols = ", ".join(qn(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        per = max(1, 900 // len(columns))  # SQLite's limit on bound variables
        batch: list[Sequence] = []

        def flush() -> None:
            if batch:
                marks = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(batch))
                # Datetimes as Django stores them (UTC, no offset on SQLite), or month buckets drift.
                adapt = connection.ops.adapt_datetimefield_value
                values = [adapt(v) if isinstance(v, datetime) else v for r in batch for v in r]
                cursor.execute(f"INSERT INTO {table} ({cols}) VALUES {marks}", values)
                batch.clear()

        for row in rows:
            batch.append(row)
            count += 1
            if len(batch) >= per:
                flush()
        flush()
    return count


def next_id(model) -> int:

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequences(models: list) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
