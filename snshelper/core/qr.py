"""QR codes drawn by us, as inline SVG (no image request, nothing from a third party)."""

import re

import qrcode
import qrcode.constants
import qrcode.image.svg


def svg(data: str) -> str:
    """Bare inline ``<svg>`` (no XML prolog, no style attributes, which the CSP would block)."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    markup = image.to_string(encoding="unicode")
    return re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", markup)
