"""What the province benchmarks share: where a dataset lives, configuring Django on it, making it
once (``generate.py``) and describing the machine. Imports nothing of Django at module level, so
that a script can call :func:`configure` before any model is imported."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "bench"
POSTGRES = "postgres://postgres@127.0.0.1:5432/"

sys.path.insert(0, str(ROOT))

from bench.database import BenchDatabase  # noqa: E402


def add_dataset_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scale", type=float, default=0.1, help="1 = 1M documents, 200k applications, "
        "500k letters (default 0.1)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="dataset seed (default 1)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--fresh", action="store_true", help="drop the dataset and generate again")
    parser.add_argument(
        "--postgres", default=POSTGRES, metavar="URL", help=f"server (default {POSTGRES})"
    )
    parser.add_argument(
        "--pg-name",
        metavar="NAME",
        help="PostgreSQL database name (default gongkai_bench_province_<scale>_<seed>)",
    )
    parser.add_argument(
        "--sqlite-path",
        metavar="FILE",
        type=Path,
        help="SQLite file (default var/bench/province-<scale>-<seed>.sqlite3), e.g. a copy",
    )


def scale_label(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


class Dataset(BenchDatabase):
    """One province dataset: a SQLite file under var/bench/ or a PostgreSQL database."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.db, self.scale, self.seed = args.db, args.scale, args.seed
        label = scale_label(args.scale)
        path = getattr(args, "sqlite_path", None)
        self.sqlite_path = path.resolve() if path else VAR / f"province-{label}-{args.seed}.sqlite3"
        self.pg_name = (
            getattr(args, "pg_name", None) or f"gongkai_bench_province_{label}_{args.seed}"
        )
        self.pg_server = args.postgres.rstrip("/") + "/"
        self.index_dir = VAR / f"province-index-{args.db}-{label}-{args.seed}"

    def environment(self) -> dict[str, str]:
        """The environment that points Gongkai at this dataset (for this process or a server)."""
        return {
            "DJANGO_SETTINGS_MODULE": "gongkai.settings",
            "DATABASE_URL": self.url,
            "GONGKAI_SEARCH_INDEX_DIR": str(self.index_dir),
            "DJANGO_DEBUG": "0",
            "GONGKAI_LOG_LEVEL": os.environ.get("GONGKAI_LOG_LEVEL", "WARNING"),
        }


def configure(dataset: Dataset, **extra: str) -> None:
    """Point this process's Django at ``dataset`` and set it up."""
    sys.path.insert(0, str(ROOT))
    os.environ.update(dataset.environment())
    os.environ.update(extra)

    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_dataset(args: argparse.Namespace, dataset: Dataset) -> dict[str, Any]:
    """Generate the dataset unless a finished one of this scale and seed is there (Django
    configured on ``dataset``; with ``--fresh`` the caller dropped it before)."""
    from django.db import connections

    from bench.province.generate import generate, is_complete
    from gongkai.agencies.models import Agency

    migrate()
    if is_complete(args.scale):
        print(f"dataset: reused ({dataset.url})")
        return {"reused": True}
    if Agency.objects.exists():
        print("dataset: incomplete or of another version: dropped and generated again")
        connections.close_all()
        dataset.drop()
        dataset.create()
        migrate()
    print(f"dataset: generating scale {args.scale:g} from seed {args.seed} ({dataset.url})")
    return {"reused": False, **generate(args.scale, args.seed, sys.stdout)}


def prepare(args: argparse.Namespace, **extra: str) -> Dataset:
    """Create (or drop and create) the dataset's database, configure Django, generate."""
    dataset = Dataset(args)
    if args.fresh:
        dataset.drop()
    dataset.create()
    configure(dataset, **extra)
    print(header(args))
    ensure_dataset(args, dataset)
    return dataset


def _git(*arguments: str) -> str:
    return subprocess.run(  # noqa: S603 - fixed arguments, git from PATH
        ["git", *arguments],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def machine() -> dict[str, Any]:
    """The machine, versions, commit and load average (Django configured)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    cpu, memory = "", ""
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    import django

    changed = _git("status", "--porcelain", "gongkai")
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": shlex.join([Path(sys.executable).name, *sys.argv]),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
        "commit": _git("rev-parse", "--short", "HEAD")
        + (" + changes in gongkai/" if changed else ""),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def header(args: argparse.Namespace) -> str:
    info = machine()
    return (
        f"{info['date']}  {info['command']}\n"
        f"machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} RAM, Python "
        f"{info['python']}, Django {info['django']}, {info['database']}, commit {info['commit']}, "
        f"load {info['load']}"
    )


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
