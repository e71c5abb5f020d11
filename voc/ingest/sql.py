"""SQL sources through SQLAlchemy; the URL (with any password) comes from an environment variable."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import cast

from voc.ingest.config import SqlSource
from voc.ingest.files import RawRows, SourceError


def database_url(src: SqlSource) -> str:
    """The URL from the environment or a Prefect Secret block; YAML never holds it."""
    if src.url_secret:
        try:
            from prefect.blocks.system import Secret

            # Prefect types load() as "block or coroutine" (it is async in async code); this code is sync
            secret = cast("Secret[str]", Secret.load(src.url_secret))
            return secret.get()
        except Exception as e:
            raise SourceError(f"source {src.name}: cannot load Prefect Secret block {src.url_secret!r}: "
                              f"{type(e).__name__}") from None
    url = os.environ.get(src.url_env or "")
    if not url:
        raise SourceError(f"source {src.name}: environment variable {src.url_env} (the database URL) is not set")
    return url


def iter_sql(src: SqlSource, chunk_rows: int = 50_000) -> Iterator[RawRows]:
    """The query's rows in chunks, streamed from the database (a server-side cursor where the driver has one)."""
    url = database_url(src)
    import sqlalchemy as sa

    engine = None
    n = 0
    try:
        engine = sa.create_engine(url)
        with engine.connect() as con:
            result = con.execution_options(stream_results=True).execute(sa.text(src.query))
            cols = list(result.keys())
            for part in result.partitions(chunk_rows):
                rows = [dict(zip(cols, r, strict=True)) for r in part]
                out = RawRows(rows=rows, locations=[f"{src.name}:row {n + i + 1}" for i in range(len(rows))])
                out.files.append(f"sql:{src.name}")
                n += len(rows)
                yield out
            if n == 0:
                yield RawRows(files=[f"sql:{src.name}"])
    except SourceError:
        raise
    except Exception as e:
        # never echo the URL: it may hold a password
        first_line = (str(e).splitlines() or [""])[0][:300]
        raise SourceError(f"source {src.name}: query failed: {type(e).__name__}: {first_line}") from None
    finally:
        if engine is not None:
            engine.dispose()


def read_sql(src: SqlSource) -> RawRows:
    """All rows of the query at once."""
    out = RawRows()
    for part in iter_sql(src):
        out.extend(part)
    out.files = [f"sql:{src.name}"]
    return out
