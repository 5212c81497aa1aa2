/* Test-only (never served): runs the browser's protocol code (static/js/protocol.js over the
 * vendored libsodium.js) on known-answer inputs, for tests/browser/test_cross_check.py and
 * tests/browser/make_js_vectors.py. */
window.WhistleVectors = (function () {
  "use strict";

  async function ready() {
    await window.sodium.ready;
    return { sodium: window.sodium, P: WhistleProtocol.create(window.sodium) };
  }

  // libsodium's SHA-256: crypto.subtle needs a secure context, which a blank page is not.
  async function sha256hex(blobOrBytes) {
    var bytes = blobOrBytes instanceof Blob ? new Uint8Array(await blobOrBytes.arrayBuffer()) : blobOrBytes;
    return window.sodium.to_hex(window.sodium.crypto_hash_sha256(bytes));
  }

  function pattern(length) {
    var out = new Uint8Array(length);
    for (var i = 0; i < length; i++) out[i] = i % 251;
    return out;
  }

  function refused(fn) {
    try { fn(); return "accepted"; } catch (e) { return e.reason || e.name || "error"; }
  }

  /* Check the committed Python vectors (crypto-v1.json) in the browser. */
  async function check(v) {
    var r = await ready(), sodium = r.sodium, P = r.P, hex = sodium.to_hex, unhex = sodium.from_hex;
    var out = {};
    out.reporter = v.reporter.cases.map(function (c) {
      var kdf = { algorithm: "argon2id13", opslimit: c.opslimit, memlimit: c.memlimit };
      var master = P.deriveMaster(c.code, c.org_slug, kdf);
      var keys = P.keysFromMaster(master);
      return { salt_hex: hex(P.reporterSalt(c.org_slug)), master_hex: hex(master), locator_hex: keys.locator,
               box_public_hex: hex(keys.boxPublic), sign_public_hex: hex(keys.signPublic),
               signature_hex: hex(P.signLogin(keys.signSecret, unhex(v.login.challenge_hex))) };
    });
    out.normalise_valid = v.normalise.valid.map(function (pair) { return P.normaliseCode(pair[0]); });
    out.normalise_invalid = v.normalise.invalid.map(function (text) {
      return refused(function () { P.normaliseCode(text); });
    });
    out.login_verifies = sodium.crypto_sign_verify_detached(
      unhex(v.login.signature_hex),
      concat(P.utf8("whistle/v1/login:"), unhex(v.login.challenge_hex)),
      unhex(v.login.sign_public_hex));
    var rc = v.replace_code, current = v.reporter.cases[0];
    var currentKeys = P.deriveKeys(current.code, current.org_slug,
                                   { algorithm: "argon2id13", opslimit: current.opslimit, memlimit: current.memlimit });
    var newKeys = P.deriveKeys(rc.new_code, current.org_slug,
                               { algorithm: "argon2id13", opslimit: current.opslimit, memlimit: current.memlimit });
    out.replace_code = {
      new_locator_hex: newKeys.locator,
      message_hex: hex(P.replacementMessage(unhex(rc.challenge_hex), newKeys)),
      signature_hex: hex(P.signReplacement(currentKeys.signSecret, unhex(rc.challenge_hex), newKeys)),
      new_signature_hex: hex(P.signReplacement(newKeys.signSecret, unhex(rc.challenge_hex), newKeys)),
    };
    out.commitment_hex = hex(P.keyCommitment(unhex(v.commitment.case_key_hex)));
    var rec = v.record;
    out.record_blob_b64 = P.b64(P.sealRecord(unhex(rec.case_key_hex), rec.kind, rec.locator_hex, rec.record,
                                             unhex(rec.nonce_hex)));
    out.record_opened = P.openRecord(unhex(rec.case_key_hex), rec.kind, rec.locator_hex, P.unb64(rec.blob_b64));
    out.record_wrong_kind = refused(function () {
      P.openRecord(unhex(rec.case_key_hex), "message", rec.locator_hex, P.unb64(rec.blob_b64));
    });
    var sk = v.sealed_key;
    var secret = unhex(sk.recipient_secret_hex), pub = unhex(sk.recipient_public_hex);
    out.unwrapped_hex = hex(P.unwrapCaseKey(P.unb64(sk.sealed_b64), pub, secret, unhex(sk.commitment_hex)));
    var wrong = unhex(sk.commitment_hex);
    wrong[0] ^= 1;
    out.unwrap_wrong_commitment = refused(function () { P.unwrapCaseKey(P.unb64(sk.sealed_b64), pub, secret, wrong); });
    out.fingerprint = P.fingerprint(unhex(v.fingerprint.public_key_hex));
    var att = v.attachment;
    var parts = P.decryptBody(unhex(att.file_key_hex), P.unb64(att.body_b64));
    out.attachment_sha256 = await sha256hex(new Blob(parts));
    var cut = P.unb64(att.body_b64);
    out.attachment_truncated = refused(function () { P.decryptBody(unhex(att.file_key_hex), cut.subarray(0, cut.length - 1)); });
    return out;
  }

  function concat(a, b) {
    var out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
  }

  /* Vectors made BY libsodium.js, committed as tests/vectors/libsodium-js-v1.json so CI can
   * check PyNaCl against them without Node or a browser. */
  async function make(inputs) {
    var r = await ready(), sodium = r.sodium, P = r.P, hex = sodium.to_hex, unhex = sodium.from_hex;
    var kdf = { algorithm: "argon2id13", opslimit: inputs.opslimit, memlimit: inputs.memlimit };
    var reporters = inputs.reporters.map(function (c) {
      var master = P.deriveMaster(c.code, c.org_slug, kdf);
      var keys = P.keysFromMaster(master);
      return { code: c.code, org_slug: c.org_slug, opslimit: kdf.opslimit, memlimit: kdf.memlimit,
               normalised: P.normaliseCode(c.code), salt_hex: hex(P.reporterSalt(c.org_slug)),
               master_hex: hex(master), locator_hex: keys.locator, box_public_hex: hex(keys.boxPublic),
               sign_public_hex: hex(keys.signPublic), box_secret_hex: hex(keys.boxSecret),
               login_signature_hex: hex(P.signLogin(keys.signSecret, unhex(inputs.challenge_hex))) };
    });
    var caseKey = unhex(inputs.case_key_hex);
    var locator = reporters[0].locator_hex;
    var records = inputs.records.map(function (x) {
      return { kind: x.kind, locator_hex: locator, nonce_hex: x.nonce_hex, record: x.record,
               blob_b64: P.b64(P.sealRecord(caseKey, x.kind, locator, x.record, unhex(x.nonce_hex))) };
    });
    var recipientSecret = unhex(inputs.recipient_secret_hex);
    var recipientPublic = sodium.crypto_scalarmult_base(recipientSecret);
    var prepared = P.prepareCase(
      { locator: locator, boxPublic: unhex(reporters[0].box_public_hex), signPublic: unhex(reporters[0].sign_public_hex) },
      [{ keyId: "recipient-1", publicKey: recipientPublic }],
      inputs.records[0].record, null);
    var attachments = [];
    for (var i = 0; i < inputs.attachment_lengths.length; i++) {
      var length = inputs.attachment_lengths[i];
      var enc = await P.encryptFile(new Blob([pattern(length)]));
      attachments.push({ length: length, plaintext_sha256: await sha256hex(pattern(length)),
                         file_key_hex: hex(enc.key),
                         body_b64: P.b64(new Uint8Array(await enc.body.arrayBuffer())) });
    }
    return {
      about: "Made by libsodium.js " + inputs.version + " through static/js/protocol.js in Chromium " +
             "(tests/browser/make_js_vectors.py). PyNaCl must open, verify and reproduce them " +
             "(tests/browser/test_js_vectors_in_python.py). *_hex lowercase hex, *_b64 standard base64.",
      libsodium_js: inputs.version,
      receipt_codes: [P.newReceiptCode(), P.newReceiptCode(), P.newReceiptCode()],
      reporters: reporters,
      challenge_hex: inputs.challenge_hex,
      case_key_hex: inputs.case_key_hex,
      commitment_hex: hex(P.keyCommitment(caseKey)),
      records: records,
      sealed_key: { recipient_secret_hex: inputs.recipient_secret_hex, recipient_public_hex: hex(recipientPublic),
                    sealed_b64: P.b64(P.wrapCaseKey(caseKey, recipientPublic)) },
      fingerprint: { public_key_hex: hex(recipientPublic), fingerprint: P.fingerprint(recipientPublic) },
      submission: { payload: prepared.payload, case_key_hex: hex(prepared.caseKey),
                    recipient_secret_hex: inputs.recipient_secret_hex,
                    reporter_box_secret_hex: reporters[0].box_secret_hex },
      attachments: attachments,
    };
  }

  /* Check the committed endorsement vectors (endorsement-v1.json) in the browser: the same
   * statement bytes, every valid chain accepted with its role, every invalid one refused, and
   * an intake answer verified (and one with a forged link refused) as the melder's page does. */
  async function checkEndorsements(v) {
    var r = await ready(), sodium = r.sodium, P = r.P, hex = sodium.to_hex, unhex = sodium.from_hex;
    var trust = unhex(v.trust.verify_key_hex);
    var out = { statements: {}, valid: [], invalid: [] };
    Object.keys(v.endorsements).forEach(function (name) {
      out.statements[name] = hex(P.endorsementStatement(P.parseEndorsement(v.endorsements[name].wire)));
    });
    out.trust_fingerprint = P.fingerprint(trust);
    v.valid_chains.forEach(function (c) {
      var link = P.verifyChain(trust, unhex(c.recipient_hex), c.chain, v.org);
      out.valid.push([link.role, link.office]);
    });
    v.invalid_chains.forEach(function (c) {
      out.invalid.push(refused(function () { P.verifyChain(trust, unhex(c.recipient_hex), c.chain, v.org); }));
    });
    function intake(chain, role) {
      var pub = unhex(chain.recipient_hex);
      return { org: v.org, trust: { public_key: P.b64(trust), fingerprint: P.fingerprint(trust) },
               recipients: [{ key_id: "k", public_key: P.b64(pub), fingerprint: P.fingerprint(pub),
                              role: role, label: "x", endorsement_chain: chain.chain }] };
    }
    out.intake_ok = P.recipientsFromIntake(intake(v.valid_chains[1], "counsellor"))[0].role;
    out.intake_forged = refused(function () { P.recipientsFromIntake(intake(v.invalid_chains[3], "counsellor")); });
    out.intake_authority = refused(function () { P.recipientsFromIntake(intake(v.valid_chains[2], "counsellor")); });
    var noTrust = intake(v.valid_chains[0], "counsellor");
    delete noTrust.trust;
    out.intake_without_trust = refused(function () { P.recipientsFromIntake(noTrust); });
    return out;
  }

  return { check: check, make: make, checkEndorsements: checkEndorsements };
})();
