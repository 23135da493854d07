"""Checking and storing uploads (payment slips now; consultation attachments later).

A file is judged by its content, never by its name or the browser's word: its first bytes must
be a JPEG, PNG or PDF signature, and images must decode. Stored files get random names under
MEDIA_ROOT, which is outside the web root and served only through views that check access.
"""

import secrets
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from snshelper.core import clock
from snshelper.core.errors import DomainError

SIGNATURES = {
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "pdf": (b"%PDF-",),
}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "pdf": "pdf"}


class UploadRefused(DomainError):
    message = _("This file cannot be accepted.")


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # jpeg, png or pdf

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def _kind(head: bytes) -> str | None:
    for kind, signatures in SIGNATURES.items():
        if head.startswith(signatures):
            return kind
    return None


def _decodes(upload, kind: str) -> bool:
    if kind == "pdf":
        return True
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    finally:
        upload.seek(0)
    return True


def check_upload(upload, *, allowed: tuple[str, ...], max_bytes: int) -> CheckedUpload:
    """Refuse (with a message for the person) anything too large or not what it must be."""
    if upload is None or not upload.size:
        raise UploadRefused(_("Choose a file to upload."))
    if upload.size > max_bytes:
        raise UploadRefused(
            _("The file is too large: at most %(size)s MB.") % {"size": round(max_bytes / 1024 / 1024, 1)}
        )
    upload.seek(0)
    kind = _kind(upload.read(16))
    upload.seek(0)
    if kind not in allowed or not _decodes(upload, kind):
        names = ", ".join(k.upper() for k in allowed)
        raise UploadRefused(_("This file is not a valid %(types)s file.") % {"types": names})
    return CheckedUpload(kind)


def random_name(folder: str, kind: str) -> str:
    """A storage name that reveals nothing and cannot be guessed."""
    return f"{folder}/{clock.now():%Y/%m}/{secrets.token_urlsafe(24)}.{EXTENSIONS[kind]}"
