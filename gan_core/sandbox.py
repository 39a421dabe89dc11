"""Decode untrusted image files in separate, resource-limited worker processes: a small warm pool.

Why: what a decoder costs is set by what a file claims, not by its size. A 57-byte PNG made OpenCV allocate 4 GB,
and a 308 KB JPEG that repeats one scan 5,000 times took 55 s of CPU. The header checks in gan_core.preprocess
refuse what they can see at once (in this process); everything else is decoded by `preprocess.prepare_image` in a
worker that has
- an address-space limit (RLIMIT_AS, `memory_mb`): an allocation past it fails inside the worker;
- a CPU-time budget per file (`cpu_s`), watched by this process and backed by RLIMIT_CPU;
- a wall-clock timeout per file (`wall_s`).
A worker that breaches them is killed and replaced, and the caller gets `ImageError("decode_limit")`.

The protocol is length-prefixed JSON plus raw array bytes, never pickle: a worker that a decoder bug took over
must not be able to run code here through what it sends back, and every reply is checked (codes, shapes,
dtypes, sizes, value ranges) before it is used.

Workers are started with `subprocess` (fork+exec of a fresh interpreter; a plain fork of a multi-threaded
Streamlit server could copy a lock held by another thread), finish their imports before they take a file,
ignore Ctrl-C (the server closes the pool at exit), leave when their stdin closes (no orphan if the server dies),
and send decoders' warnings (libjpeg's "extraneous bytes") to /dev/null.
"""

import atexit
import contextlib
import json
import math
import os
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import preprocess
from .preprocess import ImageError, PreparedImage

ENV_PREFIX = "GAN_OOD_SANDBOX"  # GAN_OOD_SANDBOX=off decodes in-process; _WORKERS, _MEMORY_MB, _CPU_S, _WALL_S
DEFAULT_WORKERS = 2  # the classroom box's cores
DEFAULT_MEMORY_MB = 1536  # address space of one worker: its imports take ~310 MB, a 25 MP RGBA-16 decode ~700 MB
DEFAULT_CPU_S = 1.0  # a 25 MP progressive JPEG's whole preparation takes under half of this
DEFAULT_WALL_S = 2.0  # the CPU budget plus waiting for a core on a loaded box
STARTUP_S = 60.0  # a new worker's imports, not counted against any file
MAX_JOBS = 500  # files per worker before it is replaced (bounds heap fragmentation)
MAX_HEADER = 64 * 1024  # bytes of a reply's JSON header
POLL_S = 0.05  # how often the CPU budget is checked while waiting
PIPE_BYTES = 1 << 20
_ROOT = str(Path(__file__).resolve().parent.parent)  # the gan_core the worker imports is this one
_ARRAYS = (("original", "uint8"), ("gray", "uint8"), ("model_input", "float32"))
_FRAME = struct.Struct(">I")


@dataclass(frozen=True)
class Limits:
    memory_mb: int = DEFAULT_MEMORY_MB
    cpu_s: float = DEFAULT_CPU_S
    wall_s: float = DEFAULT_WALL_S

    @classmethod
    def from_env(cls) -> "Limits":
        env = os.environ
        return cls(
            int(env.get(f"{ENV_PREFIX}_MEMORY_MB", DEFAULT_MEMORY_MB)),
            float(env.get(f"{ENV_PREFIX}_CPU_S", DEFAULT_CPU_S)),
            float(env.get(f"{ENV_PREFIX}_WALL_S", DEFAULT_WALL_S)),
        )

    def error(self) -> ImageError:
        return ImageError("decode_limit", memory_mb=self.memory_mb, cpu_s=self.cpu_s, wall_s=self.wall_s)


class _Breach(Exception):
    """The worker went over a limit (memory reported by it, CPU or wall time seen from here)."""


class _Failed(Exception):
    """The worker died or broke the protocol."""


# ---------------- the worker side (runs in the child process) ----------------
def _cpu_seconds() -> float:
    usage = os.times()
    return usage.user + usage.system


