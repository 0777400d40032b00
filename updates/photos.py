"""An update's photo: size-limited, opened with a pixel cap, turned upright, converted to RGB,
resized to at most MAX_SIDE pixels and saved as a fresh JPEG. Nothing of the original file is
kept: no EXIF (so no GPS position, camera or time), no ICC profile, no comments."""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about a 7,700 by 5,200 photo: more is refused, never decoded
MAX_SIDE = 1600
JPEG_QUALITY = 85
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


def photo_error(text: str) -> ValidationError:
    return ValidationError({"photo": [text]})


def reencode(upload: UploadedFile) -> ContentFile:
    """The upload as a new, clean JPEG; ValidationError on `photo` with a clear message."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise photo_error(_("The photo is larger than 8 MB. Choose a smaller one."))
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=ACCEPTED_FORMATS) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise photo_error(_("The photo has too many pixels. Choose a smaller one."))
                image.load()
                clean = _clean(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise photo_error(_("The photo has too many pixels. Choose a smaller one.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise photo_error(
            _("This file is not a photo we can read. Choose a JPEG, PNG or WebP image.")
        ) from None
    out = io.BytesIO()
    # No exif=, icc_profile= or comment=: the new file carries none of the original's metadata.
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")


def _clean(image: Image.Image) -> Image.Image:
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode in ("RGBA", "LA", "P"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = upright.convert("RGB")
    # A new image with only the pixels: whatever `info` the original carried is left behind.
    pixels = Image.new("RGB", flat.size)
    pixels.paste(flat)
    pixels.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return pixels
