"""Alembic environment: the engine comes from ``storage.db`` (never from an ini file)."""

from alembic import context

from storage.schema import Base, include_in_autogenerate

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite needs table rebuilds for ALTER
        compare_type=True,
        include_object=include_in_autogenerate,
    )
    context.run_migrations()