def _reply(out, header: dict, arrays: list[np.ndarray]) -> None:
    head = json.dumps(header).encode()
    out.write(_FRAME.pack(len(head)) + head)
    for array in arrays:  # straight from the arrays' memory: a 12 MP photo's grey plane is 12 MB
        out.write(array.data.cast("B"))
    out.flush()


def _job(payload: bytes, request: dict) -> tuple[dict, list[np.ndarray]]:
    import cv2

    try:
        prepared = preprocess.prepare_image(payload, request["pipeline"], request["background"])
    except ImageError as exc:
        return {"ok": False, "code": exc.code, "details": exc.details}, []
    except MemoryError:
        return {"ok": False, "code": "decode_limit"}, []
    except cv2.error as exc:  # OpenCV reports a failed allocation as its own error
        memory = "memory" in str(exc).lower() or "bad_alloc" in str(exc)
        return {"ok": False, "code": "decode_limit" if memory else "failed"}, []
    except Exception:
        return {"ok": False, "code": "failed"}, []
    arrays = [np.ascontiguousarray(getattr(prepared, name), dtype) for name, dtype in _ARRAYS]
    header = {
        "ok": True,
        "format": prepared.format,
        "notes": list(prepared.notes),
        "shapes": [list(a.shape) for a in arrays],
    }
    return header, arrays


def serve(memory_mb: int) -> None:
    """The worker's loop: imports, limits, "R" for ready, then one request after another until stdin closes."""
    import resource

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import cv2
    from PIL import Image  # noqa: F401  (imported now, so a file's decode pays none of it)

    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # HEIC is then refused as undecodable
        pass
    cv2.setNumThreads(1)
    protocol = os.fdopen(os.dup(1), "wb")  # the replies; fd 1 itself goes to /dev/null, so no library's print
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # can corrupt the protocol
    source = sys.stdin.buffer
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # hard = soft: the worker cannot raise it again
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # SIGXCPU and crashes would dump ~400 MB in the server's cwd
    protocol.write(b"R")
    protocol.flush()
    while True:
        size = source.read(_FRAME.size)
        if len(size) < _FRAME.size:
            return  # the server closed the pipe
        request = json.loads(source.read(_FRAME.unpack(size)[0]))
        payload = source.read(request["size"])
        # a backstop behind the server's own CPU watch: whole seconds only, counted from the process start
        soft = math.ceil(_cpu_seconds() + request["cpu_s"]) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))
        header, arrays = _job(payload, request)
        _reply(protocol, header, arrays)


# ---------------- the server side ----------------
def _proc_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of `pid` from /proc (Linux); None where that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


