"""A migration operation for a full-text expression index that exists on PostgreSQL only (the
embedded SQLite default searches without one). Used by the migrations of the slide documents
and of case text; its SQL must build exactly the expression the searches filter on."""

from __future__ import annotations

from django.db import migrations


def full_text_index(name: str, table: str, expression: str) -> migrations.RunPython:
    """A reversible operation creating `CREATE INDEX name ON table USING gin (expression)`."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})"
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)
