"""Class mode (gan_core.rooms): the database's tables and migrations (SQLAlchemy Core; SQLite and PostgreSQL).

`migrate(engine)` brings any database, empty or older, to SCHEMA_VERSION, one migration per transaction, and is a
no-op on a database that is already there. The version lives in table `schema_version` (one row).
"""

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

metadata = sa.MetaData()

schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))

rooms = sa.Table(
    "rooms",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("teacher_key_sha256", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),  # unix seconds
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("generator", sa.String(200)),  # pinned shipped weights (file names); NULL: the shipped default
    sa.Column("discriminator", sa.String(200)),
)

students = sa.Table(
    "students",
    metadata,
    sa.Column("room", sa.String(16), primary_key=True),
    sa.Column("student", sa.String(64), primary_key=True),
    sa.Column("joined_at", sa.Float, nullable=False),
)

guesses = sa.Table(
    "guesses",
    metadata,
    sa.Column("room", sa.String(16), primary_key=True),
    sa.Column("student", sa.String(64), primary_key=True),
    sa.Column("step", sa.String(64), primary_key=True),  # one guess per student and step
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

images = sa.Table(
    "images",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room", sa.String(16), nullable=False, index=True),
    sa.Column("student", sa.String(64), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),  # upload | canvas | camera
    sa.Column("pixels", sa.LargeBinary, nullable=False),  # the 28x28 model input as 784 uint8, never the original
    sa.Column("probability", sa.Float, nullable=False),
    sa.Column("logit", sa.Float, nullable=False),
    sa.Column("weights", sa.String(200), nullable=False),  # the discriminator file the score is under
    sa.Column("hidden", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

revealed = sa.Table(
    "revealed",
    metadata,
    sa.Column("room", sa.String(16), primary_key=True),
    sa.Column("step", sa.String(64), primary_key=True),
)

join_failures = sa.Table(
    "join_failures",
    metadata,
    sa.Column("session", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
)

ROOM_TABLES = (students, guesses, images, revealed)  # rows keyed by a room's code, deleted with it


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[rooms, *ROOM_TABLES, join_failures])


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1,)  # MIGRATIONS[i] takes version i to i + 1
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaError(RuntimeError):
    """The database was written by a newer version of this program."""


def current_version(conn: Connection) -> int:
    """0 for an empty database."""
    if not sa.inspect(conn).has_table(schema_version.name):
        return 0
    return int(conn.execute(sa.select(schema_version.c.version)).scalar_one_or_none() or 0)


def migrate(engine: Engine) -> int:
    """Apply every pending migration (each in its own transaction); returns the version now in force."""
    while True:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # two servers starting at once: one migrates, the other waits
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(4015)"))
            version = current_version(conn)
            if version > SCHEMA_VERSION:
                raise SchemaError(
                    f"the rooms database is at schema version {version}; this program knows {SCHEMA_VERSION}"
                )
            if version == SCHEMA_VERSION:
                return version
            schema_version.create(conn, checkfirst=True)
            MIGRATIONS[version](conn)
            conn.execute(schema_version.delete())
            conn.execute(schema_version.insert().values(version=version + 1))
