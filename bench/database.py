"""A benchmark's own database and search index, on SQLite or PostgreSQL: what the search and
province benchmarks share. Imports nothing of Django, so a script may use it before settings."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any


class BenchDatabase:
    """A SQLite file or a PostgreSQL database (created on the server when missing), with the
    search index directory that goes with it. Subclasses set the names."""

    db: str  # "sqlite" or "postgres"
    sqlite_path: Path
    pg_name: str
    pg_server: str  # the server's URL, ending in "/"
    index_dir: Path

    @property
    def url(self) -> str:
        if self.db == "sqlite":
            return f"sqlite:///{self.sqlite_path}"
        return self.pg_server + self.pg_name

    def _maintenance(self) -> Any:
        import psycopg

        return psycopg.connect(self.pg_server + "postgres", autocommit=True)

    def create(self) -> None:
        """Create the database when it does not exist (SQLite makes its file itself)."""
        self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        if self.db == "sqlite":
            return
        from psycopg import sql

        with self._maintenance() as conn:
            found = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.pg_name]
            ).fetchone()
            if not found:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.pg_name)))

    def drop(self) -> None:
        """Remove the database and its index (Django must be disconnected)."""
        shutil.rmtree(self.index_dir, ignore_errors=True)
        if self.db == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
            return
        from psycopg import sql

        with self._maintenance() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.pg_name)
                )
            )
