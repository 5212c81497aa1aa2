"""Removing the data a file carries about its maker (EXIF, GPS, XMP, PDF document information)
before a melder's attachment is encrypted. Pure functions over bytes: nothing here touches the
disk, so the plaintext only ever exists in memory (see whistle.infra.attachment_intake).

What a file is comes from its first bytes, never from its name or the type the browser sent:
a photo renamed to .dat still carries its GPS position. Images are decoded and saved again as
a new image from the pixels alone, with the EXIF orientation applied first (otherwise the photo
would turn on its side); PDFs are rewritten without their document information, XMP streams and
the names on comments. A file we recognise but cannot read is refused rather than stored with
its metadata (the melder can choose to keep metadata and send it anyway)."""
from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from whistle.infra.work_slots import cpu_slot

SNIFF_BYTES = 1024  # a PDF header may sit anywhere in the first 1024 bytes
MAX_PIXELS = 80_000_000  # below Pillow's own bomb warning; larger images are kept as they are
MAX_PDF_PAGES = 5_000

# status
CLEANED = "cleaned"          # metadata found and removed
NOTHING_FOUND = "nothing"    # cleaned, but we found nothing to remove
KEPT = "kept"                # the melder chose to keep metadata
TOO_LARGE = "too_large"      # a kind we clean, but too large to clean in memory
UNSUPPORTED = "unsupported"  # a kind we do not clean

# kind
IMAGE, PDF, OFFICE, AUDIO, VIDEO, OTHER = "image", "pdf", "office", "audio", "video", "other"


class Unreadable(ValueError):
    """The file looks like an image or PDF but could not be read to clean it."""


class Refused(ValueError):
    """The file is not cleaned because cleaning it would cost too much (its charge is over the
    limit, the child hit its memory or time limit, or the decode memory stayed taken). The
    message is a Dutch clause saying why, for the melder."""


# What decoding may cost (whistle.infra.metadata_sandbox): the pixels an image will decode to,
# in bytes, at most; a PDF is charged by its size times PDF_CHARGE_FACTOR.
MAX_DECODE_BYTES = 144 * 1024 * 1024  # 50 megapixels in colour (a 48 MP phone photo), 150 in grey
PDF_CHARGE_FACTOR = 8
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "LA": 2, "La": 2, "PA": 2, "RGB": 3, "YCbCr": 3, "LAB": 3,
                    "HSV": 3, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}


def decode_charge(data: bytes) -> tuple[int, str]:
    """The bytes decoding this file will take, read from its header before any pixel is
    decoded (Pillow opens lazily), and the kind of work ("image", "pdf"); (0, "") for a file
    we do not clean. Raises Unreadable for a header that does not parse."""
    fmt = image_format(data[:SNIFF_BYTES])
    if fmt:
        from PIL import Image, UnidentifiedImageError
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # The format's own opener: it reads the header only, and without Image.open's
                # bomb check, which would refuse before we learn what to charge.
                Image.init()
                img = Image.OPEN[fmt][0](io.BytesIO(data))
                width, height = img.size
                frames = getattr(img, "n_frames", 1)
                mode = img.mode
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
                Image.DecompressionBombError) as exc:
            raise Unreadable(str(exc)) from None
        return width * height * max(1, frames) * _BYTES_PER_PIXEL.get(mode, 4), IMAGE
    if is_pdf(data[:SNIFF_BYTES]):
        return len(data) * PDF_CHARGE_FACTOR, PDF
    return 0, ""


@dataclass(frozen=True)
class Outcome:
    status: str
    kind: str
    removed: tuple[str, ...] = ()

    @property
    def cleaned(self) -> bool:
        return self.status in (CLEANED, NOTHING_FOUND)

    @property
    def summary(self) -> str:
        """What we did, told to the melder (Dutch)."""
        if self.status == CLEANED:
            return "verwijderd: " + "; ".join(self.removed) + "."
        return _SUMMARY[self.status]

    @property
    def cannot_remove(self) -> str:
        """What stays whatever we do, for this kind of file (Dutch)."""
        return _CANNOT_REMOVE[self.kind]


