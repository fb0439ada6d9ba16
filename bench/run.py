"""Run the benchmarks: ``make bench`` (or ``.venv/bin/python bench/run.py``).

Each benchmark measures its subject and a baseline in the same run and prints
the ratio, so figures from different machines stay comparable. Benchmarks
that need PostgreSQL start a throwaway cluster with ``scripts/services.py``
(or use ``DATABASE_URL`` when it points at PostgreSQL).

The ``pages`` benchmark needs no PostgreSQL: it builds its regions in fresh
temporary SQLite files, or in the empty database ``--database-url`` names.
The ``api`` and ``questionnaire`` benchmarks start their own PostgreSQL
cluster and gunicorn (``questionnaire``: ``--seconds 60`` for the issue's
target, ``--concurrency`` client connections).
The ``documents`` benchmark times the results report (PDF, DOCX) against the
HTML results page in a fresh SQLite region: ``bench/run.py documents
[--organisations N] [--repeat N]``.
The ``search`` benchmark indexes ``--documents`` generated documents into the
database backend (a temporary SQLite file, and the PostgreSQL database
``--database-url`` names) and into Elasticsearch (``--elasticsearch-url`` or a
node started with the analysis plugin): ``bench/run.py search
[--documents N] [--elasticsearch-url URL]``.

The ``opendata`` benchmark runs alone: the results CSV and the full dump of a
campaign at ``--organisations N`` and ``N / 10`` in fresh SQLite files (or the
empty database ``--database-url`` names), times and peak memory:
``bench/run.py opendata [--organisations 2000] [--repeat N]``.

The ``publish`` benchmark runs alone (not in the default set: its first run
builds the national demo, minutes): ``bench/run.py publish [--organisations
20000] [--repeat N] [--profile]``, on the PostgreSQL server of ``DATABASE_URL``
(or a throwaway cluster), in a database of its own.

Usage: ``bench/run.py [recompute] [imports] [pages] [api] [questionnaire] [--organisations N]
[--rows N] [--plain-rows N] [--repeat N] [--database-url URL] [--seconds S]
[--concurrency C]``; for ``api`` alone, ``--organisations`` takes a list
(``500,20000``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

from scripts import services  # noqa: E402

BENCHMARKS = (
    "recompute",
    "imports",
    "pages",
    "api",
    "questionnaire",
    "search",
    "documents",
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "names", nargs="*", help=f"any of {', '.join(BENCHMARKS)} (default: all)"
    )
    parser.add_argument(
        "--organisations",
        type=_sizes,
        default=None,
        help="default: 10,000 for recompute, 500 for pages, 500,20000 for api",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="default: 3; for pages, requests a page (30, the first 3 are warm-up)",
    )
    parser.add_argument(
        "--rows", type=int, default=100_000, help="rows of the import file"
    )
    parser.add_argument(
        "--plain-rows",
        type=int,
        default=None,
        help="run the slow import-export baseline on a smaller file of this many rows "
        "and scale linearly (default: the same file)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="pages: an empty database to build in (default: a temporary SQLite file); "
        "search: a PostgreSQL database to measure in besides SQLite",
    )
    parser.add_argument(
        "--elasticsearch-url",
        default=None,
        help="search: an Elasticsearch node with the analysis plugin "
        "(default: start one)",
    )
    parser.add_argument(
        "--documents",
        type=int,
        default=100_000,
        help="search: documents in the index",
    )
    parser.add_argument(
        "--search-backends",
        default="sqlite,postgresql,elasticsearch",
        help="search: which backends to measure (postgresql needs --database-url)",
    )
    parser.add_argument(
        "--seconds", type=float, default=15.0, help="api: timed load per endpoint"
    )
    parser.add_argument(
        "--concurrency", type=int, default=8, help="api: concurrent connections"
    )
    parser.add_argument(
        "--profile", action="store_true", help="publish: profile the publish step"
    )
    options = parser.parse_args(argv)
    options.names = options.names or list(BENCHMARKS)
    unknown = set(options.names) - set(BENCHMARKS) - {"publish", "opendata"}
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    sizes = options.organisations
    if sizes and len(sizes) > 1 and set(options.names) != {"api"}:
        parser.error("--organisations takes a list of sizes only for api alone")
    options.organisations = sizes[0] if sizes else None

    if "publish" in options.names:
        from bench import publish

        if len(options.names) > 1:
            parser.error("publish runs alone: bench/run.py publish [--organisations N]")
        return publish.main(
            organisations=options.organisations or 20_000,
            repeat=options.repeat or 1,
            profile=options.profile,
        )
    status = 0
    if "opendata" in options.names:  # alone: bench/run.py opendata --organisations N
        from bench import opendata

        return opendata.run(
            organisations=options.organisations or 2000,
            repeat=options.repeat or 3,
            database_url=options.database_url,
        )
    if "documents" in options.names:
        from bench import documents

        status |= documents.run(
            organisations=options.organisations or 500, repeat=options.repeat or 3
        )
        options.names.remove("documents")
        if not options.names:
            return status
    if "pages" in options.names:
        from bench import pages

        status |= pages.run(
            organisations=options.organisations or 500,
            repeat=options.repeat or 30,
            database_url=options.database_url,
        )
        if set(options.names) == {"pages"}:
            return status
    if "search" in options.names:
        from bench import search

        status |= search.run(
            documents=options.documents,
            repeat=options.repeat or 40,
            database_url=options.database_url,
            elasticsearch_url=options.elasticsearch_url,
            backends=tuple(options.search_backends.split(",")),
        )
        if set(options.names) <= {"pages", "search"}:
            return status
        options.names.remove("search")
    if "questionnaire" in options.names:
        from bench import questionnaire

        status |= questionnaire.run(
            seconds=options.seconds, concurrency=options.concurrency
        )
        if set(options.names) == {"questionnaire"}:
            return status
        options.names.remove("questionnaire")
    if "api" in options.names:
        from bench import api

        status |= api.run(
            organisations=sizes or (500, 20_000),
            seconds=options.seconds,
            concurrency=options.concurrency,
        )
        if set(options.names) <= {"pages", "api"}:
            return status

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return status | _run(options, url)
    try:
        with services.postgresql(log=lambda line: print(f"[postgresql] {line}")) as url:
            return status | _run(options, url)
    except services.ServiceUnavailable as error:
        print(
            f"!!! PostgreSQL unavailable, benchmarks not run: {error}", file=sys.stderr
        )
        return 1


def _sizes(text: str) -> tuple[int, ...]:
    """``500`` or ``500,20000``: one or more organisation counts."""
    sizes = tuple(int(part) for part in text.split(","))
    if min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"organisation counts must be positive: {text}"
        )
    return sizes


def _run(options: argparse.Namespace, database_url: str) -> int:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from bench import imports, recompute

    status = 0
    if "recompute" in options.names:
        status |= recompute.run(
            organisations=options.organisations or 10_000, repeat=options.repeat or 3
        )
    if "imports" in options.names:
        status |= imports.run(
            rows=options.rows, repeat=options.repeat or 3, plain_rows=options.plain_rows
        )
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
