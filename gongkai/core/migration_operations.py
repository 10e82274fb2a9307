"""Migration operations of the project's own."""

from __future__ import annotations

from typing import Any

from django.db.migrations.operations.base import Operation


class VendorIndex(Operation):
    """An index made on one database engine only, by its own ``CREATE INDEX`` statement (each
    migration's docstring says why that engine needs it). Not part of the models' state;
    undone with ``DROP INDEX``."""

    reversible = True
    reduces_to_sql = True
    vendor = ""  # ``connection.vendor`` of the engine it is made on
    label = ""

    def __init__(self, name: str, sql: str) -> None:
        self.name = name
        self.sql = sql

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [], {"name": self.name, "sql": self.sql})

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == self.vendor:
            schema_editor.execute(self.sql)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == self.vendor:
            schema_editor.execute(f"DROP INDEX IF EXISTS {self.name}")

    def describe(self) -> str:
        return f"Create index {self.name} on {self.label} only"

    @property
    def migration_name_fragment(self) -> str:
        return self.name.lower()


class PostgreSQLIndex(VendorIndex):
    """An index made on PostgreSQL only: what Django's ``Index`` cannot say for every database
    (``INCLUDE`` columns), for a plan the other databases do not need."""

    vendor = "postgresql"
    label = "PostgreSQL"


class SQLiteIndex(VendorIndex):
    """An index made on SQLite only: the counterpart of a :class:`PostgreSQLIndex` where
    SQLite needs another shape for the same plan (it has no ``INCLUDE``: the columns go into
    the key), or a plan only SQLite needs (it cannot use a partial index for a query whose
    condition comes as parameters)."""

    vendor = "sqlite"
    label = "SQLite"