_SUMMARY = {
    NOTHING_FOUND: "geen metadata gevonden; voor de zekerheid is het bestand toch opnieuw opgeslagen "
                   "zonder verborgen gegevens.",
    KEPT: "u koos ervoor de metadata te laten staan: er is niets verwijderd.",
    TOO_LARGE: "dit bestand is te groot om de metadata te verwijderen: het is ongewijzigd verstuurd, "
               "met de metadata die erin staat.",
    UNSUPPORTED: "uit dit soort bestand kunnen wij geen metadata verwijderen: het is ongewijzigd verstuurd.",
}
_CANNOT_REMOVE = {
    "image": "Wat op de afbeelding zelf te zien is, zoals gezichten, een naam op een scherm of het "
             "uitzicht uit een raam, kunnen wij niet weghalen.",
    "pdf": "De tekst, afbeeldingen en opmerkingen in het document zelf veranderen wij niet.",
    "office": "In Word-, Excel-, PowerPoint- en andere kantoorbestanden veranderen wij niets: de naam "
              "van de maker, eerdere versies, opmerkingen en bijgehouden wijzigingen kunnen erin "
              "blijven staan. Sla zo'n bestand liever eerst op als PDF.",
    "audio": "Stemmen en achtergrondgeluiden in een opname kunnen wij niet weghalen.",
    "video": "Gezichten, stemmen en achtergrondgeluiden in een video kunnen wij niet weghalen.",
    "other": "Wat er in het bestand zelf staat, veranderen wij niet.",
}


# --- recognising a file ------------------------------------------------------------------

_IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_OFFICE = {"doc", "docx", "docm", "dot", "dotx", "xls", "xlsx", "xlsm", "ppt", "pptx", "pptm",
           "odt", "ods", "odp", "odg", "rtf", "pages", "numbers", "key", "vsd", "vsdx", "msg", "eml"}
_AUDIO = {"mp3", "m4a", "aac", "wav", "ogg", "oga", "opus", "flac", "amr", "wma", "3ga"}
_VIDEO = {"mp4", "m4v", "mov", "avi", "mkv", "webm", "wmv", "3gp", "mpg", "mpeg"}
_IMAGE = {"heic", "heif", "avif", "jxl", "bmp", "svg", "raw", "dng", "cr2", "nef", "arw"}


def image_format(head: bytes) -> str | None:
    """The Pillow format name of an image we clean, from its first bytes."""
    for magic, fmt in _IMAGE_MAGIC:
        if head.startswith(magic):
            return fmt
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def is_pdf(head: bytes) -> bool:
    return b"%PDF-" in head[:SNIFF_BYTES]


def cleanable(head: bytes) -> bool:
    """Whether a file starting with these bytes is a kind we clean."""
    return image_format(head) is not None or is_pdf(head)


def kind_of(head: bytes, filename: str = "", media_type: str = "") -> str:
    if image_format(head):
        return IMAGE
    if is_pdf(head):
        return PDF
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    major = media_type.split("/", 1)[0].lower()
    if ext in _OFFICE or "officedocument" in media_type or "opendocument" in media_type \
            or media_type in ("application/msword", "application/vnd.ms-excel",
                              "application/vnd.ms-powerpoint", "application/rtf"):
        return OFFICE
    if ext in _AUDIO or major == "audio":
        return AUDIO
    if ext in _VIDEO or major == "video":
        return VIDEO
    if ext in _IMAGE or major == "image":
        return IMAGE
    return OTHER


def not_cleaned(status: str, head: bytes, filename: str = "", media_type: str = "") -> Outcome:
    return Outcome(status, kind_of(head, filename, media_type))


# --- cleaning ----------------------------------------------------------------------------

def clean(data: bytes) -> tuple[bytes, Outcome]:
    """The file without its metadata and what was removed, decoded in this process. Raises
    Unreadable for a damaged image or PDF; returns the data unchanged (UNSUPPORTED or
    TOO_LARGE) for anything else. The server cleans a melder's file in a child process under
    limits instead (whistle.infra.metadata_sandbox.clean), which runs clean_here."""
    with cpu_slot():
        return clean_here(data)


def clean_here(data: bytes) -> tuple[bytes, Outcome]:
    fmt = image_format(data[:SNIFF_BYTES])
    if fmt:
        return _clean_image(data, fmt)
    if is_pdf(data[:SNIFF_BYTES]):
        return _clean_pdf(data)
    return data, Outcome(UNSUPPORTED, OTHER)


