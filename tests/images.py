"""Real image bytes for upload tests."""
import io

from PIL import Image


def jpeg_bytes(size=(64, 48), color=(200, 30, 30), exif_gps=False):
    img = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"  # Make
        gps = {1: "N", 2: (31.0, 36.0, 0.0), 3: "E", 4: (117.0, 48.0, 0.0)}
        exif[0x8825] = gps
        img.save(out, "JPEG", exif=exif.tobytes())
    else:
        img.save(out, "JPEG")
    return out.getvalue()


def png_bytes(size=(32, 32)):
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 10)).save(out, "PNG")
    return out.getvalue()
