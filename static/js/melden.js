/* A new melding, encrypted in the melder's browser (progressive enhancement of form.html).
 *
 * The form keeps its server action: until everything below is ready (libsodium.js with
 * WebAssembly, the intake answer) it posts to the server path as it would without JavaScript.
 * Once ready, the browser makes the code, derives the keys, encrypts the report, the identity
 * and every attachment, wraps the case key to the recipients the melder was shown, and posts
 * only what protocol v1 describes. */
(function () {
  "use strict";
  var gettext = window.WhistleI18n.gettext; // the page's words (static/js/i18n.js)

  var form = document.getElementById("melding-form");
  if (!form || !window.WhistleBoot) return;

  var org = form.getAttribute("data-org");
  var api = WhistleApi.create(form.getAttribute("data-api"));
  var progress = WhistleProgress.attach(document.getElementById("js-progress"));
  var errorBox = document.getElementById("js-error");
  var changedBox = document.getElementById("recipients-changed");
  var submitButton = form.querySelector("button[type=submit]");
  var P, files, intake, shown, cleaner;
  // Kept for the life of this page, so a retry after a lost answer reuses the same code and
  // case (the server then says the locator is taken: our earlier attempt did land).
  var pending = null;
  var busy = false;

  WhistleBoot.sodium().then(async function (sodium) {
    P = WhistleProtocol.create(sodium);
    files = WhistleAttachments.create(P, api);
    intake = await api.intake(org);
    // The report's fields come from the server (whistle.domain.report), never from a list here.
    if (!Array.isArray(intake.report_fields) || !Array.isArray(intake.identity_fields)) {
      throw new Error("intake without report_fields");
    }
    shown = P.recipientsFromIntake(intake);
    if (!shown.length) return; // the server path explains that no one can receive a melding yet
    showRecipients(shown);
    form.addEventListener("submit", onSubmit);
    form.setAttribute("data-encryption", "browser");
    WhistleBoot.showProtection("browser");
    tellAboutMetadata();
    cleaner = WhistleCleanView.attach(form, form.elements.namedItem("attachments"));
  }).catch(function (e) {
    // Keys the organisation key does not vouch for: send nothing at all, not even through the
    // server path, which trusts the same server.
    if (e && e.reason === "trust") return refuseUntrusted();
    // Anything else missing: the form still posts to the server path, and the page says so.
    if (document.documentElement.getAttribute("data-protection") !== "server-no-wasm") {
      WhistleBoot.showProtection("server-failed");
    }
  });

  /* A file encrypted here never reaches the server readable, so the server cannot clean it:
   * this browser does (static/js/clean.js, melder-clean.js), and says so instead of the server
   * path's advice. "Metadata laten staan" keeps its meaning: nothing is removed. */
  function tellAboutMetadata() {
    var advice = document.getElementById("metadata-advice");
    if (advice) advice.hidden = true;
    document.getElementById("browser-metadata-note").hidden = false;
  }

  function showRecipients(recipients) {
    var list = document.getElementById("recipients");
    var note = list.getAttribute("data-recovery-note");
    list.replaceChildren();
    recipients.forEach(function (r) {
      var li = document.createElement("li");
      li.append(r.label + (r.role === "recovery" ? note : ""), document.createElement("br"));
      var code = document.createElement("code");
      code.className = "fingerprint";
      code.textContent = r.fingerprint;
      li.appendChild(code);
      list.appendChild(li);
    });
  }

  function fieldValue(name) {
    var el = form.elements.namedItem(name);
    return el && typeof el.value === "string" ? el.value.trim() : "";
  }

  // The same fields, trimmed and without empty ones, as the server path stores.
  function collect(fields) {
    var out = {};
    fields.forEach(function (f) {
      var value = fieldValue(f.name);
      if (value) out[f.name] = value;
    });
    return out;
  }

  // Characters as the server counts them (code points, not UTF-16 units).
  function chars(text) {
    return Array.from(text);
  }

  // The regeling's lists a choice comes from (whistle.domain.report CHOICES), as the intake
  // publishes them: a category from intake.categories, a unit from intake.units.
  var CHOICES = { category: "categories", unit: "units" };

  function unknownChoice(f, values) {
    var list = CHOICES[f.input] && intake[CHOICES[f.input]];
    if (!list || !values[f.name]) return false;
    return !list.some(function (c) { return c.id === values[f.name]; });
  }

  // The server path's checks, in its order: required fields first, then the lengths, then
  // the choices (sealed, the server cannot check them here). Returns the message, or null.
  function refusal(fields, values) {
    var missing = fields.filter(function (f) { return f.required && !values[f.name]; })[0];
    if (missing) return gettext(missing.if_missing);
    var tooLong = fields.filter(function (f) { return chars(values[f.name] || "").length > f.max_chars; })[0];
    if (tooLong) return gettext(tooLong.if_too_long);
    var unknown = fields.filter(function (f) { return unknownChoice(f, values); })[0];
    if (!unknown) return null;
    return unknown.if_unknown ? gettext(unknown.if_unknown) : gettext("Het verzoek is niet geldig.");
  }

  var UNTRUSTED = gettext("De sleutels van de ontvangers zijn niet ondertekend door de organisatie. " +
    "Uw melding is niet verstuurd en nergens opgeslagen. Meld dit aan de organisatie, of meld extern.");

  /* The form is blocked: a submit would otherwise go to the server path. */
  function refuseUntrusted() {
    form.addEventListener("submit", function (event) { event.preventDefault(); fail(UNTRUSTED); });
    submitButton.disabled = true;
    fail(UNTRUSTED);
  }

  function fail(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    progress.hide();
  }

  function recipientsChanged(freshIntake) {
    intake = freshIntake;
    shown = P.recipientsFromIntake(freshIntake);
    showRecipients(shown);
    changedBox.hidden = false;
    progress.hide();
    changedBox.scrollIntoView({ block: "center" });
  }

  async function onSubmit(event) {
    event.preventDefault();
    if (busy) return;
    busy = true;
    submitButton.disabled = true;
    errorBox.hidden = true;
    changedBox.hidden = true;
    try {
      await send();
    } catch (e) {
      if (e && e.reason === "trust") return refuseUntrusted();
      if (e && e.reason === "kdf") return fail(WhistleKdf.UNSAFE_TEXT);
      fail(e.name === "ApiError" && e.status === 0
        ? gettext("De verbinding is onderbroken. Er is niets opgeslagen; probeer het opnieuw.")
        : (e.body && e.body.error) ? gettext("Versturen lukte niet: %(reason)s", { reason: gettext(e.body.error) })
          : gettext("Versturen lukte niet. Er is niets opgeslagen; probeer het opnieuw."));
    } finally {
      busy = false;
      submitButton.disabled = false;
    }
  }

  async function send() {
    var report = collect(intake.report_fields);
    var refused = refusal(intake.report_fields, report);
    if (refused) return fail(refused);
    var identity = null;
    var share = form.elements.namedItem("share_identity");
    if (share && share.checked) {
      identity = collect(intake.identity_fields);
      intake.identity_fields.forEach(function (f) {
        if (identity[f.name]) identity[f.name] = chars(identity[f.name]).slice(0, f.max_chars).join(""); // as the server path
      });
      if (!Object.keys(identity).length) identity = null;
    }
    var original = Array.prototype.slice.call(form.elements.namedItem("attachments").files || []);
    var tooLarge = files.check(original, intake.max_attachment_bytes);
    if (tooLarge) return fail(tooLarge);
    // Hidden metadata out first, in memory; a file we cannot clean goes only if the melder chose so.
    progress.step(gettext("Verborgen gegevens uit uw bijlagen halen…"));
    var cleaned = await cleaner.prepared();
    if (cleaned.missing) return fail(cleaned.missing);
    var chosen = cleaned.send.map(function (c) { return c.file; });
    tooLarge = files.check(chosen, intake.max_attachment_bytes);
    if (tooLarge) return fail(tooLarge);

    // The melder must have seen exactly who will be able to read this, before anything is sent.
    progress.step(gettext("Controleren wie uw melding kan lezen…"));
    var fresh = await api.intake(org);
    if (!P.sameRecipients(P.recipientsFromIntake(fresh), shown)) return recipientsChanged(fresh);

    if (!pending) {
      var code = P.newReceiptCode();
      // In a worker (static/js/kdf.js), with its own progress text; the button stays disabled.
      pending = { code: code, keys: await WhistleKdf.deriveKeys(P, code, org, intake.kdf, progress),
                  prepared: null, forRecipients: null };
    }
    if (!pending.prepared || !P.sameRecipients(pending.forRecipients, shown)) {
      pending.prepared = P.prepareCase(pending.keys, shown, report, identity);
      pending.forRecipients = shown;
    }

    // Files are read and encrypted before the melding is sent, so a file that cannot be read
    // stops everything while nothing is stored yet.
    var encrypted = [];
    for (var i = 0; i < chosen.length; i++) {
      progress.step(gettext("Bijlage %(number)s van %(count)s versleutelen: %(name)s", { number: i + 1, count: chosen.length, name: chosen[i].name }));
      var one = await files.encrypt(chosen[i], progress.fraction);
      one.note = cleaned.send[i].note;
      encrypted.push(one);
    }
    encrypted.leftOut = cleaned.left;

    progress.step(gettext("Uw melding versturen…"));
    var received = null;
    try {
      received = (await api.submitReport(org, pending.prepared.payload, P)).case;
    } catch (e) {
      if (e.status === 409 && e.body.intake) return recipientsChanged(e.body.intake);
      // Only our own earlier attempt can hold this 80-bit locator: it landed.
      if (!(e.status === 400 && e.body.field === "locator" && pending.sent)) throw e;
    } finally {
      pending.sent = true;
    }
    await receipt(received, encrypted);
  }

  async function receipt(received, encrypted) {
    var token = null;
    var keys = pending.keys;
    async function bearer(fresh) {
      if (!token || fresh) token = await api.logIn(P, keys);
      return token;
    }
    var caseKey = pending.prepared.caseKey;
    if (!received) {
      // An earlier attempt landed and its answer was lost: that case's key is the one to use.
      received = await api.case(await bearer(false));
      caseKey = P.unwrapCaseKey(P.unb64(received.reporter_sealed_key), keys.boxPublic, keys.boxSecret,
                                P.unb64(received.key_commitment));
    }

    var card = form.closest(".card");
    var view = document.getElementById("receipt-template").content.cloneNode(true);
    view.querySelector("[data-slot=code]").textContent = pending.code;
    view.querySelector("[data-slot=received_on]").textContent = WhistleFormat.nlDate(received.received_on);
    view.querySelector("[data-slot=ack_due]").textContent = WhistleFormat.nlDate(received.deadlines.acknowledgement);
    view.querySelector("[data-slot=feedback_due]").textContent = WhistleFormat.nlDate(received.deadlines.feedback);
    card.replaceChildren(view);
    document.title = gettext("Uw code") + " · " + gettext("Klokkenluidersvoorziening");
    window.scrollTo(0, 0);

    if (encrypted.length || encrypted.leftOut.length) {
      var section = card.querySelector("[data-slot=uploads]");
      section.hidden = false;
      encrypted.leftOut.forEach(function (left) {
        files.note(card.querySelector("[data-slot=upload-list]"), left.name, left.note);
      });
      window.addEventListener("beforeunload", warnWhileUploading);
      try {
        await files.upload(card.querySelector("[data-slot=upload-list]"), encrypted, caseKey,
                           keys.locator, bearer);
      } finally {
        window.removeEventListener("beforeunload", warnWhileUploading);
      }
      section.setAttribute("data-state", "done");
    }
    P.wipe(caseKey);
    P.forgetKeys(keys);
  }

  function warnWhileUploading(event) {
    event.preventDefault();
    event.returnValue = "";
  }
})();
