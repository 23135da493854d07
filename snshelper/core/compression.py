"""Pages and JSON answers compressed on the wire: brotli where the client accepts it, gzip otherwise.

Static files are not compressed here: whitenoise serves the ``.br`` and ``.gz`` files that
``collectstatic`` wrote beside them (``CompressedManifestStaticFilesStorage``, brotli installed).

BREACH: a page that reflects what a visitor typed next to a secret could leak the secret through
the compressed length. Django masks the CSRF token anew in every response, our session cookie is
``SameSite=Lax`` (another site's subrequests carry no session), and, as Django's own gzip does,
every compressed page's length is blurred by up to ``MAX_RANDOM_BYTES`` random bytes: in gzip's
file-name header (Django's ``compress_string``), and for brotli as an HTML comment of random,
incompressible text after the document (brotli has no header to pad).
"""

import re
import secrets

import brotli
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

MAX_RANDOM_BYTES = 100
MIN_SIZE = 200  # smaller answers are not worth a compressor's time (as Django's gzip)
# Quality 5 compresses a page in about as long as gzip level 6 does, and smaller.
BROTLI_QUALITY = 5
COMPRESSIBLE = re.compile(r"^(text/|application/(json|javascript|xml|manifest\+json)|image/svg\+xml)")
_TOKEN = re.compile(r"^\s*([a-z0-9*-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$", re.IGNORECASE)


def accepted_encodings(header: str) -> set[str]:
    """The codings an ``Accept-Encoding`` header allows (``q=0`` refuses one)."""
    accepted = set()
    for part in header.split(","):
        match = _TOKEN.match(part)
        if not match:
            continue
        try:
            quality = float(match[2]) if match[2] else 1.0
        except ValueError:
            continue
        if quality > 0:
            accepted.add(match[1].lower())
    return accepted


def _padding() -> bytes:
    """``<!-- … -->`` holding 0 to MAX_RANDOM_BYTES random characters (random: they do not compress)."""
    length = secrets.randbelow(MAX_RANDOM_BYTES)
    return b"<!-- " + secrets.token_urlsafe(MAX_RANDOM_BYTES)[:length].encode() + b" -->"


class CompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, with brotli first when the client accepts ``br``.

    Only whole (not streaming) text answers are compressed: file downloads stream, and static
    files come precompressed from whitenoise, which sets its own Content-Encoding."""

    max_random_bytes = MAX_RANDOM_BYTES

    def process_response(self, request, response):
        if (
            response.streaming
            or len(response.content) < MIN_SIZE
            or response.has_header("Content-Encoding")
            or not COMPRESSIBLE.match(response.get("Content-Type", ""))
        ):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        accepted = accepted_encodings(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        content = response.content
        if "br" in accepted:
            if response.get("Content-Type", "").startswith("text/html"):
                content += _padding()
            compressed, coding = brotli.compress(content, quality=BROTLI_QUALITY), "br"
        elif "gzip" in accepted:
            compressed, coding = compress_string(content, max_random_bytes=self.max_random_bytes), "gzip"
        else:
            return response
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = coding
        return response
