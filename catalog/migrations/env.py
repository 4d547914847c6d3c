"""Alembic environment: runs against the engine handed over by catalog.db.migrate."""

from alembic import context
from sqlmodel import SQLModel

import catalog.ledger  # noqa: F401  (registers the tables)

config = context.config
engine = config.attributes["connection_engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=engine.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
