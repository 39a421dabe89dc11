"""Class mode (gan_core.rooms): the room codes students type and the teacher keys (both from `secrets`)."""

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: nothing a student can misread off a projector.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6  # 25 ** 6 = 244 million codes; wrong guesses are rate-limited per session
KEY_BYTES = 24


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(typed: str) -> str:
    """What a student typed -> the code's form: upper case, without spaces or dashes."""
    return "".join(ch for ch in str(typed).upper() if ch not in " -\t")


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


def new_teacher_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def key_digest(key: str) -> str:
    """sha256 hex of a teacher key: the database keeps only this."""
    return hashlib.sha256(str(key).encode()).hexdigest()


def key_matches(key: str, digest: str) -> bool:
    """Constant-time comparison of a presented key with a stored digest."""
    return hmac.compare_digest(key_digest(key), digest)