# EXIF tags, grouped by what they tell about the melder.
_GPS_IFD, _EXIF_IFD, _IFD1 = 0x8825, 0x8769, -1  # -1: Pillow's ExifTags.IFD.IFD1
_DEVICE_TAGS = {0x010F, 0x0110, 0xA431, 0xA432, 0xA433, 0xA434, 0xA435, 0x927C}  # make, model, serials, lens, makernote
_TIME_TAGS = {0x0132, 0x9003, 0x9004, 0x9010, 0x9011, 0x9012}
_ORIENTATION = 0x0112
_XMP_TAG, _IPTC_TAG, _PHOTOSHOP_TAG = 700, 33723, 34377
# How a TIFF stores its pixels: structure, not metadata (Pillow lists them with the EXIF tags).
_STRUCTURE_TAGS = {254, 255, 256, 257, 258, 259, 262, 266, 273, 277, 278, 279, 282, 283, 284, 296,
                   317, 320, 322, 323, 324, 325, 338, 339, 340, 341, 347, 530, 531, 532, 34675,
                   _ORIENTATION, _GPS_IFD, _EXIF_IFD}
_TRANSPOSE = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE",
              6: "ROTATE_270", 7: "TRANSVERSE", 8: "ROTATE_90"}

L_GPS = "GPS-locatie (waar de foto is gemaakt)"
L_DEVICE = "merk, type en serienummer van camera of telefoon"
L_TIME = "datum en tijd van de opname"
L_EXIF = "overige EXIF-gegevens (zoals software, auteur of beschrijving)"
L_THUMB = "ingesloten miniatuurafbeelding"
L_XMP = "XMP-gegevens (zoals maker, bewerkingsgeschiedenis)"
L_IPTC = "IPTC-gegevens (zoals maker en copyright)"
L_TEXT = "opmerkingen en tekstvelden in het bestand"
L_PDF_INFO = "documenteigenschappen (zoals auteur, titel, programma en datums)"
L_PDF_NAMES = "namen bij opmerkingen en aantekeningen"
L_PDF_APP = "bewerkingsgegevens van programma's"


def _image_findings(img) -> list[str]:
    found: list[str] = []
    exif = img.getexif()
    if exif.get_ifd(_GPS_IFD) or _GPS_IFD in exif:
        found.append(L_GPS)
    sub = exif.get_ifd(_EXIF_IFD)
    tags = set(exif) | set(sub)
    if tags & _DEVICE_TAGS:
        found.append(L_DEVICE)
    if tags & _TIME_TAGS:
        found.append(L_TIME)
    if tags - _DEVICE_TAGS - _TIME_TAGS - _STRUCTURE_TAGS - {_XMP_TAG, _IPTC_TAG, _PHOTOSHOP_TAG}:
        found.append(L_EXIF)
    if exif.get_ifd(_IFD1):
        found.append(L_THUMB)
    info = img.info
    if info.get("xmp") or info.get("XML:com.adobe.xmp") or _XMP_TAG in tags \
            or _has_app(img, b"http://ns.adobe.com/xap"):
        found.append(L_XMP)
    if _has_app(img, b"Photoshop 3.0") or "photoshop" in info or tags & {_IPTC_TAG, _PHOTOSHOP_TAG}:
        found.append(L_IPTC)
    if info.get("comment") or getattr(img, "text", None):
        found.append(L_TEXT)
    return found


def _has_app(img, marker: bytes) -> bool:
    return any(marker in payload[:64] for _name, payload in getattr(img, "applist", []))


def _clean_image(data: bytes, fmt: str) -> tuple[bytes, Outcome]:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=[fmt])
            frames = getattr(img, "n_frames", 1)
            width, height = img.size
            if width * height * frames > MAX_PIXELS:
                return data, Outcome(TOO_LARGE, IMAGE)
            found = _image_findings(img)
            orientation = img.getexif().get(_ORIENTATION, 1)
            transpose = _TRANSPOSE.get(orientation)
            out = io.BytesIO()
            if frames > 1 and img.format != "MPO":
                _save_frames(img, out, transpose)
            else:
                _save_one(img, out, transpose)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Unreadable(str(exc)) from None
    return out.getvalue(), Outcome(CLEANED if found else NOTHING_FOUND, IMAGE, tuple(found))


