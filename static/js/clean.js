/* Hidden metadata removed in the melder's browser, before a file is encrypted (issue 12).
 *
 * Lossless where the format allows: segments and chunks are dropped, the pixels and the text
 * are copied byte for byte. What was removed comes back as keys (gps, device, time, ...); the
 * page says them in the server path's own words (whistle.infra.metadata, rendered into the
 * form as <template id="metadata-words">). No third-party code; everything stays in memory.
 *
 *   WhistleClean.clean(bytes) -> Promise<{status, kind, removed: [key], data: Uint8Array|null}>
 *   status: "cleaned" (removed something), "nothing" (looked, found nothing; data is the file),
 *           "refused" (a kind we know, with metadata we cannot remove here: data null),
 *           "unsupported" (a kind we do not clean: data null). */
(function (global) {
  "use strict";

  var enc = new TextEncoder(), dec = new TextDecoder("latin1"), utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

  function startsWith(b, off, text) {
    if (off + text.length > b.length) return false;
    for (var i = 0; i < text.length; i++) if (b[off + i] !== text.charCodeAt(i)) return false;
    return true;
  }
  function u16be(b, o) { return (b[o] << 8) | b[o + 1]; }
  function u32be(b, o) { return ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3]; }
  function u16le(b, o) { return b[o] | (b[o + 1] << 8); }
  function u32le(b, o) { return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + ((b[o + 3] << 24) >>> 0); }
  function concat(parts) {
    var n = 0, i;
    for (i = 0; i < parts.length; i++) n += parts[i].length;
    var out = new Uint8Array(n), o = 0;
    for (i = 0; i < parts.length; i++) { out.set(parts[i], o); o += parts[i].length; }
    return out;
  }
  // The order the server path (whistle.infra.metadata) names what it found.
  var ORDER = ["gps", "device", "time", "exif", "thumb", "xmp", "iptc", "text", "info", "names", "app",
               "revisions", "extra"];
  function Findings() {
    var keys = [];
    return {
      add: function (k) {
        if (keys.indexOf(k) < 0) keys.push(k);
        keys.sort(function (a, b) { return ORDER.indexOf(a) - ORDER.indexOf(b); });
      },
      keys: keys,
    };
  }
  function result(kind, found, data) {
    return { status: found.keys.length ? "cleaned" : "nothing", kind: kind, removed: found.keys, data: data };
  }
  function refused(kind, found) {
    return { status: "refused", kind: kind, removed: found ? found.keys : [], data: null };
  }

  // --- EXIF (a TIFF structure): what it tells, in the server path's groups -----------------
  var DEVICE = [0x010F, 0x0110, 0xA431, 0xA432, 0xA433, 0xA434, 0xA435, 0x927C];
  var TIME = [0x0132, 0x9003, 0x9004, 0x9010, 0x9011, 0x9012];
  var STRUCTURE = [0x0112, 0x011A, 0x011B, 0x0128, 0x0213, 0x8769, 0x8825, 0xA005, 0x0201, 0x0202];

  function exifFindings(t, found) {
    var orientation = 1;
    if (t.length < 8) return orientation;
    var le = t[0] === 0x49, r16 = le ? u16le : u16be, r32 = le ? u32le : u32be;
    function ifd(off, each) {
      if (off < 8 || off + 2 > t.length) return 0;
      var n = r16(t, off);
      for (var i = 0; i < n && off + 2 + 12 * i + 12 <= t.length; i++) {
        var e = off + 2 + 12 * i;
        each(r16(t, e), e);
      }
      var next = off + 2 + 12 * n;
      return next + 4 <= t.length ? r32(t, next) : 0;
    }
    function tag(id) {
      if (DEVICE.indexOf(id) >= 0) found.add("device");
      else if (TIME.indexOf(id) >= 0) found.add("time");
      else if (id === 0x02BC) found.add("xmp");
      else if (id === 0x83BB || id === 0x8649) found.add("iptc");
      else if (STRUCTURE.indexOf(id) < 0) found.add("exif");
    }
    var sub = 0, ifd1 = ifd(r32(t, 4), function (id, e) {
      if (id === 0x8825) found.add("gps");
      else if (id === 0x8769) sub = r32(t, e + 8);
      else if (id === 0x0112) orientation = r16(t, e + 8);
      tag(id);
    });
    if (sub) ifd(sub, tag);
    if (ifd1) found.add("thumb");
    return orientation;
  }

  /* EXIF removed whole: at least "other EXIF data" is said, even when only structure was in it. */
  function exifAll(t, found) {
    var before = found.keys.length;
    exifFindings(t, found);
    if (found.keys.length === before) found.add("exif");
  }

  /* An APP1 holding only the orientation, so a phone photo does not turn on its side. */
  function orientationApp1(orientation) {
    var t = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0, 0, 0];
    var body = concat([enc.encode("Exif\0\0"), new Uint8Array(t)]);
    return concat([new Uint8Array([0xFF, 0xE1, (body.length + 2) >> 8, (body.length + 2) & 255]), body]);
  }

  // --- JPEG ------------------------------------------------------------------------------
  function cleanJpeg(b) {
    var found = Findings(), out = [b.subarray(0, 2)], o = 2, orientation = 1;
    while (o + 2 <= b.length) {
      if (b[o] !== 0xFF) throw new Error("jpeg: no marker");
      var m = b[o + 1];
      if (m === 0xFF) { o += 1; continue; } // fill byte
      if (m === 0xD9) { out.push(b.subarray(o, o + 2)); o += 2; break; }
      if (m >= 0xD0 && m <= 0xD7) { out.push(b.subarray(o, o + 2)); o += 2; continue; }
      var len = o + 4 <= b.length ? u16be(b, o + 2) : 0, end = o + 2 + len;
      if (len < 2 || end > b.length) throw new Error("jpeg: segment runs past the end");
      var p = o + 4, keep = true;
      if (m >= 0xE0 && m <= 0xEF) {
        if (m === 0xE0) keep = startsWith(b, p, "JFIF\0");
        else if (m === 0xE1) {
          keep = false;
          if (startsWith(b, p, "Exif\0")) orientation = exifFindings(b.subarray(p + 6, end), found);
          else if (startsWith(b, p, "http://ns.adobe.com/")) found.add("xmp");
          else found.add("exif");
        } else if (m === 0xE2) {
          keep = startsWith(b, p, "ICC_PROFILE\0");
          if (!keep) found.add(startsWith(b, p, "MPF\0") ? "extra" : "app");
        } else if (m === 0xED) { keep = false; found.add("iptc"); }
        else if (m === 0xEE) keep = startsWith(b, p, "Adobe");
        else keep = false;
        if (m === 0xE0 && !keep) found.add(startsWith(b, p, "JFXX\0") ? "thumb" : "app");
        if (!keep && m !== 0xE0 && m !== 0xE1 && m !== 0xE2 && m !== 0xED) found.add("app");
      } else if (m === 0xFE) { keep = false; found.add("text"); }
      if (keep) out.push(b.subarray(o, end));
      o = end;
      if (m === 0xDA) { // scan data, copied untouched up to the next real marker
        var s = o;
        while (o + 1 < b.length && !(b[o] === 0xFF && b[o + 1] !== 0 && !(b[o + 1] >= 0xD0 && b[o + 1] <= 0xD7))) o++;
        out.push(b.subarray(s, o));
      }
    }
    // Only the orientation comes back (after the JFIF header, if any), not the rest of the EXIF.
    if (orientation !== 1) out.splice(out[1] && out[1][1] === 0xE0 ? 2 : 1, 0, orientationApp1(orientation));
    if (o < b.length) found.add("extra"); // a second image or data after the end of the picture
    return result("image", found, concat(out));
  }

  // --- PNG -------------------------------------------------------------------------------
  function cleanPng(b) {
    var found = Findings(), out = [b.subarray(0, 8)], o = 8;
    while (o + 12 <= b.length) {
      var len = u32be(b, o), type = dec.decode(b.subarray(o + 4, o + 8)), end = o + 12 + len;
      if (end > b.length) throw new Error("png: chunk runs past the end");
      var data = b.subarray(o + 8, o + 8 + len);
      if (type === "tEXt" || type === "zTXt" || type === "iTXt") {
        found.add(startsWith(data, 0, "XML:com.adobe.xmp") ? "xmp" : "text");
      } else if (type === "eXIf") {
        exifAll(data, found);
      } else if (type === "tIME") {
        found.add("time");
      } else {
        out.push(b.subarray(o, end));
      }
      o = end;
      if (type === "IEND") break;
    }
    if (o < b.length) found.add("extra");
    return result("image", found, concat(out));
  }

  // --- WebP (RIFF) -----------------------------------------------------------------------
  function cleanWebp(b) {
    var found = Findings(), out = [], o = 12, vp8x = null;
    var total = Math.min(b.length, 8 + u32le(b, 4));
    while (o + 8 <= total) {
      var type = dec.decode(b.subarray(o, o + 4)), len = u32le(b, o + 4);
      var end = o + 8 + len + (len & 1);
      if (o + 8 + len > total) throw new Error("webp: chunk runs past the end");
      if (type === "EXIF") {
        var t = b.subarray(o + 8, o + 8 + len);
        exifAll(startsWith(t, 0, "Exif\0\0") ? t.subarray(6) : t, found);
      } else if (type === "XMP ") {
        found.add("xmp");
      } else {
        var chunk = b.slice(o, Math.min(end, total));
        if (type === "VP8X") vp8x = chunk;
        out.push(chunk);
      }
      o = end;
    }
    if (vp8x) vp8x[8] &= ~(0x08 | 0x04); // the EXIF and XMP flags
    var body = concat(out), head = new Uint8Array(12);
    head.set(b.subarray(0, 12));
    var size = body.length + 4;
    head[4] = size & 255; head[5] = (size >> 8) & 255; head[6] = (size >> 16) & 255; head[7] = (size >>> 24) & 255;
    return result("image", found, concat([head, body]));
  }

  // --- PDF: blanked in place, never rewritten ----------------------------------------------
  /* Rewriting a PDF is not done in the browser. What can be removed without moving a single
   * byte is: the contents of the document information dictionary, an uncompressed XMP stream
   * (replaced by an empty packet and spaces), the author names on notes, and the file
   * identifier (zeros). Every byte offset stays, so the cross-reference table stays right.
   * A PDF we cannot see into (object streams, encryption), with a compressed XMP stream or
   * program data (/PieceInfo), is named as not cleanable. */
  var EMPTY_XMP = '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">' +
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta><?xpacket end="w"?>';
  var MARKUP = /\/Subtype\s*\/(Text|FreeText|Line|Square|Circle|Polygon|PolyLine|Highlight|Underline|Squiggly|StrikeOut|Stamp|Caret|Ink|FileAttachment|Sound|Redact)\b/;

  /* The end (exclusive) of the PDF token starting at i: a string, a hex string or a dictionary. */
  function pdfTokenEnd(t, i) {
    if (t[i] === "(") {
      for (var depth = 0; i < t.length; i++) {
        if (t[i] === "\\") { i++; continue; }
        if (t[i] === "(") depth++;
        else if (t[i] === ")" && --depth === 0) return i + 1;
      }
      return -1;
    }
    if (t.substr(i, 2) === "<<") {
      for (var level = 0; i < t.length;) {
        if (t.substr(i, 2) === "<<") { level++; i += 2; continue; }
        if (t.substr(i, 2) === ">>") { i += 2; if (--level === 0) return i; continue; }
        if (t[i] === "(") { i = pdfTokenEnd(t, i); if (i < 0) return -1; continue; }
        if (t[i] === "%") { while (i < t.length && t[i] !== "\n" && t[i] !== "\r") i++; continue; }
        i++;
      }
      return -1;
    }
    if (t[i] === "<") { var close = t.indexOf(">", i); return close < 0 ? -1 : close + 1; }
    return -1;
  }

  function cleanPdf(b) {
    var t = dec.decode(b), found = Findings(), out = b.slice(), unseen = false;
    function fill(from, to, text) {
      for (var i = from; i < to; i++) out[i] = i - from < (text || "").length ? text.charCodeAt(i - from) : 0x20;
    }
    function objectsNamed(num, gen) {
      var re = new RegExp("(?:^|[^0-9])" + num + "\\s+" + gen + "\\s+obj\\b", "g"), at = [], m;
      while ((m = re.exec(t))) {
        var body = m.index + m[0].length;
        while (/\s/.test(t[body])) body++;
        at.push(body);
      }
      return at;
    }
    function eachRef(key, each) {
      var re = new RegExp("\\/" + key + "\\s+(\\d+)\\s+(\\d+)\\s+R", "g"), seen = {}, m;
      while ((m = re.exec(t))) {
        if (seen[m[1] + " " + m[2]]) continue;
        seen[m[1] + " " + m[2]] = true;
        var bodies = objectsNamed(m[1], m[2]);
        if (!bodies.length) unseen = true;
        bodies.forEach(each);
      }
    }
    function blankDict(at) {
      var end = t.substr(at, 2) === "<<" ? pdfTokenEnd(t, at) : -1;
      if (end < 0) { unseen = true; return; }
      if (/\S/.test(t.slice(at + 2, end - 2))) found.add("info");
      fill(at + 2, end - 2);
    }
    if (/\/ObjStm\b/.test(t) || /\/Encrypt\b/.test(t)) unseen = true;
    if (/\/PieceInfo\b/.test(t)) { found.add("app"); unseen = true; }
    // The document information, referenced from every trailer (earlier revisions too) or inline.
    eachRef("Info", blankDict);
    var inline = /\/Info\s*<</g, m;
    while ((m = inline.exec(t))) blankDict(m.index + m[0].length - 2);
    // XMP streams: the document's, the pages', the images'.
    eachRef("Metadata", function (at) {
      var end = t.substr(at, 2) === "<<" ? pdfTokenEnd(t, at) : -1;
      var head = end < 0 ? "" : t.slice(at, end), start = /^\s*stream\r?\n/.exec(t.slice(end, end + 20));
      if (end < 0 || !start || /\/Filter\b/.test(head)) { found.add("xmp"); unseen = true; return; }
      var from = end + start[0].length, to = t.indexOf("endstream", from);
      if (to < 0) { unseen = true; return; }
      while (to > from && (t[to - 1] === "\n" || t[to - 1] === "\r")) to--;
      if (/\S/.test(t.slice(from, to)) && t.slice(from, to).trim() !== EMPTY_XMP) found.add("xmp");
      fill(from, to, to - from >= EMPTY_XMP.length ? EMPTY_XMP : "");
    });
    // Author names on notes and other markup (a form field's /T is its name: kept).
    var names = /\/T\s*(?=[(<])/g;
    while ((m = names.exec(t))) {
      var objStart = t.lastIndexOf(" obj", m.index), objEnd = t.indexOf("endobj", m.index);
      var object = t.slice(objStart, objEnd < 0 ? t.length : objEnd);
      if (!MARKUP.test(object) || t.substr(m.index + m[0].length, 2) === "<<") continue;
      var strStart = m.index + m[0].length, strEnd = pdfTokenEnd(t, strStart);
      if (strEnd < 0) { unseen = true; continue; }
      if (strEnd - strStart > 2) found.add("names");
      fill(strStart, strEnd, t[strStart] === "(" ? "()" : "<>");
    }
    // The file identifier, often a hash of the path, the time and the size at creation.
    var ids = /\/ID\s*\[\s*<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>/g;
    while ((m = ids.exec(t))) {
      for (var i = m.index; i < m.index + m[0].length; i++) if (/[0-9A-Fa-f]/.test(t[i]) && i > m.index + 3) out[i] = 0x30;
    }
    if (unseen) return refused("pdf", found);
    return found.keys.length ? result("pdf", found, out) : result("pdf", found, b);
  }

  // --- ZIP (Office Open XML, OpenDocument) -------------------------------------------------
  var CRC_TABLE = (function () {
    var t = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c >>> 0;
    }
    return t;
  })();
  function crc32(b) {
    var c = 0xFFFFFFFF;
    for (var i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 255] ^ (c >>> 8);
    return (c ^ 0xFFFFFFFF) >>> 0;
  }

  async function inflate(data) {
    var stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  async function readZip(b) {
    var e = b.length - 22;
    while (e >= Math.max(0, b.length - 65557) && u32le(b, e) !== 0x06054b50) e--;
    if (e < 0 || u32le(b, e) !== 0x06054b50) throw new Error("zip: central directory end record missing");
    var count = u16le(b, e + 10), cd = u32le(b, e + 16), entries = [];
    if (count === 0xFFFF || cd === 0xFFFFFFFF) return null; // ZIP64: not here
    for (var i = 0; i < count; i++) {
      if (u32le(b, cd) !== 0x02014b50) throw new Error("zip: bad central directory");
      var flags = u16le(b, cd + 8), method = u16le(b, cd + 10), size = u32le(b, cd + 20);
      var nameLen = u16le(b, cd + 28), extraLen = u16le(b, cd + 30), commentLen = u16le(b, cd + 32);
      var local = u32le(b, cd + 42), nameBytes = b.subarray(cd + 46, cd + 46 + nameLen);
      if (flags & 1) return null; // encrypted
      if (u32le(b, local) !== 0x04034b50) throw new Error("zip: bad local header");
      var start = local + 30 + u16le(b, local + 26) + u16le(b, local + 28);
      var raw = b.subarray(start, start + size);
      var data = method === 0 ? raw : method === 8 ? await inflate(raw) : null;
      if (!data) return null;
      entries.push({ name: utf8.decode(nameBytes), nameBytes: nameBytes, data: data });
      cd += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  }

  async function deflate(data) {
    if (typeof CompressionStream === "undefined") return null;
    var stream = new Blob([data]).stream().pipeThrough(new CompressionStream("deflate-raw"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  /* A new ZIP: no extra fields, no comments, every date 1 January 1980. */
  async function writeZip(entries) {
    var parts = [], central = [], offset = 0;
    for (var i = 0; i < entries.length; i++) {
      var en = entries[i], crc = crc32(en.data), packed = null;
      if (en.name !== "mimetype" && en.data.length > 64) packed = await deflate(en.data);
      var method = packed && packed.length < en.data.length ? 8 : 0, body = method ? packed : en.data;
      var h = new DataView(new ArrayBuffer(30));
      h.setUint32(0, 0x04034b50, true); h.setUint16(4, 20, true); h.setUint16(6, 0x0800, true);
      h.setUint16(8, method, true); h.setUint16(10, 0, true); h.setUint16(12, 0x21, true);
      h.setUint32(14, crc, true); h.setUint32(18, body.length, true); h.setUint32(22, en.data.length, true);
      h.setUint16(26, en.nameBytes.length, true); h.setUint16(28, 0, true);
      var c = new DataView(new ArrayBuffer(46));
      c.setUint32(0, 0x02014b50, true); c.setUint16(4, 20, true); c.setUint16(6, 20, true);
      c.setUint16(8, 0x0800, true); c.setUint16(10, method, true); c.setUint16(12, 0, true);
      c.setUint16(14, 0x21, true); c.setUint32(16, crc, true); c.setUint32(20, body.length, true);
      c.setUint32(24, en.data.length, true); c.setUint16(28, en.nameBytes.length, true);
      c.setUint32(42, offset, true);
      parts.push(new Uint8Array(h.buffer), en.nameBytes, body);
      central.push(new Uint8Array(c.buffer), en.nameBytes);
      offset += 30 + en.nameBytes.length + body.length;
    }
    var cd = concat(central), end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true); end.setUint16(8, entries.length, true);
    end.setUint16(10, entries.length, true); end.setUint32(12, cd.length, true); end.setUint32(16, offset, true);
    return concat(parts.concat([cd, new Uint8Array(end.buffer)]));
  }

  var EMPTY_CORE = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties ' +
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>';

  function emptyMeta(xml) {
    var version = /office:version="([^"]*)"/.exec(xml);
    return '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta ' +
      'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="' +
      (version ? version[1] : "1.2") + '"><office:meta/></office:document-meta>';
  }

  /* Replace every match and tell whether anything that was not already empty went. */
  function blank(text, pattern, replacement) {
    var changed = false;
    var out = text.replace(pattern, function () {
      var args = Array.prototype.slice.call(arguments);
      var value = replacement.apply(null, args);
      if (value !== args[0]) changed = true;
      return value;
    });
    return { text: out, changed: changed };
  }
  var NAME_ATTRS = /(\s(?:w:author|w:initials|w15:author|w15:userId|w15:providerId|userId|userName|displayName|providerId)=")[^"]*(")/g;
  var PPT_NAME_ATTRS = /(\s(?:name|initials|userId|providerId)=")[^"]*(")/g;
  var REVISION_AUTHOR = /(\sw:author=")[^"]*(")/g;
  var ELEMENT_TEXT = function (tag) { return new RegExp("(<" + tag + "(?:\\s[^>]*)?>)[^<]*(</" + tag + ">)", "g"); };
  var keepEnds = function (m, a, b) { return a + b; };

  function isNamesPart(name) {
    return /^word\/(comments[^/]*|people)\.xml$/.test(name) || /^xl\/(comments[^/]*\.xml|persons\/[^/]*\.xml)$/.test(name) ||
      /^xl\/revisions\/[^/]*\.xml$/.test(name) || /^ppt\/(commentAuthors|authors)\.xml$/.test(name);
  }

  async function cleanZip(b) {
    var entries = await readZip(b);
    if (!entries) return null;
    var names = entries.map(function (e) { return e.name; });
    var ooxml = names.indexOf("[Content_Types].xml") >= 0;
    var mime = entries.filter(function (e) { return e.name === "mimetype"; })[0];
    var odf = mime && /^application\/vnd\.oasis\.opendocument\./.test(dec.decode(mime.data));
    if (!ooxml && !odf) return null;
    var found = Findings(), kept = [], dropped = [];
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i], n = e.name, xml = /\.(xml|rels)$/.test(n) ? utf8.decode(e.data) : null, r, r2;
      var original = xml;
      if (ooxml && n === "docProps/custom.xml") { dropped.push(n); found.add("info"); continue; }
      if (ooxml && n === "docProps/core.xml") {
        if (/<(dc|cp|dcterms):\w+[^>]*>[^<]+</.test(xml)) found.add("info");
        xml = EMPTY_CORE;
      } else if (ooxml && n === "docProps/app.xml") {
        r = blank(xml, /<(Company|Manager|HyperlinkBase|Template)>[^<]*<\/\1>|<(Company|Manager|HyperlinkBase|Template)\/>/g,
          function () { return ""; });
        if (r.changed) found.add("info");
        xml = r.text;
      } else if (odf && n === "meta.xml") {
        if (/<meta:|<dc:/.test(xml)) found.add("info");
        xml = emptyMeta(xml);
      } else if (ooxml && isNamesPart(n)) {
        r = blank(xml, /^ppt\//.test(n) ? PPT_NAME_ATTRS : NAME_ATTRS, keepEnds);
        r2 = blank(r.text, ELEMENT_TEXT("author"), keepEnds);
        if (r.changed || r2.changed) found.add(/revisions/.test(n) ? "revisions" : "names");
        xml = r2.text;
      } else if (ooxml && /^(word|ppt|xl)\/.*\.xml$/.test(n)) {
        r = blank(xml, REVISION_AUTHOR, keepEnds);
        if (r.changed) found.add("revisions");
        xml = r.text;
      } else if (odf && /^(content|styles)\.xml$/.test(n)) {
        var annotations = /<office:annotation[\s>]/.test(xml), changes = /<office:change-info[\s>]/.test(xml);
        r = blank(xml, ELEMENT_TEXT("dc:creator"), keepEnds);
        r2 = blank(r.text, ELEMENT_TEXT("meta:creator-initials"), keepEnds);
        r = { text: r2.text, changed: r.changed || r2.changed };
        if (r.changed) {
          if (annotations) found.add("names");
          if (changes) found.add("revisions");
          if (!annotations && !changes) found.add("names");
        }
        xml = r.text;
      } else if (/\.(jpe?g|png|webp)$/i.test(n)) {
        var inner = await cleanBytes(e.data);
        if (inner.data) { inner.removed.forEach(found.add); e = { name: n, nameBytes: e.nameBytes, data: inner.data }; }
      }
      kept.push(xml === original ? e : { name: n, nameBytes: e.nameBytes, data: enc.encode(xml) });
    }
    if (dropped.length) kept = kept.map(function (e) { return withoutParts(e, dropped); });
    return result("office", found, await writeZip(kept));
  }

  /* [Content_Types].xml and _rels/.rels without the parts we dropped. */
  function withoutParts(e, dropped) {
    if (e.name !== "[Content_Types].xml" && e.name !== "_rels/.rels") return e;
    var xml = utf8.decode(e.data);
    dropped.forEach(function (part) {
      var esc = part.replace(/[.]/g, "\\.");
      xml = xml.replace(new RegExp('<Override[^>]*PartName="/' + esc + '"[^>]*/>', "g"), "")
        .replace(new RegExp('<Relationship[^>]*Target="/?' + esc + '"[^>]*/>', "g"), "");
    });
    return { name: e.name, nameBytes: e.nameBytes, data: enc.encode(xml) };
  }

  // --- recognising a file by its first bytes, never by its name ----------------------------
  function sniff(b) {
    if (b[0] === 0xFF && b[1] === 0xD8 && b[2] === 0xFF) return "jpeg";
    if (startsWith(b, 0, "\x89PNG\r\n\x1a\n")) return "png";
    if (startsWith(b, 0, "RIFF") && startsWith(b, 8, "WEBP")) return "webp";
    if (dec.decode(b.subarray(0, 1024)).indexOf("%PDF-") >= 0) return "pdf";
    if (startsWith(b, 0, "PK\x03\x04")) return "zip";
    if (startsWith(b, 4, "ftyp")) return "isobmff"; // HEIC, HEIF, AVIF, MP4, MOV
    return null;
  }

  async function cleanBytes(b) {
    var kind = sniff(b);
    try {
      if (kind === "jpeg") return cleanJpeg(b);
      if (kind === "png") return cleanPng(b);
      if (kind === "webp") return cleanWebp(b);
      if (kind === "pdf") return cleanPdf(b);
      if (kind === "zip") {
        var zipped = await cleanZip(b);
        if (zipped) return zipped;
      }
    } catch (e) {
      // A damaged file of a kind we clean: we cannot vouch for it, so the melder decides.
      return refused(kind === "pdf" ? "pdf" : kind === "zip" ? "office" : "image", null);
    }
    return { status: "unsupported", kind: null, removed: [], data: null };
  }

  /* For a file we do not clean: what kind it is, to say what stays in it (as the server's
   * whistle.infra.metadata.kind_of). */
  var KINDS = {
    office: /\.(docx?|docm|dotx?|xlsx?|xlsm|pptx?|pptm|od[tspg]|rtf|pages|numbers|key|vsdx?|msg|eml)$/i,
    audio: /\.(mp3|m4a|aac|wav|ogg|oga|opus|flac|amr|wma|3ga)$/i,
    video: /\.(mp4|m4v|mov|avi|mkv|webm|wmv|3gp|mpg|mpeg)$/i,
    image: /\.(heic|heif|avif|jxl|bmp|svg|raw|dng|cr2|nef|arw|gif|tiff?)$/i,
  };
  function kindOf(name, type) {
    var major = String(type || "").split("/")[0];
    for (var kind in KINDS) if (KINDS[kind].test(name || "")) return kind;
    if (/officedocument|opendocument|msword|ms-excel|ms-powerpoint/.test(type || "")) return "office";
    return major === "audio" || major === "video" || major === "image" ? major : "other";
  }

  /* bytes: an ArrayBuffer or Uint8Array. */
  function clean(bytes) {
    return cleanBytes(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  }

  /* A file from an <input>: its kind from the first bytes, read whole only when we clean it. */
  async function cleanFile(file) {
    var head = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
    var kind = sniff(head);
    var out = !kind || kind === "isobmff" ? await cleanBytes(head) : await clean(await file.arrayBuffer());
    if (!out.kind) out.kind = kindOf(file.name, file.type);
    return out;
  }

  global.WhistleClean = { clean: clean, cleanFile: cleanFile, kindOf: kindOf, crc32: crc32 };
})(window);
