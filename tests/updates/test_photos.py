"""An update's photo is re-encoded: a JPEG with GPS EXIF comes out with no metadata at all, a
PNG becomes a JPEG, a big one is resized; too large, too many pixels or not an image is refused
with a clear message. The file is served only behind the access check, never a public URL."""

import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from audit.models import AuditEvent
from tests.updates.conftest import jpeg_bytes, photo_upload
from updates import photos, services

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to show upright
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (40.0, 44.0, 54.36), 3: "W", 4: (73.0, 59.0, 8.5)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, icc_profile=b"\0" * 128)
    return out.getvalue()


def test_gps_exif_and_icc_are_gone_and_the_photo_is_upright():
    original = Image.open(io.BytesIO(jpeg_with_gps()))
    assert original.getexif().get_ifd(GPS_IFD)  # the test's photo does carry a position

    clean = Image.open(photos.reencode(photo_upload(jpeg_with_gps())))

    assert clean.format == "JPEG"
    assert dict(clean.getexif()) == {}
    assert not clean.getexif().get_ifd(GPS_IFD)
    assert "exif" not in clean.info and "icc_profile" not in clean.info
    assert clean.size == (480, 640)  # turned by its orientation tag, then the tag dropped


def test_a_png_with_transparency_becomes_an_rgb_jpeg_and_a_big_one_is_resized():
    out = io.BytesIO()
    Image.new("RGBA", (3200, 1600), (0, 0, 0, 0)).save(out, format="PNG")
    upload = SimpleUploadedFile("big.png", out.getvalue(), content_type="image/png")

    clean = Image.open(photos.reencode(upload))

    assert clean.format == "JPEG" and clean.mode == "RGB"
    assert clean.size == (1600, 800)


def test_a_file_over_8_mb_is_refused_with_a_clear_message():
    upload = photo_upload(jpeg_bytes() + b"\0" * (photos.MAX_UPLOAD_BYTES + 1))

    with pytest.raises(ValidationError) as error:
        photos.reencode(upload)

    assert "larger than 8 MB" in error.value.message_dict["photo"][0]


def test_a_file_that_is_not_an_image_is_refused():
    upload = SimpleUploadedFile("notes.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")

    with pytest.raises(ValidationError) as error:
        photos.reencode(upload)

    assert "not a photo we can read" in error.value.message_dict["photo"][0]


def test_a_decompression_bomb_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr(photos, "MAX_PIXELS", 100 * 100)

    with pytest.raises(ValidationError) as error:
        photos.reencode(photo_upload(jpeg_bytes((200, 200))))

    assert "too many pixels" in error.value.message_dict["photo"][0]


def test_the_page_says_why_a_photo_was_refused(client, person, pat):
    client.force_login(person)
    bad = SimpleUploadedFile("x.jpg", b"hello", content_type="image/jpeg")

    response = client.post(
        reverse("updates:mine"), {"text": "A calm week.", "everyone": "on", "photo": bad}
    )

    assert response.status_code == 200
    assert "not a photo we can read" in response.content.decode()


def test_the_stored_file_has_a_random_name_outside_any_public_url(update):
    name = update.photo.name

    assert name.startswith(f"updates/{update.patient.clinic_id}/{update.patient_id}/")
    assert "photo" not in name.rsplit("/", 1)[1]
    assert not getattr(settings, "MEDIA_URL", "") or settings.MEDIA_URL in ("", "/")


def test_the_photo_is_served_to_the_audience_and_the_person_and_audited(client, update, pat):
    client.force_login(pat.user)

    response = client.get(reverse("updates:photo", args=[update.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"
    assert AuditEvent.objects.filter(
        actor=pat.user, action="view", details__photo=update.pk
    ).exists()


def test_a_deleted_update_s_photo_is_gone(
    client, person, update, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.update_delete(update=update, actor=person)
    client.force_login(person)

    assert client.get(reverse("updates:photo", args=[update.pk])).status_code == 404
    assert not update.photo.storage.exists(update.photo.name)


def test_a_post_that_fails_after_its_photo_was_written_leaves_no_file(
    settings, monkeypatch, patient, pat
):
    """The rows roll back when telling the audience fails; the photo written before them must
    not stay on disk, named by no row."""

    def outbox_down(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the outbox is down")

    monkeypatch.setattr(services, "_tell_audience", outbox_down)

    with pytest.raises(RuntimeError):
        services.update_post(
            patient=patient,
            author=patient.user,
            text="A quiet Sunday.",
            audience=[pat],
            photo=photo_upload(),
        )

    media = settings.MEDIA_ROOT
    assert not [path for path in media.rglob("*") if path.is_file()]
    assert not patient.updates.exists()
