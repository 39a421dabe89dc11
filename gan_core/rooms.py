"""Class mode's rooms: who joined, their guesses per lesson step, their images as 28x28 model inputs.

One code path for SQLite (the default: a file under $GAN_OOD_DATA_DIR, created on first use) and PostgreSQL
($GAN_OOD_DATABASE_URL=postgresql://...), SQLAlchemy Core with bound parameters only. Student actions take a room
code and a student id that joined that room; teacher actions take the room's teacher key (constant-time check).
Expired rooms' rows are deleted whenever a room is created or joined.
"""

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import room_codes as codes
from . import room_schema as schema
from .room_schema import guesses, images, join_failures, revealed, rooms, students

LIFETIME_S = 24 * 3600
MAX_IMAGES_PER_STUDENT = 20
MAX_STUDENTS = 200
MAX_FAILURES, FAILURE_WINDOW_S = 5, 60.0  # wrong codes per session id within the window
SOURCES = ("upload", "canvas", "camera")

_MESSAGES = {
    "bad_code": "'{room}' is not a room code ({length} characters from {alphabet}).",
    "unknown_room": "There is no open room {room}.",
    "rate_limited": "Too many wrong codes; wait a minute.",
    "forbidden": "Wrong teacher key for room {room}.",
    "room_full": "Room {room} already has {limit} students.",
    "not_joined": "This student has not joined room {room}.",
    "image_limit": "A student can share at most {limit} images.",
    "guess_taken": "This student has already guessed step {step}.",
    "bad_value": "{what} is out of range.",
}


class RoomError(ValueError):
    """A refused room action. `code` is stable (the dashboard translates by it); `details` fill the message."""

    def __init__(self, code: str, **details):
        self.code, self.details = code, details
        super().__init__(_MESSAGES[code].format(**details))


@dataclass(frozen=True)
class RoomKeys:
    code: str  # for students
    teacher_key: str  # for the teacher only; the database keeps its sha256


@dataclass(frozen=True)
class Room:
    code: str
    expires_at: float
    generator: str | None  # pinned shipped weights; None: the shipped default
    discriminator: str | None
    revealed: frozenset


def database_url(env: Mapping[str, str] | None = None) -> str:
    """$GAN_OOD_DATABASE_URL (postgresql://... is run through psycopg 3), else SQLite under the data dir."""
    env = os.environ if env is None else env
    url = env.get("GAN_OOD_DATABASE_URL", "").strip()
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url:
        return url
    folder = Path(env.get("GAN_OOD_DATA_DIR") or Path.home() / ".local" / "share" / "gan-ood-lab")
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'rooms.sqlite3'}"


def to_pixels(model_input: np.ndarray) -> bytes:
    """(28, 28) float in [-1, 1] -> 784 uint8 bytes (what is stored)."""
    x = np.asarray(model_input, np.float32).reshape(28, 28)
    return np.rint((np.clip(x, -1, 1) + 1) * 127.5).astype(np.uint8).tobytes()


def from_pixels(blob: bytes) -> np.ndarray:
    """784 uint8 bytes -> (28, 28) float32 in [-1, 1]."""
    return np.frombuffer(blob, np.uint8).reshape(28, 28).astype(np.float32) / 127.5 - 1


