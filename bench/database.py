"""The throwaway database every benchmark builds: the developer's database is never written.

A temporary SQLite file, or ``<name><suffix>`` on PostgreSQL (dropped again afterwards unless
``keep``). Django's connection pool, if configured, is closed and left off for the scratch
database: the benchmarks fork, and a pooled connection must not cross a fork.
"""

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections

Log = Callable[[str], None]


def pg_admin(settings_dict: dict, *statements: str) -> None:
    """Run statements on the server's ``postgres`` database (CREATE/DROP DATABASE)."""

    with psycopg.connect(
        dbname="postgres", host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None, user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None, autocommit=True,
    ) as conn:
        for statement in statements:
            conn.execute(statement)


@contextmanager
def bench_database(*, command: str, suffix: str, log: Log | None = None, keep: bool = False,
                   sqlite_options: dict | None = None, note: str = "migrating") -> Iterator[str]:
    """Point the default connection at a new, migrated database; drop it afterwards (unless
    ``keep``, PostgreSQL only). ``sqlite_options`` are added to a SQLite database's OPTIONS."""
    connection = connections[DEFAULT_DB_ALIAS]
    settings_dict = connection.settings_dict
    original_name, original_options = settings_dict["NAME"], dict(settings_dict.get("OPTIONS") or {})
    options = {k: v for k, v in original_options.items() if k != "pool"}
    if "pool" in original_options and hasattr(connection, "close_pool"):
        connection.close_pool()
    connection.close()
    tmpdir = None
    if connection.vendor == "sqlite":
        tmpdir = tempfile.mkdtemp(prefix=f"{command.replace('_', '-')}-")
        name = os.path.join(tmpdir, "bench.sqlite3")
        options.update(sqlite_options or {})
    elif connection.vendor == "postgresql":
        name = f"{original_name}{suffix}"
        pg_admin(settings_dict, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    else:
        raise CommandError(f"{command} supports SQLite and PostgreSQL, not {connection.vendor}.")
    settings_dict["NAME"], settings_dict["OPTIONS"] = name, options
    if log is not None:
        log(f"Scratch database {name} ({connection.vendor}): {note}")
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield name
    finally:
        connections.close_all()
        settings_dict["NAME"], settings_dict["OPTIONS"] = original_name, original_options
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
        elif not keep:
            pg_admin(settings_dict, f'DROP DATABASE IF EXISTS "{name}"')
