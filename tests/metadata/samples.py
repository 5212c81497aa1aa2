"""Real files carrying real metadata, made with Pillow and pypdf: what a melder's phone or
word processor would hand us."""
from __future__ import annotations

import io

from PIL import Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.annotations import Text
from pypdf.generic import NameObject, TextStringObject

AUTHOR = "Jan Jansen"
DEVICE = "Pixel 7 Pro"
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Jan Jansen</dc:creator>'
       b"</rdf:Description></rdf:RDF></x:xmpmeta>")
GPS_LAT = (52.0, 15.0, 30.0)  # Deventer


def exif(orientation: int = 1) -> Image.Exif:
    e = Image.Exif()
    e[0x010F] = "Google"
    e[0x0110] = DEVICE
    e[0x0131] = "HDR+ 1.0"
    e[0x013B] = AUTHOR
    e[0x0112] = orientation
    gps = e.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", GPS_LAT, "E", (6.0, 9.0, 45.0)
    e.get_ifd(0x8769)[0x9003] = "2024:03:01 10:15:00"
    return e


def two_colour(size=(64, 32)) -> Image.Image:
    """Left half red, right half blue: shows whether a rotation was applied."""
    img = Image.new("RGB", size, (220, 20, 20))
    img.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    return img


def jpeg_with_gps(orientation: int = 1) -> bytes:
    out = io.BytesIO()
    two_colour().save(out, "JPEG", quality=90, exif=exif(orientation), xmp=XMP,
                      comment=f"Gemaakt door {AUTHOR}".encode())
    return out.getvalue()


def png_with_metadata(orientation: int = 1) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", AUTHOR)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    two_colour().save(out, "PNG", pnginfo=info, exif=exif(orientation))
    return out.getvalue()


def webp_with_metadata() -> bytes:
    out = io.BytesIO()
    two_colour().save(out, "WEBP", exif=exif(), xmp=XMP, lossless=True)
    return out.getvalue()


def tiff_with_metadata() -> bytes:
    out = io.BytesIO()
    two_colour().save(out, "TIFF", tiffinfo={315: AUTHOR, 271: "Google", 272: DEVICE, 700: XMP})
    return out.getvalue()


def animated_gif_with_comment() -> bytes:
    frames = [two_colour(), two_colour().transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=[200, 300], loop=0,
                   comment=f"Gemaakt door {AUTHOR}".encode())
    return out.getvalue()


def pdf_with_author(*, encrypt: bool = False) -> bytes:
    w = PdfWriter()
    w.add_blank_page(300, 300)
    w.add_metadata({"/Author": AUTHOR, "/Title": "Urenstaat team Noord", "/Creator": "Microsoft Word",
                    "/Producer": "Acrobat Distiller", "/CreationDate": "D:20240301101500+01'00'"})
    w.xmp_metadata = XMP
    note = Text(rect=(10, 10, 60, 60), text="Dit klopt niet")
    note[NameObject("/T")] = TextStringObject(AUTHOR)
    w.add_annotation(0, note)
    if encrypt:
        w.encrypt(user_password="geheim", owner_password="geheim")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def docx_like() -> bytes:
    """A zip with docProps/core.xml naming its author, as Word writes it."""
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("docProps/core.xml", f"<cp:coreProperties><dc:creator>{AUTHOR}</dc:creator></cp:coreProperties>")
        z.writestr("word/document.xml", "<w:document>Urenstaat</w:document>")
    return out.getvalue()