class RoomStore:
    """Rooms on one database. `clock` (unix seconds) is injectable for the expiry tests."""

    def __init__(self, url: str | None = None, clock: Callable[[], float] = time.time):
        url = url or database_url()
        connect_args = {"timeout": 15} if url.startswith("sqlite") else {}
        self.engine = sa.create_engine(url, connect_args=connect_args, pool_pre_ping=True)
        self.clock = clock
        schema.migrate(self.engine)

    # ----- rooms -----
    def create_room(self) -> RoomKeys:
        now = self.clock()
        key = codes.new_teacher_key()
        with self.engine.begin() as conn:
            self._purge(conn, now)
            while True:
                code = codes.new_code()
                if conn.execute(sa.select(rooms.c.code).where(rooms.c.code == code)).first() is None:
                    break
            conn.execute(
                rooms.insert().values(
                    code=code, teacher_key_sha256=codes.key_digest(key), created_at=now, expires_at=now + LIFETIME_S
                )
            )
        return RoomKeys(code, key)

    def room(self, code: str) -> Room:
        """The open room `code` (typed forms accepted); RoomError bad_code / unknown_room."""
        code = self._code(code)
        with self.engine.connect() as conn:
            row = self._room_row(conn, code)
            steps = conn.execute(sa.select(revealed.c.step).where(revealed.c.room == code)).scalars()
            return Room(code, row.expires_at, row.generator, row.discriminator, frozenset(steps))

    def delete_room(self, code: str) -> None:
        """Delete the room and every row of it (the operator's `gan-ood room close`; teachers use close())."""
        code = self._code(code)
        with self.engine.begin() as conn:
            self._room_row(conn, code)
            self._delete(conn, [code])

    # ----- students -----
    def join(self, code: str, student: str, session: str) -> Room:
        """Add `student` to room `code`; wrong codes count against `session` (RoomError rate_limited)."""
        now = self.clock()
        with self.engine.begin() as conn:
            self._purge(conn, now)
            recent = sa.and_(join_failures.c.session == session, join_failures.c.at > now - FAILURE_WINDOW_S)
            failures = conn.execute(sa.select(sa.func.count()).select_from(join_failures).where(recent)).scalar_one()
        if failures >= MAX_FAILURES:
            raise RoomError("rate_limited")
        try:
            code = self._code(code)
            with self.engine.connect() as conn:
                self._room_row(conn, code)
        except RoomError:
            with self.engine.begin() as conn:
                conn.execute(join_failures.insert().values(session=session, at=now))
            raise
        with self.engine.begin() as conn:
            member = sa.and_(students.c.room == code, students.c.student == student)
            if conn.execute(sa.select(students.c.student).where(member)).first() is None:
                count = conn.execute(
                    sa.select(sa.func.count()).select_from(students).where(students.c.room == code)
                ).scalar_one()
                if count >= MAX_STUDENTS:
                    raise RoomError("room_full", room=code, limit=MAX_STUDENTS)
                conn.execute(students.insert().values(room=code, student=student, joined_at=now))
        return self.room(code)

    def add_guess(self, code: str, student: str, step: str, value: float) -> None:
        """One guess per student and step, in [0, 1]; a second one raises RoomError guess_taken."""
        value = float(value)
        if not 0.0 <= value <= 1.0:
            raise RoomError("bad_value", what="guess")
        with self.engine.begin() as conn:
            code = self._member(conn, code, student)
            taken = sa.and_(guesses.c.room == code, guesses.c.student == student, guesses.c.step == step)
            if conn.execute(sa.select(guesses.c.step).where(taken)).first() is not None:
                raise RoomError("guess_taken", step=step)
            conn.execute(
                guesses.insert().values(room=code, student=student, step=step, value=value, created_at=self.clock())
            )

    def add_image(
        self,
        code: str,
        student: str,
        model_input: np.ndarray,
        probability: float,
        logit: float,
        weights: str,
        source: str,
    ) -> int:
        """Store a (28, 28) model input in [-1, 1] with its score under `weights`; returns its id."""
        if source not in SOURCES:
            raise RoomError("bad_value", what="source")
        if not (0.0 <= float(probability) <= 1.0 and np.isfinite(float(logit))):
            raise RoomError("bad_value", what="score")
        pixels = to_pixels(model_input)
        with self.engine.begin() as conn:
            code = self._member(conn, code, student)
            mine = sa.and_(images.c.room == code, images.c.student == student)
            if conn.execute(sa.select(sa.func.count()).select_from(images).where(mine)).scalar_one() >= (
                MAX_IMAGES_PER_STUDENT
            ):
                raise RoomError("image_limit", limit=MAX_IMAGES_PER_STUDENT)
            row = conn.execute(
                images.insert()
                .values(
                    room=code,
                    student=student,
                    source=source,
                    pixels=pixels,
                    probability=float(probability),
                    logit=float(logit),
                    weights=weights,
                    hidden=False,
                    created_at=self.clock(),
                )
                .returning(images.c.id)
            ).scalar_one()
        return int(row)

    # ----- the teacher -----
    def check_teacher(self, code: str, key: str) -> Room:
        """The room, when `key` is its teacher key; else RoomError forbidden (or bad_code / unknown_room)."""
        code = self._code(code)
        with self.engine.connect() as conn:
            self._teacher(conn, code, key)
        return self.room(code)

    def renew(self, code: str, key: str) -> float:
        """Another LIFETIME_S from now; returns the new expiry."""
        expires = self.clock() + LIFETIME_S
        self._teacher_update(code, key, rooms.update().values(expires_at=expires))
        return expires

    def pin_weights(self, code: str, key: str, generator: str | None, discriminator: str | None) -> None:
        """The room's weights (shipped file names; None: the shipped default)."""
        self._teacher_update(code, key, rooms.update().values(generator=generator, discriminator=discriminator))

    def rescore(self, code: str, key: str, scores: dict[int, tuple[float, float]], weights: str) -> None:
        """Replace the scores of the room's images: {image id: (probability, logit)} under `weights`."""
        code = self._code(code)
        with self.engine.begin() as conn:
            self._teacher(conn, code, key)
            for image_id, (probability, logit) in scores.items():
                conn.execute(
                    images.update()
                    .where(images.c.room == code, images.c.id == int(image_id))
                    .values(probability=float(probability), logit=float(logit), weights=weights)
                )

    def set_hidden(self, code: str, key: str, image_id: int, hidden: bool = True) -> None:
        code = self._code(code)
        with self.engine.begin() as conn:
            self._teacher(conn, code, key)
            conn.execute(
                images.update().where(images.c.room == code, images.c.id == int(image_id)).values(hidden=bool(hidden))
            )

    def reveal(self, code: str, key: str, step: str) -> None:
        code = self._code(code)
        with self.engine.begin() as conn:
            self._teacher(conn, code, key)
            done = sa.and_(revealed.c.room == code, revealed.c.step == step)
            if conn.execute(sa.select(revealed.c.step).where(done)).first() is None:
                conn.execute(revealed.insert().values(room=code, step=step))

    def close(self, code: str, key: str) -> None:
        """Delete the room and all its rows."""
        code = self._code(code)
        with self.engine.begin() as conn:
            self._teacher(conn, code, key)
            self._delete(conn, [code])

    # ----- what the room holds -----
    def student_count(self, code: str) -> int:
        code = self._code(code)
        with self.engine.connect() as conn:
            self._room_row(conn, code)
            query = sa.select(sa.func.count()).select_from(students).where(students.c.room == code)
            return int(conn.execute(query).scalar_one())

    def guesses(self, code: str) -> list[dict]:
        """Every guess: student, step, value, oldest first."""
        code = self._code(code)
        with self.engine.connect() as conn:
            self._room_row(conn, code)
            query = (
                sa.select(guesses.c.student, guesses.c.step, guesses.c.value)
                .where(guesses.c.room == code)
                .order_by(guesses.c.created_at, guesses.c.student, guesses.c.step)
            )
            return [dict(row._mapping) for row in conn.execute(query)]

    def images(self, code: str, include_hidden: bool = True, pixels: bool = True) -> list[dict]:
        """Every image, oldest first: id, student, source, probability, logit, weights, hidden, and with `pixels`
        model_input (28, 28) float32 in [-1, 1]."""
        code = self._code(code)
        columns = [images.c[name] for name in ("id", "student", "source", "probability", "logit", "weights", "hidden")]
        with self.engine.connect() as conn:
            self._room_row(conn, code)
            query = sa.select(*columns, images.c.pixels).where(images.c.room == code).order_by(images.c.id)
            if not include_hidden:
                query = query.where(images.c.hidden == sa.false())
            rows = conn.execute(query).all()
        out = []
        for row in rows:
            entry = {name: row._mapping[name] for name in ("id", "student", "source", "probability", "logit")}
            entry.update(weights=row.weights, hidden=bool(row.hidden))
            if pixels:
                entry["model_input"] = from_pixels(row.pixels)
            out.append(entry)
        return out

    def summary(self, code: str) -> dict:
        """JSON-ready: {"students": n, "guesses": [...], "images": [...]} (images without their pixels)."""
        return {
            "students": self.student_count(code),
            "guesses": self.guesses(code),
            "images": self.images(code, pixels=False),
        }

    # ----- internals -----
    def _code(self, code: str) -> str:
        normal = codes.normalise_code(code)
        if not codes.looks_like_code(normal):
            raise RoomError("bad_code", room=str(code)[:20], length=codes.CODE_LENGTH, alphabet=codes.ALPHABET)
        return normal

    def _room_row(self, conn: Connection, code: str):
        row = conn.execute(sa.select(rooms).where(rooms.c.code == code, rooms.c.expires_at > self.clock())).first()
        if row is None:
            raise RoomError("unknown_room", room=code)
        return row

    def _teacher(self, conn: Connection, code: str, key: str):
        row = self._room_row(conn, code)
        if not codes.key_matches(str(key or ""), row.teacher_key_sha256):
            raise RoomError("forbidden", room=code)
        return row

    def _teacher_update(self, code: str, key: str, statement) -> None:
        code = self._code(code)
        with self.engine.begin() as conn:
            self._teacher(conn, code, key)
            conn.execute(statement.where(rooms.c.code == code))

    def _member(self, conn: Connection, code: str, student: str) -> str:
        code = self._code(code)
        self._room_row(conn, code)
        member = sa.and_(students.c.room == code, students.c.student == student)
        if conn.execute(sa.select(students.c.student).where(member)).first() is None:
            raise RoomError("not_joined", room=code)
        return code

    def _delete(self, conn: Connection, codes_: list[str]) -> None:
        for table in schema.ROOM_TABLES:
            conn.execute(table.delete().where(table.c.room.in_(codes_)))
        conn.execute(rooms.delete().where(rooms.c.code.in_(codes_)))

    def _purge(self, conn: Connection, now: float) -> None:
        """Delete expired rooms' rows and old join failures."""
        expired = list(conn.execute(sa.select(rooms.c.code).where(rooms.c.expires_at <= now)).scalars())
        if expired:
            self._delete(conn, expired)
        conn.execute(join_failures.delete().where(join_failures.c.at <= now - FAILURE_WINDOW_S))
