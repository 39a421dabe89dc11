"""gan_core.files.read_untrusted_file: only regular files, stat first, never more than cap + 1 bytes read."""

import os
import socket
import threading

import pytest

from gan_core.files import file_kind, read_untrusted_file
from gan_core.preprocess import ImageError


def refused(path, cap: int = 1024) -> ImageError:
    with pytest.raises(ImageError) as err:
        read_untrusted_file(path, cap, ImageError)
    return err.value


def test_a_regular_file_is_read_whole(tmp_path):
    path = tmp_path / "a.png"
    path.write_bytes(b"x" * 1024)
    assert read_untrusted_file(path, 1024, ImageError) == b"x" * 1024
    link = tmp_path / "link.png"
    link.symlink_to(path)
    assert read_untrusted_file(link, 1024, ImageError) == b"x" * 1024


def test_a_file_over_the_cap_is_refused_from_its_size(tmp_path):
    path = tmp_path / "big.png"
    with open(path, "wb") as handle:  # 1 GiB, sparse: nothing is written and nothing may be read
        handle.truncate(2**30)
    err = refused(path)
    assert (err.code, err.details) == ("too_large", {"size": 2**30, "limit": 1024})


def test_a_directory_a_fifo_a_device_and_a_socket_are_refused(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    found = {}
    # a thread, so that a regression (opening the FIFO and blocking for a writer) fails instead of hanging
    worker = threading.Thread(
        target=lambda: found.update({p: refused(p).details["kind"] for p in (tmp_path, fifo, "/dev/zero", sock_path)}),
        daemon=True,
    )
    worker.start()
    worker.join(30)
    server.close()
    assert found == {tmp_path: "directory", fifo: "named pipe", "/dev/zero": "character device", sock_path: "socket"}


def test_missing_files_raise_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_untrusted_file(tmp_path / "nothing.png", 10, ImageError)


def test_file_kind_names():
    assert file_kind(os.stat("/dev/null").st_mode) == "character device"
    assert file_kind(os.stat(__file__).st_mode) == "regular file"


def test_a_file_whose_size_lies_is_read_only_to_cap_plus_one():
    # /proc files are regular files that report size 0 and hold more: the read itself must stop at cap + 1
    assert os.stat("/proc/self/maps").st_size == 0
    err = refused("/proc/self/maps", cap=100)
    assert (err.code, err.details) == ("too_large", {"size": 101, "limit": 100})
