"""Alembic environment. Run through workinggroup_app.storage.migrate.upgrade (or `workinggroup-app db upgrade`)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from workinggroup_app.domain.models import Base

config = context.config
target_metadata = Base.metadata

# Objects the migrations create by hand that the models do not describe.
HAND_MADE = {"search_fts", "ix_search_text_body_trgm"}


def include_object(obj, name, type_, reflected, compare_to):
    return not (name in HAND_MADE or (name or "").startswith("search_fts_"))


def run_with(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        run_with(conn)
        conn.commit()
