"""A camera JPEG and a Word document as a melder's phone and office hand them over, built by hand
so every piece of metadata is known: EXIF with GPS, make, model, artist and capture time, an EXIF
thumbnail (IFD1), XMP, IPTC (Photoshop APP13) and a JPEG comment; a DOCX with an author, a last
editor, a company, custom properties, a comment and a tracked change."""
from __future__ import annotations

import io
import struct
import zipfile

from PIL import Image

ARTIST = "Jan Klokkenluider"
MAKE, MODEL = "Apple", "iPhone 15 Pro"
TAKEN = "2026:11:30 09:41:00"
COMPANY = "Inkoopbureau Oost BV"
SECRETS = [ARTIST.encode(), MAKE.encode(), MODEL.encode(), TAKEN.encode(), b"XMPCREATOR", b"IPTCBYLINE",
           b"CAMERACOMMENT", COMPANY.encode()]

_ASCII, _SHORT, _LONG, _RATIONAL = 2, 3, 4, 5
_SIZE = {_ASCII: 1, _SHORT: 2, _LONG: 4, _RATIONAL: 8}


def _ifd(entries, at: int, next_ifd: int = 0) -> bytes:
    """One big-endian IFD at offset `at`, its long values right after it."""
    head = struct.pack(">H", len(entries))
    area_at = at + 2 + 12 * len(entries) + 4
    body, area = b"", b""
    for tag, kind, count, value in sorted(entries):
        if len(value) <= 4:
            body += struct.pack(">HHI", tag, kind, count) + value.ljust(4, b"\0")
        else:
            body += struct.pack(">HHII", tag, kind, count, area_at + len(area))
            area += value + (b"\0" if len(value) % 2 else b"")
    return head + body + struct.pack(">I", next_ifd) + area


def _ascii(tag, text):
    raw = text.encode() + b"\0"
    return (tag, _ASCII, len(raw), raw)


def _rationals(tag, *numbers):
    return (tag, _RATIONAL, len(numbers), b"".join(struct.pack(">II", int(n * 100), 100) for n in numbers))


def picture(size=(96, 64)) -> Image.Image:
    img = Image.new("RGB", size, (200, 40, 40))
    for x in range(size[0]):
        for y in range(0, size[1], 3):
            img.putpixel((x, y), (x * 2 % 256, y * 4 % 256, 90))
    return img


def jpeg(img: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90, **options)
    return out.getvalue()


THUMBNAIL = jpeg(picture((24, 16)).point(lambda v: 255 - v))


def exif_tiff() -> bytes:
    """IFD0 (make, model, artist, pointers), the Exif IFD (capture time), the GPS IFD and IFD1
    (the thumbnail), laid out one after the other."""
    def layout(offsets):
        exif_at, gps_at, ifd1_at, thumb_at = offsets
        ifd0 = _ifd([_ascii(0x010F, MAKE), _ascii(0x0110, MODEL), _ascii(0x013B, ARTIST),
                     (0x0112, _SHORT, 1, struct.pack(">H", 1)),
                     (0x8769, _LONG, 1, struct.pack(">I", exif_at)), (0x8825, _LONG, 1, struct.pack(">I", gps_at))],
                    8, ifd1_at)
        sub = _ifd([_ascii(0x9003, TAKEN)], exif_at)
        gps = _ifd([_ascii(1, "N"), _rationals(2, 52, 15, 30), _ascii(3, "E"), _rationals(4, 6, 9, 45)], gps_at)
        ifd1 = _ifd([(0x0103, _SHORT, 1, struct.pack(">H", 6)), (0x0201, _LONG, 1, struct.pack(">I", thumb_at)),
                     (0x0202, _LONG, 1, struct.pack(">I", len(THUMBNAIL)))], ifd1_at)
        return [ifd0, sub, gps, ifd1]
    sizes = [len(part) for part in layout([0, 0, 0, 0])]  # offsets do not change the lengths
    offsets = [8 + sum(sizes[:i]) for i in range(1, 5)]
    return b"MM\0*" + struct.pack(">I", 8) + b"".join(layout(offsets)) + THUMBNAIL


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def camera_jpeg() -> bytes:
    """The JPEG a phone writes: EXIF (with a thumbnail) right after SOI, then XMP and IPTC."""
    plain = jpeg(picture(), comment=b"CAMERACOMMENT by the phone")
    exif = _segment(0xE1, b"Exif\0\0" + exif_tiff())
    xmp = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><dc:creator>XMPCREATOR</dc:creator></x:xmpmeta>")
    iptc = _segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x0e\x1c\x02\x50\0\x0aIPTCBYLINE")
    return plain[:2] + exif + xmp + iptc + plain[2:]


def scan_data(data: bytes) -> bytes:
    """The main picture's compressed pixels: from its (baseline: only) start-of-scan marker on.
    The last one in the file, since the EXIF thumbnail before it has its own."""
    return data[data.rindex(b"\xff\xda"):]


CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                 '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>'
                 '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                 '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
                 '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
                 '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
        '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>'
        '</Relationships>')
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOCUMENT_TEXT = "DOCXTEKST de facturen van oktober"


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("docProps/core.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
                   'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                   'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
                   f'<dc:creator>{ARTIST}</dc:creator><cp:lastModifiedBy>{ARTIST}</cp:lastModifiedBy>'
                   '<dcterms:created>2026-11-29T08:00:00Z</dcterms:created></cp:coreProperties>')
        z.writestr("docProps/app.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
                   'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                   f'<Application>Microsoft Office Word</Application><Company>{COMPANY}</Company>'
                   f'<Manager>{ARTIST}</Manager></Properties>')
        z.writestr("docProps/custom.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
                   'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties">'
                   f'<property name="Afdeling"><vt:lpwstr>{COMPANY}</vt:lpwstr></property></Properties>')
        z.writestr("word/document.xml",
                   f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W}><w:body>'
                   f'<w:p><w:r><w:t>{DOCUMENT_TEXT}</w:t></w:r>'
                   f'<w:ins w:id="1" w:author="{ARTIST}" w:date="2026-11-29T08:00:00Z"><w:r><w:t> en november</w:t></w:r></w:ins>'
                   '</w:p></w:body></w:document>')
        z.writestr("word/comments.xml",
                   f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments {W}>'
                   f'<w:comment w:id="0" w:author="{ARTIST}" w:initials="JK"><w:p><w:r><w:t>klopt dit?</w:t></w:r></w:p>'
                   '</w:comment></w:comments>')
    return out.getvalue()
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
