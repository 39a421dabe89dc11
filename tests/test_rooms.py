"""gan_core.rooms on both databases: a SQLite file and a throwaway PostgreSQL cluster (tests/postgres.py)."""

import numpy as np
import pytest
import sqlalchemy as sa
from postgres import postgres  # noqa: F401 - the session's PostgreSQL cluster fixture

from gan_core import room_codes, room_schema, rooms
from gan_core.rooms import RoomError, RoomStore


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """An empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    return rooms.database_url({"GAN_OOD_DATABASE_URL": request.getfixturevalue("postgres").new_database()})


@pytest.fixture()
def clock():
    return Clock()


@pytest.fixture()
def store(url, clock):
    return RoomStore(url, clock=clock)


def digit(value: float = 1.0) -> np.ndarray:
    x = np.full((28, 28), -1, np.float32)
    x[6:22, 12:16] = value
    return x


def joined(store, student="s1"):
    keys = store.create_room()
    store.join(keys.code, student, session=f"session-{student}")
    return keys


def count_rows(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_codes_are_unambiguous_and_keys_are_separate(store):
    made = [store.create_room() for _ in range(20)]
    assert len({k.code for k in made}) == 20
    for keys in made:
        assert len(keys.code) >= 6 and set(keys.code) <= set(room_codes.ALPHABET)
        assert keys.teacher_key != keys.code and len(keys.teacher_key) >= 24
    assert not set("0O1IL5S2Z8B") & set(room_codes.ALPHABET)
    code = made[0].code
    typed = f" {code[:3].lower()}-{code[3:]} "
    assert store.room(typed).code == code  # a student's typing is normalised
    with store.engine.connect() as conn:  # the database keeps a digest of the key, never the key
        stored = conn.execute(sa.select(room_schema.rooms.c.teacher_key_sha256)).scalars().all()
    assert made[0].teacher_key not in stored and room_codes.key_digest(made[0].teacher_key) in stored


def test_bad_and_unknown_codes_are_refused_with_their_code(store):
    with pytest.raises(RoomError) as bad:
        store.room("abc")
    assert bad.value.code == "bad_code"
    with pytest.raises(RoomError) as unknown:
        store.room("A" * room_codes.CODE_LENGTH)
    assert unknown.value.code == "unknown_room"


def test_a_room_expires_after_a_day_unless_renewed_and_its_rows_go(store, clock):
    keys = joined(store)
    store.add_guess(keys.code, "s1", "noise", 0.3)
    store.add_image(keys.code, "s1", digit(), 0.9, 2.2, "discriminator.pt", "canvas")
    clock.now += rooms.LIFETIME_S - 10
    assert store.renew(keys.code, keys.teacher_key) == clock.now + rooms.LIFETIME_S
    clock.now += rooms.LIFETIME_S - 10
    assert store.student_count(keys.code) == 1  # renewed: still open a day and a half after it opened
    clock.now += 11
    with pytest.raises(RoomError) as expired:
        store.room(keys.code)
    assert expired.value.code == "unknown_room"
    store.create_room()  # creating or joining any room deletes expired rooms' rows
    for table in (room_schema.students, room_schema.guesses, room_schema.images):
        assert count_rows(store, table) == 0
    assert count_rows(store, room_schema.rooms) == 1


def test_closed_rooms_rows_are_gone_and_other_rooms_keep_theirs(store):
    a, b = joined(store, "s1"), joined(store, "s2")
    for keys, student in ((a, "s1"), (b, "s2")):
        store.add_guess(keys.code, student, "noise", 0.5)
        store.add_image(keys.code, student, digit(), 0.5, 0.0, "discriminator.pt", "upload")
        store.reveal(keys.code, keys.teacher_key, "noise")
    store.close(a.code, a.teacher_key)
    with pytest.raises(RoomError):
        store.room(a.code)
    for table in (room_schema.students, room_schema.guesses, room_schema.images, room_schema.revealed):
        assert count_rows(store, table) == 1  # room b's row only
    assert store.summary(b.code)["students"] == 1
    store.delete_room(b.code)
    assert count_rows(store, room_schema.rooms) == 0


def test_one_guess_per_step_and_guesses_in_range(store, clock):
    keys = joined(store)
    store.add_guess(keys.code, "s1", "noise", 0.25)
    clock.now += 1
    store.add_guess(keys.code, "s1", "binary", 1.0)
    with pytest.raises(RoomError) as taken:
        store.add_guess(keys.code, "s1", "noise", 0.9)
    assert taken.value.code == "guess_taken"
    with pytest.raises(RoomError) as bad:
        store.add_guess(keys.code, "s1", "cat", 1.5)
    assert bad.value.code == "bad_value"
    assert store.guesses(keys.code) == [
        {"student": "s1", "step": "noise", "value": 0.25},
        {"student": "s1", "step": "binary", "value": 1.0},
    ]


def test_images_are_stored_as_model_inputs_with_scores_and_capped_per_student(store):
    keys = joined(store)
    x = np.linspace(-1, 1, 784, dtype=np.float32).reshape(28, 28)
    first = store.add_image(keys.code, "s1", x, 0.75, 1.0986, "discriminator.pt", "camera")
    [entry] = store.images(keys.code)
    assert entry["id"] == first and entry["source"] == "camera" and entry["weights"] == "discriminator.pt"
    assert entry["probability"] == pytest.approx(0.75) and entry["logit"] == pytest.approx(1.0986)
    assert entry["model_input"].shape == (28, 28) and entry["model_input"].dtype == np.float32
    np.testing.assert_allclose(entry["model_input"], x, atol=1 / 255)  # uint8 storage: within half a level
    with store.engine.connect() as conn:
        assert len(conn.execute(sa.select(room_schema.images.c.pixels)).scalar_one()) == 784
    for _ in range(rooms.MAX_IMAGES_PER_STUDENT - 1):
        store.add_image(keys.code, "s1", digit(), 0.5, 0.0, "discriminator.pt", "upload")
    with pytest.raises(RoomError) as full:
        store.add_image(keys.code, "s1", digit(), 0.5, 0.0, "discriminator.pt", "upload")
    assert full.value.code == "image_limit"
    store.join(keys.code, "s2", "session-s2")
    store.add_image(keys.code, "s2", digit(), 0.5, 0.0, "discriminator.pt", "upload")  # the cap is per student
    assert len(store.images(keys.code)) == rooms.MAX_IMAGES_PER_STUDENT + 1


def test_a_room_takes_at_most_max_students(store, monkeypatch):
    monkeypatch.setattr(rooms, "MAX_STUDENTS", 3)
    keys = store.create_room()
    for i in range(3):
        store.join(keys.code, f"s{i}", f"session-{i}")
    store.join(keys.code, "s0", "session-0")  # joining again is not another student
    with pytest.raises(RoomError) as full:
        store.join(keys.code, "s3", "session-3")
    assert full.value.code == "room_full"
    assert store.student_count(keys.code) == 3


def test_wrong_codes_are_rate_limited_per_session(store, clock):
    keys = store.create_room()
    for i in range(rooms.MAX_FAILURES):
        with pytest.raises(RoomError) as wrong:
            store.join("A" * 5 + str(3 + i % 2), "s1", "guesser")
        assert wrong.value.code == "unknown_room"
    with pytest.raises(RoomError) as limited:
        store.join(keys.code, "s1", "guesser")  # even the right code, for this session, for now
    assert limited.value.code == "rate_limited"
    store.join(keys.code, "s2", "another-session")  # other sessions are not held back
    clock.now += rooms.FAILURE_WINDOW_S + 1
    assert store.join(keys.code, "s1", "guesser").code == keys.code


def test_a_student_code_never_reaches_teacher_actions_or_another_room(store):
    a, b = joined(store, "s1"), store.create_room()
    image = store.add_image(a.code, "s1", digit(), 0.5, 0.0, "discriminator.pt", "upload")
    actions = [
        lambda key: store.check_teacher(a.code, key),
        lambda key: store.set_hidden(a.code, key, image),
        lambda key: store.pin_weights(a.code, key, None, "discriminator_other.pt"),
        lambda key: store.reveal(a.code, key, "noise"),
        lambda key: store.renew(a.code, key),
        lambda key: store.rescore(a.code, key, {image: (0.1, -2.0)}, "x.pt"),
        lambda key: store.close(a.code, key),
    ]
    for action in actions:
        for wrong in (a.code, b.teacher_key, "", a.teacher_key[:-1]):
            with pytest.raises(RoomError) as refused:
                action(wrong)
            assert refused.value.code == "forbidden"
    # a student of room a is no member of room b: nothing of theirs can land there
    with pytest.raises(RoomError) as outside:
        store.add_image(b.code, "s1", digit(), 0.5, 0.0, "discriminator.pt", "upload")
    assert outside.value.code == "not_joined"
    with pytest.raises(RoomError):
        store.add_guess(b.code, "s1", "noise", 0.5)
    assert store.summary(b.code) == {"students": 0, "guesses": [], "images": []}
    [entry] = store.images(a.code)
    assert not entry["hidden"] and entry["probability"] == 0.5  # every refused action left room a as it was
    assert store.room(a.code).revealed == frozenset() and store.room(a.code).discriminator is None


def test_teacher_actions_with_the_key(store):
    keys = joined(store)
    image = store.add_image(keys.code, "s1", digit(), 0.5, 0.0, "discriminator.pt", "upload")
    store.set_hidden(keys.code, keys.teacher_key, image)
    assert store.images(keys.code, include_hidden=False) == []
    store.pin_weights(keys.code, keys.teacher_key, "generator.pt", "discriminator_2.pt")
    store.rescore(keys.code, keys.teacher_key, {image: (0.2, -1.386)}, "discriminator_2.pt")
    store.reveal(keys.code, keys.teacher_key, "noise")
    store.reveal(keys.code, keys.teacher_key, "noise")  # twice is once
    room = store.room(keys.code)
    assert (room.generator, room.discriminator, room.revealed) == ("generator.pt", "discriminator_2.pt", {"noise"})
    [entry] = store.images(keys.code)
    assert entry["hidden"] and entry["weights"] == "discriminator_2.pt" and entry["probability"] == pytest.approx(0.2)


def test_migrations_from_an_empty_database_and_again_are_a_no_op(url):
    engine = sa.create_engine(rooms.database_url({"GAN_OOD_DATABASE_URL": url}))
    with engine.connect() as conn:
        assert room_schema.current_version(conn) == 0
    assert room_schema.migrate(engine) == room_schema.SCHEMA_VERSION
    store = RoomStore(url)
    keys = joined(store)
    tables = set(sa.inspect(engine).get_table_names())
    assert {t.name for t in room_schema.metadata.sorted_tables} <= tables
    assert room_schema.migrate(engine) == room_schema.SCHEMA_VERSION  # again: nothing changes
    RoomStore(url)
    assert store.student_count(keys.code) == 1
    with engine.connect() as conn:
        assert conn.execute(sa.select(room_schema.schema_version.c.version)).scalars().all() == [1]


def test_a_newer_schema_is_refused(url):
    engine = sa.create_engine(rooms.database_url({"GAN_OOD_DATABASE_URL": url}))
    room_schema.migrate(engine)
    with engine.begin() as conn:
        conn.execute(room_schema.schema_version.update().values(version=room_schema.SCHEMA_VERSION + 1))
    with pytest.raises(room_schema.SchemaError):
        RoomStore(url)


def test_database_url_defaults_to_a_sqlite_file_made_on_first_use(tmp_path):
    folder = tmp_path / "data" / "lab"
    url = rooms.database_url({"GAN_OOD_DATA_DIR": str(folder)})
    assert url == f"sqlite:///{folder / 'rooms.sqlite3'}" and folder.is_dir()
    keys = RoomStore(url).create_room()
    assert (folder / "rooms.sqlite3").is_file() and RoomStore(url).room(keys.code).code == keys.code
    pg = rooms.database_url({"GAN_OOD_DATABASE_URL": "postgresql://u@h:5/db"})
    assert pg == "postgresql+psycopg://u@h:5/db"
