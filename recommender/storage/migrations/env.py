"""Alembic environment: runs on the connection `recommender.storage.database` hands over."""

from alembic import context

from recommender.storage.models import Base

connection = context.config.attributes.get("connection")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
