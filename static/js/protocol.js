/* Whistle reporter protocol v1 in the melder's browser, over libsodium.js (sumo build).
 *
 * The same steps as the Python package crypto/ (docs/browser-encryption.md); the browser tests
 * cross-check both on the committed known-answer vectors. Nothing here touches the DOM or
 * the network. Every failure throws a ProtocolError. */
(function (global) {
  "use strict";

  var CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  var CODE_LENGTH = 16;
  var PADDING_BLOCK = 1024;
  var CHUNK_SIZE = 65536;
  // "dossier_key" and "dossier": to read the decision on a complaint (protocol E.8).
  var KINDS = ["report", "message", "identity", "attachment", "benadeling", "dossier_key", "dossier"];
  var LOCATOR_HEX = /^[0-9a-f]{32}$/;
  // Ciphertext is folded into a Blob every few MiB, so the browser (not the JS heap) holds
  // a large attachment and may keep it on disk.
  var BLOB_FOLD_BYTES = 8 * 1024 * 1024;
  var READ_BYTES = 64 * CHUNK_SIZE;

  function ProtocolError(message, reason) {
    var e = new Error(message);
    e.name = "ProtocolError";
    e.reason = reason || "crypto";
    return e;
  }

  function create(sodium) {
    var encoder = new TextEncoder();
    var decoder = new TextDecoder("utf-8", { fatal: true });
    var B64 = sodium.base64_variants.ORIGINAL;
    var ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES;
    var TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    var TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    var HEADER_SIZE = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES;

    function utf8(text) { return encoder.encode(text); }

    function concat(a, b) {
      var out = new Uint8Array(a.length + b.length);
      out.set(a, 0);
      out.set(b, a.length);
      return out;
    }

    function b64(bytes) { return sodium.to_base64(bytes, B64); }

    function unb64(text, what) {
      try {
        return sodium.from_base64(text, B64);
      } catch (e) {
        throw ProtocolError((what || "value") + ": not valid base64", "format");
      }
    }

    function hex(bytes) { return sodium.to_hex(bytes); }

    function wipe(bytes) { if (bytes) sodium.memzero(bytes); }

    // --- proof of work (protocol E.7) -----------------------------------------------------
    // The nonce n (8 bytes, little-endian counter) such that BLAKE2b-256(challenge || n) starts
    // with `bits` zero bits. Answers the Whistle-Work header: challenge "." base64url(n).
    function solveWork(work) {
      var bits = work.bits;
      if (!Number.isInteger(bits) || bits < 0 || bits > 32) {
        throw ProtocolError("work: difficulty outside the allowed range", "format");
      }
      var raw = sodium.from_base64(work.challenge, sodium.base64_variants.URLSAFE_NO_PADDING);
      var input = new Uint8Array(raw.length + 8);
      input.set(raw, 0);
      for (var counter = 0; counter < 0x100000000; counter++) {
        var c = counter;
        for (var i = 0; i < 8; i++) { input[raw.length + i] = i < 4 ? c & 0xff : 0; c = i < 4 ? c >>> 8 : 0; }
        var digest = sodium.crypto_generichash(32, input, null);
        var left = bits, j = 0;
        while (left >= 8 && digest[j] === 0) { left -= 8; j++; }
        if (left <= 0 || (left < 8 && (digest[j] >> (8 - left)) === 0)) {
          return work.challenge + "." + sodium.to_base64(input.slice(raw.length),
                                                         sodium.base64_variants.URLSAFE_NO_PADDING);
        }
      }
      throw ProtocolError("work: no solution", "format");
    }

    // --- the receipt code ---------------------------------------------------------------

    function formatCode(normalised) {
      return normalised.match(/.{4}/g).join("-");
    }

    function newReceiptCode() {
      var raw = sodium.randombytes_buf(10); // 80 bits, 16 symbols of 5 bits
      var value = 0, bits = 0, out = "";
      for (var i = 0; i < raw.length; i++) {
        value = ((value << 8) | raw[i]) & 0xffff;
        bits += 8;
        while (bits >= 5) {
          out += CODE_ALPHABET[(value >> (bits - 5)) & 31];
          bits -= 5;
        }
      }
      wipe(raw);
      return formatCode(out);
    }

    /* Upper-case; drop white space and hyphens; O->0, I->1, L->1. The messages never echo
     * the code: it is the melder's only secret. */
    function normaliseCode(code) {
      if (typeof code !== "string") throw ProtocolError("receipt code must be text", "code");
      var cleaned = code.toUpperCase().replace(/[\s-]/g, "")
        .replace(/O/g, "0").replace(/[IL]/g, "1");
      for (var i = 0; i < cleaned.length; i++) {
        if (CODE_ALPHABET.indexOf(cleaned[i]) < 0) {
          throw ProtocolError("receipt code may only contain digits and the letters A-Z except U", "code");
        }
      }
      if (cleaned.length !== CODE_LENGTH) {
        throw ProtocolError("receipt code must have 16 symbols, got " + cleaned.length, "code");
      }
      return cleaned;
    }

    // --- keys derived from the code -----------------------------------------------------

    function reporterSalt(orgSlug) {
      return sodium.crypto_generichash(16, utf8("whistle/v1/reporter/" + orgSlug), null);
    }

    // Protocol section 4: 1 <= opslimit <= 4 and 8192 <= memlimit <= 1 GiB, so a hostile server
    // cannot make the browser spend unbounded time or memory.
    function checkKdf(kdf) {
      if (!kdf || kdf.algorithm !== "argon2id13" ||
          !Number.isInteger(kdf.opslimit) || kdf.opslimit < 1 || kdf.opslimit > 4 ||
          !Number.isInteger(kdf.memlimit) || kdf.memlimit < 8192 || kdf.memlimit > 1073741824) {
        throw ProtocolError("the published key derivation parameters are not usable", "format");
      }
    }

    function deriveMaster(code, orgSlug, kdf) {
      checkKdf(kdf);
      var password = utf8(normaliseCode(code));
      try {
        return sodium.crypto_pwhash(32, password, reporterSalt(orgSlug), kdf.opslimit, kdf.memlimit,
                                    sodium.crypto_pwhash_ALG_ARGON2ID13);
      } finally {
        wipe(password);
      }
    }

    function keysFromMaster(master) {
      var boxSeed = sodium.crypto_generichash(32, utf8("box"), master);
      var signSeed = sodium.crypto_generichash(32, utf8("sign"), master);
      var box = sodium.crypto_box_seed_keypair(boxSeed);
      var sign = sodium.crypto_sign_seed_keypair(signSeed);
      var keys = {
        locator: hex(sodium.crypto_generichash(16, utf8("locator"), master)),
        boxPublic: box.publicKey, boxSecret: box.privateKey,
        signPublic: sign.publicKey, signSecret: sign.privateKey,
      };
      wipe(boxSeed);
      wipe(signSeed);
      return keys;
    }

    function deriveKeys(code, orgSlug, kdf) {
      var master = deriveMaster(code, orgSlug, kdf);
      try {
        return keysFromMaster(master);
      } finally {
        wipe(master);
      }
    }

    function forgetKeys(keys) {
      if (!keys) return;
      wipe(keys.boxSecret);
      wipe(keys.signSecret);
    }

    function signLogin(signSecret, challenge) {
      if (!(challenge instanceof Uint8Array) || challenge.length !== 32) {
        throw ProtocolError("challenge must be 32 bytes", "format");
      }
      return sodium.crypto_sign_detached(concat(utf8("whistle/v1/login:"), challenge), signSecret);
    }

    /* Replacing the code (protocol E.10): both signatures cover the context, the challenge
     * and the new locator and public keys; one with the current code's key, one with the new. */
    function replacementMessage(challenge, newKeys) {
      if (!(challenge instanceof Uint8Array) || challenge.length !== 32) {
        throw ProtocolError("challenge must be 32 bytes", "format");
      }
      if (!LOCATOR_HEX.test(newKeys.locator)) throw ProtocolError("locator must be 32 lowercase hex characters", "format");
      var parts = [utf8("whistle/v1/replace-code:"), challenge, sodium.from_hex(newKeys.locator),
                   newKeys.boxPublic, newKeys.signPublic];
      return parts.reduce(concat);
    }

    function signReplacement(signSecret, challenge, newKeys) {
      return sodium.crypto_sign_detached(replacementMessage(challenge, newKeys), signSecret);
    }

    // --- records --------------------------------------------------------------------------

    /* JSON exactly as Python's json.dumps(sort_keys=True, separators=(",", ":"),
     * ensure_ascii=False) writes it, so a record sealed here has the bytes crypto/ would seal. */
    function canonicalJson(value) {
      if (Array.isArray(value)) return "[" + value.map(canonicalJson).join(",") + "]";
      if (value !== null && typeof value === "object") {
        return "{" + Object.keys(value).sort().map(function (k) {
          return JSON.stringify(k) + ":" + canonicalJson(value[k]);
        }).join(",") + "}";
      }
      return JSON.stringify(value);
    }

    function recordAd(kind, locatorHex) {
      if (KINDS.indexOf(kind) < 0) throw ProtocolError("unknown record kind", "format");
      if (!LOCATOR_HEX.test(locatorHex)) throw ProtocolError("locator must be 32 lowercase hex characters", "format");
      return utf8("whistle/v1/" + kind + "/" + locatorHex);
    }

    function sealRecord(caseKey, kind, locatorHex, record, nonce) {
      var ad = recordAd(kind, locatorHex);
      if (record === null || typeof record !== "object" || Array.isArray(record)) {
        throw ProtocolError("a record must be a JSON object", "format");
      }
      // nonce is a parameter only for known-answer vectors; reusing one is fatal.
      nonce = nonce || sodium.randombytes_buf(24);
      var padded = sodium.pad(utf8(canonicalJson(record)), PADDING_BLOCK);
      var sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(padded, ad, null, nonce, caseKey);
      wipe(padded);
      return concat(nonce, sealed);
    }

    function openRecord(caseKey, kind, locatorHex, blob) {
      var ad = recordAd(kind, locatorHex);
      if (!(blob instanceof Uint8Array) || blob.length < 24 + 16) throw ProtocolError("record too short");
      var padded;
      try {
        padded = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
          null, blob.subarray(24), ad, blob.subarray(0, 24), caseKey);
      } catch (e) {
        throw ProtocolError("record cannot be opened: wrong key, case or kind, or tampered");
      }
      var record;
      try {
        record = JSON.parse(decoder.decode(sodium.unpad(padded, PADDING_BLOCK)));
      } catch (e) {
        throw ProtocolError("record: not valid padded UTF-8 JSON");
      }
      if (record === null || typeof record !== "object" || Array.isArray(record)) {
        throw ProtocolError("record: not a JSON object");
      }
      return record;
    }

    // --- the case key ---------------------------------------------------------------------

    function keyCommitment(caseKey) {
      return sodium.crypto_generichash(32, utf8("whistle/v1/commit"), caseKey);
    }

    function wrapCaseKey(caseKey, publicKey) {
      if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
        throw ProtocolError("recipient public key must be 32 bytes", "format");
      }
      return sodium.crypto_box_seal(caseKey, publicKey);
    }

    /* Open a sealed case key and refuse it unless it matches the case's commitment, before
     * anything is decrypted with it. */
    function unwrapCaseKey(sealed, publicKey, secretKey, commitment) {
      var caseKey;
      try {
        caseKey = sodium.crypto_box_seal_open(sealed, publicKey, secretKey);
      } catch (e) {
        throw ProtocolError("sealed case key cannot be opened with this key pair");
      }
      if (caseKey.length !== 32 || !(commitment instanceof Uint8Array) || commitment.length !== 32 ||
          !sodium.memcmp(keyCommitment(caseKey), commitment)) {
        wipe(caseKey);
        throw ProtocolError("case key does not match the key commitment", "commitment");
      }
      return caseKey;
    }

    function fingerprint(publicKey) {
      var digest = hex(sodium.crypto_generichash(20, concat(utf8("whistle/v1/fingerprint"), publicKey), null));
      return digest.match(/.{4}/g).join(" ");
    }

    // --- endorsements (protocol E.5) -------------------------------------------------------

    var ROLES = ["counsellor", "authority", "recovery"];
    var MELDING_ROLES = ["counsellor", "recovery"];
    var MAX_CHAIN = 32;
    var SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
    var ISSUED = /^(\d{4})-(\d{2})-(\d{2})$/;

    function lengthPrefixed(parts) {
      var total = 0;
      parts.forEach(function (p) { total += 4 + p.length; });
      var out = new Uint8Array(total), off = 0;
      parts.forEach(function (p) {
        new DataView(out.buffer).setUint32(off, p.length, false);
        out.set(p, off + 4);
        off += 4 + p.length;
      });
      return out;
    }

    function untrusted(message) { return ProtocolError(message, "trust"); }

    function isDate(text) {
      var m = ISSUED.exec(text);
      if (!m) return false;
      var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
      return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
    }

    /* The canonical bytes an endorser signs (the same as crypto/trust.py). */
    function endorsementStatement(e) {
      if (typeof e.org !== "string" || !SLUG.test(e.org)) throw untrusted("endorsement: organisation slug not valid");
      if (ROLES.indexOf(e.role) < 0) throw untrusted("endorsement: unknown role");
      if (typeof e.office !== "string" || e.office.length > 100 || (e.role === "authority") !== (e.office !== "")) {
        throw untrusted("endorsement: the office does not fit the role");
      }
      if (e.boxPublic.length !== 32 || e.endorser.length !== 32 ||
          e.verifyKey.length !== (e.role === "recovery" ? 0 : 32)) {
        throw untrusted("endorsement: a key has the wrong length");
      }
      if (typeof e.issued !== "string" || !isDate(e.issued)) throw untrusted("endorsement: issued: not a date");
      return lengthPrefixed([utf8("whistle/v1/endorsement"), utf8(e.org), utf8(e.role), utf8(e.office),
                             e.boxPublic, e.verifyKey, e.endorser, utf8(e.issued)]);
    }

    function parseEndorsement(wire) {
      if (!wire || typeof wire !== "object") throw untrusted("endorsement must be a JSON object");
      function raw(name) {
        if (typeof wire[name] !== "string") throw untrusted("endorsement: " + name + " must be text");
        try { return sodium.from_base64(wire[name], B64); } catch (e) { throw untrusted("endorsement: " + name + ": not valid base64"); }
      }
      return { org: wire.org, role: wire.role, office: wire.office, boxPublic: raw("public_key"),
               verifyKey: wire.verify_key === "" ? new Uint8Array(0) : raw("verify_key"),
               endorser: raw("endorser"), issued: wire.issued, signature: raw("signature") };
    }

    /* Each link signed by the key before it, starting at the organisation's trust key, only
     * counsellors vouching for others, the last link naming `recipient`. Returns the last link. */
    function verifyChain(trustPublic, recipient, wireChain, org) {
      if (!Array.isArray(wireChain) || !wireChain.length) throw untrusted("endorsement chain empty");
      if (wireChain.length > MAX_CHAIN) throw untrusted("endorsement chain too long");
      var expected = trustPublic, link = null;
      for (var i = 0; i < wireChain.length; i++) {
        link = parseEndorsement(wireChain[i]);
        if (link.org !== org) throw untrusted("endorsement: for another organisation");
        if (link.endorser.length !== 32 || expected.length !== 32 || !sodium.memcmp(link.endorser, expected)) {
          throw untrusted("endorsement chain broken: a link not signed by the key before it");
        }
        var statement = endorsementStatement(link);
        if (link.signature.length !== 64 || !sodium.crypto_sign_verify_detached(link.signature, statement, link.endorser)) {
          throw untrusted("endorsement signature does not verify");
        }
        if (i < wireChain.length - 1 && link.role !== "counsellor") {
          throw untrusted("endorsement chain passes through a key that may not endorse");
        }
        if (link.role === "recovery" && i !== 0) throw untrusted("only the trust key may endorse the recovery key");
        expected = link.verifyKey;
      }
      if (!(recipient instanceof Uint8Array) || recipient.length !== 32 || !sodium.memcmp(link.boxPublic, recipient)) {
        throw untrusted("endorsement chain: for another key");
      }
      return link;
    }

    /* The organisation's trust key from an intake answer, its fingerprint recomputed here. */
    function trustFromIntake(intake) {
      var t = intake && intake.trust;
      if (!t || typeof t.public_key !== "string") throw untrusted("the organisation publishes no trust key");
      var publicKey = unb64(t.public_key, "trust key");
      if (publicKey.length !== 32) throw untrusted("trust key must be 32 bytes");
      var fp = fingerprint(publicKey);
      if (t.fingerprint !== fp) throw untrusted("the trust key's fingerprint does not match the key");
      return { publicKey: publicKey, fingerprint: fp };
    }

    /* Recipients from an intake answer, with the fingerprint computed here from the very key
     * the case key will be wrapped to; a server that shows one key and hands out another is
     * refused, and so is any key not vouched for by the organisation's trust key (a member
     * of the bevoegd gezag never receives a melding directly). */
    function recipientsFromIntake(intake) {
      var recipients = intake.recipients || [];
      if (!recipients.length) return [];
      var trust = trustFromIntake(intake);
      return recipients.map(function (r) {
        var publicKey = unb64(r.public_key, "recipient public key");
        if (publicKey.length !== 32) throw ProtocolError("recipient public key must be 32 bytes", "format");
        var fp = fingerprint(publicKey);
        if (r.fingerprint !== fp) throw ProtocolError("a recipient's fingerprint does not match its key", "recipients");
        var final = verifyChain(trust.publicKey, publicKey, r.endorsement_chain, intake.org);
        if (MELDING_ROLES.indexOf(final.role) < 0 || final.role !== r.role) {
          throw untrusted("a recipient lacks an endorsement to receive meldingen");
        }
        return { keyId: r.key_id, publicKey: publicKey, fingerprint: fp, role: final.role, label: r.label };
      });
    }

    function sameRecipients(a, b) {
      var ids = function (list) { return list.map(function (r) { return r.keyId + "=" + r.fingerprint; }).sort().join(","); };
      return ids(a) === ids(b);
    }

    /* Protocol v1 `POST /orgs/<org>/reports` body, and the case key kept for attachments. */
    function prepareCase(keys, recipients, report, identity) {
      if (!recipients.length) throw ProtocolError("at least one recipient required", "recipients");
      var caseKey = sodium.randombytes_buf(32);
      var payload = {
        version: 1,
        locator: keys.locator,
        reporter_box_public_key: b64(keys.boxPublic),
        reporter_sign_public_key: b64(keys.signPublic),
        report: b64(sealRecord(caseKey, "report", keys.locator, report)),
        key_commitment: b64(keyCommitment(caseKey)),
        keys: recipients.map(function (r) {
          return { recipient: r.keyId, sealed_key: b64(wrapCaseKey(caseKey, r.publicKey)) };
        }),
        reporter_sealed_key: b64(wrapCaseKey(caseKey, keys.boxPublic)),
      };
      if (identity) payload.identity = b64(sealRecord(caseKey, "identity", keys.locator, identity));
      return { caseKey: caseKey, payload: payload };
    }

    // --- attachments ----------------------------------------------------------------------

    /* Encrypt a File (or Blob) with a fresh key: secretstream, 64 KiB chunks, the last one
     * FINAL. Reads in slices, so memory stays bounded; onProgress(done, total) after each slice.
     * Returns { key, body: Blob, plainSize }. */
    async function encryptFile(file, onProgress) {
      var size = file.size;
      var key = sodium.crypto_secretstream_xchacha20poly1305_keygen();
      var init = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
      var folded = new Blob([init.header]);
      var parts = [], pending = 0, done = 0;
      var chunks = Math.max(1, Math.ceil(size / CHUNK_SIZE)), index = 0;
      while (index < chunks) {
        var end = Math.min(size, done + READ_BYTES);
        var slice = new Uint8Array(await file.slice(done, end).arrayBuffer());
        if (slice.length !== end - done) throw ProtocolError("the file changed while it was read", "file");
        for (var off = 0; off < slice.length || (size === 0 && index === 0); off += CHUNK_SIZE) {
          var last = index === chunks - 1;
          var piece = slice.subarray(off, Math.min(slice.length, off + CHUNK_SIZE));
          var out = sodium.crypto_secretstream_xchacha20poly1305_push(
            init.state, piece, null, last ? TAG_FINAL : TAG_MESSAGE);
          parts.push(out);
          pending += out.length;
          index += 1;
          if (last) break;
        }
        wipe(slice);
        done = end;
        if (pending >= BLOB_FOLD_BYTES || index >= chunks) {
          folded = new Blob([folded].concat(parts));
          parts = [];
          pending = 0;
        }
        if (onProgress) onProgress(done, size);
      }
      return { key: key, body: folded, plainSize: size };
    }

    /* Decrypt an attachment body (Uint8Array). The result is returned only once the FINAL
     * chunk authenticated: a truncated or altered file is refused as a whole. */
    function decryptBody(key, body) {
      if (!(body instanceof Uint8Array) || body.length < HEADER_SIZE + ABYTES) {
        throw ProtocolError("attachment truncated");
      }
      var state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(body.subarray(0, HEADER_SIZE), key);
      var parts = [], off = HEADER_SIZE, final = false;
      while (off < body.length) {
        if (final) throw ProtocolError("data after the final attachment chunk");
        var end = Math.min(body.length, off + CHUNK_SIZE + ABYTES);
        var pulled = sodium.crypto_secretstream_xchacha20poly1305_pull(state, body.subarray(off, end), null);
        if (!pulled) throw ProtocolError("attachment chunk failed authentication");
        if (pulled.tag === TAG_FINAL) final = true;
        else if (pulled.tag !== TAG_MESSAGE) throw ProtocolError("attachment chunk has an unexpected tag");
        parts.push(pulled.message);
        off = end;
      }
      if (!final) throw ProtocolError("attachment truncated");
      return parts;
    }

    return {
      CODE_ALPHABET: CODE_ALPHABET, PADDING_BLOCK: PADDING_BLOCK, CHUNK_SIZE: CHUNK_SIZE,
      b64: b64, unb64: unb64, hex: hex, utf8: utf8, wipe: wipe,
      newReceiptCode: newReceiptCode, normaliseCode: normaliseCode, formatCode: formatCode,
      reporterSalt: reporterSalt, checkKdf: checkKdf, deriveMaster: deriveMaster, keysFromMaster: keysFromMaster,
      deriveKeys: deriveKeys, forgetKeys: forgetKeys, signLogin: signLogin,
      replacementMessage: replacementMessage, signReplacement: signReplacement,
      canonicalJson: canonicalJson, sealRecord: sealRecord, openRecord: openRecord,
      keyCommitment: keyCommitment, wrapCaseKey: wrapCaseKey, unwrapCaseKey: unwrapCaseKey,
      fingerprint: fingerprint, recipientsFromIntake: recipientsFromIntake,
      endorsementStatement: endorsementStatement, parseEndorsement: parseEndorsement,
      verifyChain: verifyChain, trustFromIntake: trustFromIntake,
      sameRecipients: sameRecipients, prepareCase: prepareCase,
      encryptFile: encryptFile, decryptBody: decryptBody, solveWork: solveWork,
    };
  }

  global.WhistleProtocol = { create: create, ProtocolError: ProtocolError };
  // A page, or the key derivation's worker (static/js/kdf-worker.js), which has no window.
})(typeof window !== "undefined" ? window : self);
