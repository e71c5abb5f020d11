"""PostgreSQL fixtures: a real server named by VOC_TEST_POSTGRES_URL (scripts/ci-postgres.sh starts one)."""

from __future__ import annotations

import os
import uuid

import pytest


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("VOC_TEST_POSTGRES_URL")
    if not url:
        pytest.skip('no PostgreSQL server: run eval "$(scripts/ci-postgres.sh)" to test the postgres store')
    pytest.importorskip("psycopg", reason='the postgres store needs: pip install "psycopg[binary]"')
    return url


@pytest.fixture
def postgres_schema(postgres_url):
    """A fresh schema name, dropped after the test, so tests never see each other's rows."""
    from sqlalchemy import create_engine

    name = f"voc_test_{uuid.uuid4().hex[:12]}"
    yield name
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as con:
            con.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    finally:
        engine.dispose()


@pytest.fixture
def postgres_store(postgres_url, postgres_schema):
    """A PostgresStore on its own schema of the test server."""
    from voc.store.postgres_store import PostgresStore

    with PostgresStore(postgres_url, schema=postgres_schema) as st:
        yield st