def _pixels_only(frame, transpose: str | None):
    """A new image holding the frame's pixels and nothing of its metadata."""
    from PIL import Image

    frame.load()
    fresh = frame.copy()
    fresh.info = {k: frame.info[k] for k in ("transparency", "duration", "loop", "background")
                  if k in frame.info}
    if transpose:
        fresh = fresh.transpose(getattr(Image.Transpose, transpose))
    return fresh


def _format_options(img) -> dict:
    """Save options that keep the picture as it was: colour profile, resolution and, for
    JPEG, the original quantisation so the re-save loses as little as possible."""
    options: dict = {}
    if img.info.get("icc_profile"):
        options["icc_profile"] = img.info["icc_profile"]
    if img.info.get("dpi"):
        options["dpi"] = img.info["dpi"]
    if img.format in ("JPEG", "MPO"):
        from PIL import JpegImagePlugin

        sampling = JpegImagePlugin.get_sampling(img)
        if getattr(img, "quantization", None) and sampling != -1:
            options.update(qtables=img.quantization, subsampling=sampling)
        else:
            options["quality"] = 95
    elif img.format == "WEBP":
        options.update(lossless=bool(img.info.get("lossless")), quality=95)
    elif img.format == "TIFF":
        options["compression"] = img.info.get("compression", "raw") if img.info.get("compression") in (
            "raw", "tiff_lzw", "tiff_deflate", "packbits", "group4", "jpeg", "tiff_adobe_deflate") else "tiff_lzw"
    return options


def _save_format(img) -> str:
    return "JPEG" if img.format == "MPO" else img.format


def _save_one(img, out: io.BytesIO, transpose: str | None) -> None:
    fresh = _pixels_only(img, transpose)
    if _save_format(img) == "JPEG" and fresh.mode not in ("RGB", "L", "CMYK"):
        fresh = fresh.convert("RGB")
    fresh.save(out, format=_save_format(img), **_format_options(img))


def _save_frames(img, out: io.BytesIO, transpose: str | None) -> None:
    from PIL import ImageSequence

    options = _format_options(img)
    frames = [_pixels_only(f, transpose) for f in ImageSequence.Iterator(img)]
    if img.format in ("GIF", "PNG", "WEBP"):
        options["duration"] = [f.info.get("duration", 100) for f in frames]
        if "loop" in img.info:
            options["loop"] = img.info["loop"]
    frames[0].save(out, format=img.format, save_all=True, append_images=frames[1:], **options)


_MARKUP_AUTHOR = ("/T", "/M", "/CreationDate")
_NOT_MARKUP = {"/Widget", "/Link", "/Popup"}  # a widget's /T is a form field's name, not an author


def _clean_pdf(data: bytes) -> tuple[bytes, Outcome]:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import NameObject

    found: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Rewriting a protected PDF needs its password; it is stored as it is and the melder
            # is told we could not look inside.
            return data, Outcome(UNSUPPORTED, PDF)
        if len(reader.pages) > MAX_PDF_PAGES:
            return data, Outcome(TOO_LARGE, PDF)
        info = reader.trailer.get("/Info")
        if info is not None and len(info.get_object()) > 0:
            found.append(L_PDF_INFO)
        writer = PdfWriter(clone_from=reader)
        root = writer.root_object
        if "/Metadata" in root:
            found.append(L_XMP)
            del root[NameObject("/Metadata")]
        if "/PieceInfo" in root:
            found.append(L_PDF_APP)
            del root[NameObject("/PieceInfo")]
        names_removed = False
        for page in writer.pages:
            for key in ("/Metadata", "/PieceInfo"):
                if key in page:
                    found.append(L_XMP if key == "/Metadata" else L_PDF_APP)
                    del page[NameObject(key)]
            for ref in page.get("/Annots") or []:
                annot = ref.get_object()
                if annot.get("/Subtype") in _NOT_MARKUP:
                    continue
                for key in _MARKUP_AUTHOR:
                    if key in annot:
                        del annot[NameObject(key)]
                        names_removed = True
        if names_removed:
            found.append(L_PDF_NAMES)
        writer.metadata = None
        # Cloning copied every object; what we unlinked must not stay behind in the file.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        # The file identifier is often a hash of the path, time and size at creation: replace it.
        writer._ID = None
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, AssertionError, OSError, re.error) as exc:
        raise Unreadable(str(exc)) from None
    removed = tuple(dict.fromkeys(found))
    return out.getvalue(), Outcome(CLEANED if removed else NOTHING_FOUND, PDF, removed)
