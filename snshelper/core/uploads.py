"""Checking and storing uploads (payment slips now; consultation attachments later).

A file is judged by its content, never by its name or the browser's word: its first bytes must
be a JPEG, PNG or PDF signature, and images must decode. Stored files get random names under
MEDIA_ROOT, which is outside the web root and served only through views that check access.

When ClamAV's daemon is configured (``CLAMD_SOCKET`` or ``CLAMD_HOST``), every upload that is not
too large is scanned before anything else is judged or stored: an infected file is refused and the
event logged to ``snshelper.security``; if clamd cannot give a verdict the upload is refused too
(fail closed) with a "try again" message. Log lines carry no personal data: the member's ID, the
size, the signature name — never the file's name or the member's email.
"""

import logging
import secrets
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from snshelper.core import clamav, clock
from snshelper.core.errors import DomainError

security_log = logging.getLogger("snshelper.security")

SIGNATURES = {
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "pdf": (b"%PDF-",),
}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "pdf": "pdf"}


class UploadRefused(DomainError):
    message = _("This file cannot be accepted.")


class UploadInfected(UploadRefused):
    message = _(
        "This file was refused: our virus scanner found malware in it. "
        "Check your device for viruses, then upload a clean copy."
    )


class UploadNotCheckable(UploadRefused):
    message = _("Your file cannot be checked for viruses right now. Please try again in a few minutes.")


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


def _scan(upload, *, purpose: str, member_id) -> None:
    if not clamav.configured():
        return
    try:
        verdict = clamav.scan(upload)
    except clamav.ScannerUnavailable as error:
        security_log.error(
            "upload refused: virus scanner unavailable purpose=%s member=%s size=%d reason=%s",
            purpose,
            member_id,
            upload.size,
            error,
        )
        raise UploadNotCheckable() from error
    if verdict.infected:
        security_log.warning(
            "upload refused: malware found purpose=%s member=%s size=%d signature=%s",
            purpose,
            member_id,
            upload.size,
            verdict.signature,
        )
        raise UploadInfected()


def check_upload(
    upload, *, allowed: tuple[str, ...], max_bytes: int, purpose: str = "upload", member_id=None
) -> CheckedUpload:
    """Refuse (with a message for the person) anything too large, infected or not what it must be.

    ``purpose`` (e.g. "slip") and ``member_id`` only label the security log line.
    """
    if upload is None or not upload.size:
        raise UploadRefused(_("Choose a file to upload."))
    if upload.size > max_bytes:
        security_log.info(
            "upload refused: too large purpose=%s member=%s size=%d", purpose, member_id, upload.size
        )
        raise UploadRefused(
            _("The file is too large: at most %(size)s MB.") % {"size": round(max_bytes / 1024 / 1024, 1)}
        )
    _scan(upload, purpose=purpose, member_id=member_id)
    upload.seek(0)
    kind = _kind(upload.read(16))
    upload.seek(0)
    if kind not in allowed or not _decodes(upload, kind):
        security_log.info(
            "upload refused: not an allowed type purpose=%s member=%s size=%d",
            purpose,
            member_id,
            upload.size,
        )
        names = ", ".join(k.upper() for k in allowed)
        raise UploadRefused(_("This file is not a valid %(types)s file.") % {"types": names})
    return CheckedUpload(kind)


def random_name(folder: str, kind: str) -> str:
    """A storage name that reveals nothing and cannot be guessed."""
    return f"{folder}/{clock.now():%Y/%m}/{secrets.token_urlsafe(24)}.{EXTENSIONS[kind]}"
