"""Photo intake: accepted by content, not by name; re-encoded so what is served carries
no EXIF (GPS included); bounded in bytes and pixels."""
import io
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from apps.core.exceptions import InvalidInput

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000
THUMBNAIL_SIZE = (320, 320)
MAX_PHOTOS = 9


@dataclass
class PreparedPhoto:
    original_name: str
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _safe_name(name):
    """The name to show back to the person (never used as a path: stored files get a uuid)."""
    base = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        base = get_valid_filename(base)
    except SuspiciousFileOperation:  # "", ".", ".." and the like
        base = ""
    return base[:100] or "photo"


# Markup, quotes and control characters have no business in a photo's name: a name like
# `<script>….jpg` is refused outright rather than cleaned, so nobody wonders what was kept.
_BAD_NAME = re.compile(r"[<>\"'`\x00-\x1f\x7f]")


def prepare_photo(upload):
    """Validate and re-encode one uploaded file; raise InvalidInput naming the file."""
    raw_name = getattr(upload, "name", "") or ""
    if _BAD_NAME.search(raw_name):
        raise InvalidInput(_("A photo's file name contains characters that are not allowed (< > quotes or "
                             "control characters); rename the file."), field="photos")
    name = _safe_name(raw_name)
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise InvalidInput(
            _("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": settings.MAX_UPLOAD_MB}, field="photos"
        )
    if not size:
        raise InvalidInput(_("%(name)s is empty.") % {"name": name}, field="photos")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()  # structure check; the image must be reopened after verify()
            fmt = probe.format
        if fmt not in ACCEPTED_FORMATS:
            raise InvalidInput(
                _("%(name)s is a %(fmt)s file; send a JPEG, PNG or WebP photo.") % {"name": name, "fmt": fmt},
                field="photos",
            )
        upload.seek(0)
        with Image.open(upload) as img:
            if img.width * img.height > MAX_PIXELS:
                raise InvalidInput(_("%(name)s has too many pixels.") % {"name": name}, field="photos")
            img.load()  # decodes every byte: a truncated file fails here
            img = ImageOps.exif_transpose(img).convert("RGB")
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(
            _("%(name)s is not a readable image; send a JPEG, PNG or WebP photo.") % {"name": name}, field="photos"
        ) from None
    stem = uuid.uuid4().hex
    full = io.BytesIO()
    img.save(full, "JPEG", quality=85, optimize=True)  # no exif= argument: nothing of the original's metadata
    thumb_img = img.copy()
    thumb_img.thumbnail(THUMBNAIL_SIZE)
    thumb = io.BytesIO()
    thumb_img.save(thumb, "JPEG", quality=80)
    return PreparedPhoto(
        original_name=name,
        image=ContentFile(full.getvalue(), name=f"{stem}.jpg"),
        thumbnail=ContentFile(thumb.getvalue(), name=f"{stem}_t.jpg"),
        width=img.width,
        height=img.height,
    )


def prepare_photos(uploads):
    uploads = list(uploads or [])
    if len(uploads) > MAX_PHOTOS:
        raise InvalidInput(_("At most %(n)s photos per step.") % {"n": MAX_PHOTOS}, field="photos")
    return [prepare_photo(u) for u in uploads]
