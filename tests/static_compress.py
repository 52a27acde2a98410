"""collectstatic with the production storage, at test speed: whitenoise compresses every file
twice (the original name and the hashed copy, byte for byte the same) with Brotli at its best
quality, the slowest step of the suite. Within the test process each distinct content is
compressed once and the bytes reused; Brotli and gzip (mtime 0) are deterministic, so every
file written is exactly the one production's collectstatic writes."""

import contextlib
import hashlib
import threading
from collections.abc import Callable, Iterator

from whitenoise.compress import Compressor


class _OncePerContent:
    """`compress(data)` computed once per distinct content, also across the storage's threads
    (the original and its hashed copy are compressed side by side)."""

    def __init__(self, compress: Callable[[bytes], bytes]):
        self.compress = compress
        self.lock = threading.Lock()
        self.results: dict[bytes, list] = {}

    def __call__(self, data: bytes) -> bytes:
        key = hashlib.sha256(data).digest()
        with self.lock:
            entry = self.results.setdefault(key, [threading.Lock(), None])
        with entry[0]:
            if entry[1] is None:
                entry[1] = self.compress(data)
            return entry[1]


_BROTLI = _OncePerContent(Compressor.compress_brotli)
_GZIP = _OncePerContent(Compressor.compress_gzip)


@contextlib.contextmanager
def compress_each_content_once() -> Iterator[None]:
    saved = Compressor.__dict__["compress_brotli"], Compressor.__dict__["compress_gzip"]
    Compressor.compress_brotli = staticmethod(_BROTLI)
    Compressor.compress_gzip = staticmethod(_GZIP)
    try:
        yield
    finally:
        Compressor.compress_brotli, Compressor.compress_gzip = saved