class _Worker:
    """One worker process and its two pipes."""

    def __init__(self, limits: Limits):
        import fcntl  # POSIX only, as the sandbox is (enabled())

        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        boot = (
            f"import sys; sys.path.insert(0, {_ROOT!r}); from gan_core.sandbox import serve; serve({limits.memory_mb})"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", boot],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
            start_new_session=True,  # not in the terminal's process group: Ctrl-C reaches only the server
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in, self._out = self.process.stdin.fileno(), self.process.stdout.fileno()
        self._stdout = open(self._out, "rb", buffering=0, closefd=False)  # noqa: SIM115 - the pipe owns the fd
        os.set_blocking(self._in, False)
        for fd in (self._in, self._out):  # 1 MiB pipes (Linux; 64 KiB elsewhere): fewer switches per photo
            with contextlib.suppress(OSError, AttributeError):
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self.ready, self.jobs = False, 0

    def _watch(self, deadline: float, cpu_start: float | None, cpu_s: float, breach_on_wall: bool) -> float:
        """Seconds to wait next; raises _Breach past the CPU budget or the deadline."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Breach("wall") if breach_on_wall else _Failed("no answer")
        if cpu_start is not None:
            used = _proc_cpu_seconds(self.process.pid)
            if used is not None and used - cpu_start > cpu_s:
                raise _Breach("cpu")
        return min(left, POLL_S)

    def _read(self, n: int, deadline: float, cpu_start, cpu_s: float, breach_on_wall: bool = True) -> bytearray:
        buffer, got = bytearray(n), 0
        view = memoryview(buffer)
        while got < n:
            wait = self._watch(deadline, cpu_start, cpu_s, breach_on_wall)
            if not select.select([self._out], [], [], wait)[0]:
                continue
            read = self._stdout.readinto(view[got:])
            if not read:
                raise _Failed("the worker closed its pipe")
            got += read
        return buffer

    def _write(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            if not select.select([], [self._in], [], max(0.0, deadline - time.monotonic()))[1]:
                raise _Breach("wall")
            try:
                view = view[os.write(self._in, view) :]
            except BrokenPipeError:
                raise _Failed("the worker closed its pipe") from None

    def run(self, data: bytes, pipeline: str, background: int, limits: Limits) -> tuple[dict, bytearray | None]:
        if not self.ready:  # its imports, once
            if self._read(1, time.monotonic() + STARTUP_S, None, 0, breach_on_wall=False) != b"R":
                raise _Failed("the worker did not start")
            self.ready = True
        self.jobs += 1
        deadline = time.monotonic() + limits.wall_s
        request = json.dumps({"size": len(data), "pipeline": pipeline, "background": background, "cpu_s": limits.cpu_s})
        cpu_start = _proc_cpu_seconds(self.process.pid)
        self._write(_FRAME.pack(len(request)) + request.encode() + data, deadline)
        size = _FRAME.unpack(self._read(_FRAME.size, deadline, cpu_start, limits.cpu_s))[0]
        if size > MAX_HEADER:
            raise _Failed("reply header too long")
        header = json.loads(self._read(size, deadline, cpu_start, limits.cpu_s))
        if not isinstance(header, dict):
            raise _Failed("reply header is not an object")
        body = self._read(_body_size(header), deadline, cpu_start, limits.cpu_s) if header.get("ok") is True else None
        return header, body

    def stop(self, kill: bool) -> None:
        """Close its stdin (it leaves by itself) or kill it; reap it either way, so no zombie stays."""
        if kill:
            self.process.kill()
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()  # type: ignore[union-attr]
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _body_size(header: dict) -> int:
    """Bytes of the arrays a success reply announces, after checking their shapes against what prepare_image
    makes: original (h, w, 3) with h, w <= DISPLAY_SIDE; gray (H, W) with H*W <= MAX_PIXELS; model_input (28, 28)."""
    shapes = header.get("shapes")
    if not (isinstance(shapes, list) and len(shapes) == 3 and all(isinstance(s, list) for s in shapes)):
        raise _Failed("bad shapes")
    (h, w, c), (gh, gw), model = (tuple(int(v) for v in s) for s in shapes)
    if not (
        0 < h <= preprocess.DISPLAY_SIDE
        and 0 < w <= preprocess.DISPLAY_SIDE
        and c == 3
        and 0 < gh * gw <= preprocess.MAX_PIXELS
        and gh > 0
        and model == (preprocess.SIDE, preprocess.SIDE)
    ):
        raise _Failed("bad shapes")
    return h * w * 3 + gh * gw + preprocess.SIDE * preprocess.SIDE * 4


def _prepared(header: dict, body: bytearray) -> PreparedImage:
    """A checked success reply -> PreparedImage."""
    fmt, notes = header.get("format"), header.get("notes")
    if fmt not in preprocess.ALLOWED_FORMATS or not isinstance(notes, list) or not set(notes) <= set(preprocess.NOTES):
        raise _Failed("bad format or notes")
    arrays, at = [], 0
    for (_, dtype), shape in zip(_ARRAYS, header["shapes"], strict=True):
        size = int(np.prod(shape)) * np.dtype(dtype).itemsize
        arrays.append(np.frombuffer(body, dtype, size // np.dtype(dtype).itemsize, at).reshape(shape))  # no copy
        at += size
    original, gray, model_input = arrays[0], arrays[1], arrays[2].copy()  # the float plane aligned again
    if not (np.isfinite(model_input).all() and model_input.min() >= -1 and model_input.max() <= 1):
        raise _Failed("model input out of range")
    return PreparedImage(original, gray, model_input, tuple(notes), fmt)


def _refusal(header: dict, limits: Limits) -> ImageError:
    """A worker's refusal -> ImageError, accepting only known codes with small, plain details."""
    code, details = header.get("code"), header.get("details") or {}
    if code == "decode_limit":
        return limits.error()
    plain = isinstance(details, dict) and all(
        isinstance(k, str) and (isinstance(v, int | float) or (isinstance(v, str) and len(v) < 200 and v.isascii()))
        for k, v in details.items()
    )
    if code in preprocess.REFUSAL_CODES and plain:
        try:
            return ImageError(code, **details)
        except (KeyError, IndexError, ValueError):
            pass
    return ImageError("corrupt", reason="the decoder failed on it")


class Sandbox:
    """A pool of `workers` decoding processes with the same `limits`. Thread-safe: each call takes an idle worker
    (waiting while all are busy; each file is bounded by limits.wall_s), and a worker that fails is replaced."""

    def __init__(self, workers: int = DEFAULT_WORKERS, limits: Limits | None = None):
        self.limits = limits or Limits()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(max(1, workers)):
            self._start()

    def _start(self) -> None:
        with self._lock:
            if self._closed:
                return
            worker = _Worker(self.limits)
            self._all.add(worker)
        self._idle.put(worker)

    def _retire(self, worker: _Worker, kill: bool) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop(kill)

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.process.pid for w in self._all)

    def prepare_image(self, data: bytes, pipeline: str = "notebook", background: int = 255) -> PreparedImage:
        """As preprocess.prepare_image, with the decode in a worker. Raises ImageError (code "decode_limit" when the
        file needed more memory, CPU or time than `limits`)."""
        if pipeline not in preprocess.PIPELINES:
            raise ValueError(f"pipeline must be one of {preprocess.PIPELINES}, not {pipeline!r}")
        preprocess.check_header(data)  # the fast first refusal, here
        if self._closed:
            raise RuntimeError("the sandbox is closed")
        worker = self._idle.get()
        try:
            header, body = worker.run(data, pipeline, int(background), self.limits)
            result = _prepared(header, body) if body is not None else _refusal(header, self.limits)  # body: success
        except (_Breach, _Failed, OSError, ValueError, TypeError) as exc:
            breach = isinstance(exc, _Breach) or worker.process.poll() in (-signal.SIGXCPU, -signal.SIGKILL)
            self._retire(worker, kill=True)
            self._start()
            raise self.limits.error() if breach else ImageError("corrupt", reason="the decoder failed on it") from None
        if worker.jobs >= MAX_JOBS or header.get("code") == "decode_limit":  # an allocation failed: start afresh
            self._retire(worker, kill=True)
            self._start()
        else:
            self._idle.put(worker)
        if isinstance(result, ImageError):
            raise result
        return result

    def close(self) -> None:
        """Stop every worker and reap it (called at exit for the shared sandbox)."""
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop(kill=False)


_shared: Sandbox | None = None
_shared_lock = threading.Lock()


def enabled() -> bool:
    """False where GAN_OOD_SANDBOX=off, or where the OS has no rlimits (then files are decoded in-process)."""
    return os.environ.get(ENV_PREFIX, "").lower() not in ("off", "0", "no") and os.name == "posix"


def shared() -> Sandbox:
    """The process's sandbox, started on first use (call it early to have the pool warm) and closed at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            workers = int(os.environ.get(f"{ENV_PREFIX}_WORKERS", DEFAULT_WORKERS))
            _shared = Sandbox(workers, Limits.from_env())
            atexit.register(_shared.close)
        return _shared


def warm() -> None:
    """Start the shared pool now (a page that takes uploads calls this), so the first file waits for no import."""
    if enabled():
        shared()


def prepare_image(data: bytes, pipeline: str = "notebook", background: int = 255) -> PreparedImage:
    """Untrusted image bytes -> PreparedImage, decoded in the shared sandbox (in-process where it is disabled)."""
    if not enabled():
        return preprocess.prepare_image(data, pipeline, background)
    return shared().prepare_image(data, pipeline, background)
