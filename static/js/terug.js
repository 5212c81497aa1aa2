/* Returning to a melding in the browser path (progressive enhancement of login.html).
 *
 * The typed code never leaves the device: the browser derives the keys, signs the server's
 * challenge, fetches the sealed case, opens the case key and checks it against the key
 * commitment BEFORE decrypting anything, and shows the case with textContent only, in the
 * server's own words (the <template>s of _case_view.html). Replies and attachments are
 * encrypted here. Without libsodium/WebAssembly the form posts the code
 * to the server path, as it does without JavaScript. */
(function () {
  "use strict";
  var gettext = window.WhistleI18n.gettext; // the page's words (static/js/i18n.js)
  function said(text) { return text ? gettext(String(text)) : text; } // a text the server sent, translated

  var form = document.getElementById("login-form");
  if (!form || !window.WhistleBoot) return;

  var org = form.getAttribute("data-org");
  var api = WhistleApi.create(form.getAttribute("data-api"));
  var labels = JSON.parse(form.getAttribute("data-state-labels") || "{}");
  var unauthorized = form.getAttribute("data-unauthorized");
  var progress = WhistleProgress.attach(document.getElementById("js-progress"));
  var errorBox = document.getElementById("login-error");
  var submitButton = form.querySelector("button[type=submit]");
  var P, files, intake, steps, consent, benadeling, cleaner, complaint, minutes, meeting, voice;
  var copy; // the melder's own copy (melder-copy.js)
  var session = null; // { keys, token, caseKey, binding }, in memory only: a reload forgets it

  WhistleBoot.sodium().then(function (sodium) {
    P = WhistleProtocol.create(sodium);
    files = WhistleAttachments.create(P, api);
    form.addEventListener("submit", onLogin);
    form.setAttribute("data-encryption", "browser");
    WhistleBoot.showProtection("browser");
  }).catch(function () {
    if (document.documentElement.getAttribute("data-protection") !== "server-no-wasm") {
      WhistleBoot.showProtection("server-failed");
    }
  });

  function showError(box, message) {
    box.textContent = message;
    box.hidden = false;
  }

  async function onLogin(event) {
    event.preventDefault();
    if (session) return;
    submitButton.disabled = true;
    errorBox.hidden = true;
    var input = form.elements.namedItem("code");
    var keys = null;
    try {
      try {
        P.normaliseCode(input.value);
      } catch (e) {
        // A malformed code gets the same answer as a wrong one: no hints about codes.
        return showError(errorBox, unauthorized);
      }
      intake = intake || await api.intake(org);
      keys = await WhistleKdf.deriveKeys(P, input.value, org, intake.kdf, progress); // in a worker
      progress.step(gettext("Inloggen…"));
      var token = await api.logIn(P, keys);
      var data = await api.case(token);
      var caseKey = P.unwrapCaseKey(P.unb64(data.reporter_sealed_key), keys.boxPublic, keys.boxSecret,
                                    P.unb64(data.key_commitment));
      input.value = "";
      // Records are bound to record_binding (protocol E.10): the locator until the code is replaced.
      session = { keys: keys, token: token, caseKey: caseKey, binding: data.record_binding || keys.locator };
      render(data);
    } catch (e) {
      if (keys && !session) P.forgetKeys(keys);
      if (e.reason === "kdf") {
        showError(errorBox, WhistleKdf.UNSAFE_TEXT);
      } else if (e.reason === "commitment") {
        showError(errorBox, gettext("Deze melding is niet geopend: de sleutel klopt niet met de vastgelegde controlewaarde. " +
                  "Dat wijst op geknoei. Neem contact op met de vertrouwenspersoon of met een externe meldroute."));
      } else if (e.name === "ApiError" && e.status === 0) {
        showError(errorBox, gettext("De verbinding is onderbroken. Probeer het opnieuw."));
      } else {
        showError(errorBox, unauthorized);
      }
    } finally {
      progress.hide();
      submitButton.disabled = false;
    }
  }

  async function bearer(fresh) {
    if (fresh) session.token = await api.logIn(P, session.keys);
    return session.token;
  }

  /* call(token) once; after a 401 (the session idled out) log in again with the keys in
   * memory and call once more. */
  async function authorised(call) {
    try {
      return await call(session.token);
    } catch (e) {
      if (e.status !== 401) throw e;
      return call(await bearer(true));
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A record that does not open is shown as unreadable in place (protocol 6.4): null here.
  function open(kind, ciphertext) {
    try {
      return P.openRecord(session.caseKey, kind, session.binding, P.unb64(ciphertext));
    } catch (e) {
      return null;
    }
  }

  function render(data) {
    var view = document.getElementById("js-case");
    if (!view) {
      view = document.getElementById("case-template").content.cloneNode(true).firstElementChild;
      document.getElementById("login-card").replaceWith(view);
      view.querySelector("[data-slot=message-form]").addEventListener("submit", onMessage);
      view.querySelector("[data-slot=attachment-form]").addEventListener("submit", onAttachments);
      cleaner = WhistleCleanView.attach(view.querySelector("[data-slot=attachment-form]"),
                                        document.getElementById("js-attachments"));
      view.querySelector("[data-slot=logout]").addEventListener("click", logOut);
      steps = WhistleSteps.attach(view, {
        seal: function (body) {
          return P.b64(P.sealRecord(session.caseKey, "message", session.binding, body));
        },
        send: function (payload) {
          return authorised(function (token) { return api.takeStep(token, payload); });
        },
        done: function () {
          return reload().catch(function () { viewError(gettext("Laad de pagina opnieuw om uw melding te zien.")); });
        },
      });
      consent = WhistleConsent.attach(view, {
        send: function (value) {
          return authorised(function (token) { return api.setConsent(token, value); });
        },
        done: function () {
          return reload().catch(function () { viewError(gettext("Laad de pagina opnieuw om uw melding te zien.")); });
        },
      });
      benadeling = WhistleBenadeling.attach(view, {
        seal: function (body) {
          return P.b64(P.sealRecord(session.caseKey, "benadeling", session.binding, body));
        },
        send: function (payload) {
          return authorised(function (token) { return api.postBenadeling(token, payload); });
        },
        done: function () {
          return reload().catch(function () { viewError(gettext("Laad de pagina opnieuw om uw melding te zien.")); });
        },
      });
      complaint = WhistleComplaint.attach(view, {
        seal: function (body) {
          return P.b64(P.sealRecord(session.caseKey, "message", session.binding, body));
        },
        send: function (payload) {
          return authorised(function (token) { return api.postComplaint(token, payload); });
        },
        done: function () {
          return reload().catch(function () { viewError(gettext("Laad de pagina opnieuw om uw melding te zien.")); });
        },
        /* The reasons: the dossier key's copy under the case key, then the decision under it. */
        reasons: function (decision) {
          try {
            var copy = P.openRecord(session.caseKey, "dossier_key", session.binding, P.unb64(decision.dossier_key));
            if (copy.dossier !== decision.dossier) return null;
            var body = P.openRecord(P.unb64(copy.key), "dossier", decision.dossier, P.unb64(decision.ciphertext));
            return typeof body.motivation === "string" ? body.motivation : null;
          } catch (e) {
            return null;
          }
        },
      });
      minutes = WhistleMinutes.attach(view, {
        seal: function (body) {
          return P.b64(P.sealRecord(session.caseKey, "message", session.binding, body));
        },
        send: function (payload) {
          return authorised(function (token) { return api.postMinutes(token, payload); });
        },
        done: function () {
          return reload().catch(function () { viewError(gettext("Laad de pagina opnieuw om uw melding te zien.")); });
        },
      });
      var codeSection = view.querySelector("[data-slot=replace-code]");
      codeSection.querySelector("[data-slot=code-start]").addEventListener("click", function () {
        codeSection.querySelector("[data-slot=code-confirm]").hidden = false;
        codeSection.querySelector("[data-slot=code-yes]").focus();
      });
      codeSection.querySelector("[data-slot=code-no]").addEventListener("click", function () {
        codeSection.querySelector("[data-slot=code-confirm]").hidden = true;
      });
      codeSection.querySelector("[data-slot=code-yes]").addEventListener("click", onReplaceCode);
      copy = WhistleCopy.attach(view, open);
      meeting = WhistleMeeting.attach(view, {
        seal: function (body) {
          return P.b64(P.sealRecord(session.caseKey, "message", session.binding, body));
        },
        send: function (payload) {
          return authorised(function (token) { return api.postMeeting(token, payload); });
        },
        done: function () {
          return reload().catch(function () { viewError(gettext("Laad de pagina opnieuw om uw melding te zien.")); });
        },
      });
      voice = WhistleVoice.attach(view, {
        /* The recording, as a File, goes the way of every attachment: encrypted here, then sent. */
        upload: async function (file) {
          intake = intake || await api.intake(org);
          var tooLarge = files.check([file], intake.max_attachment_bytes);
          if (tooLarge) throw new Error(tooLarge);
          var list = view.querySelector("[data-slot=upload-list]");
          var encrypted = await files.encrypt(file);
          await files.upload(list, [encrypted], session.caseKey, session.binding, bearer);
          await reload();
        },
      });
      document.title = gettext("Uw melding") + " · " + gettext("Klokkenluidersvoorziening");
      WhistleBoot.showProtection("browser");
    }
    if (data.record_binding) session.binding = data.record_binding;
    var slot = function (name) { return view.querySelector("[data-slot=" + name + "]"); };
    var template = function (name) { return view.querySelector("template[data-template=" + name + "]"); };
    var nlDate = WhistleFormat.nlDate;
    // The words are the server's (templates/reporter/_case_facts.html and friends); only
    // the values are set here.
    var facts = {
      state: labels[data.state] || data.state,
      received_on: nlDate(data.received_on),
      acknowledged_on: nlDate(data.acknowledged_on),
      ack_due: nlDate(data.deadlines.acknowledgement),
      feedback_given_on: nlDate(data.feedback_given_on),
      feedback_due: nlDate(data.deadlines.feedback),
      feedback_extended_to: nlDate(data.deadlines.feedback_extended_to),
      melder_disagrees_on: nlDate(data.melder_disagrees_on),
    };
    slot("facts").replaceChildren(WhistleTemplates.fill(template("facts"), facts));
    copy.render(data, facts);
    steps.render(data);
    consent.render(data);
    benadeling.render(data);
    complaint.render(data);

    var messages = [];
    data.records.forEach(function (r) {
      if (r.kind === "report") {
        var report = open("report", r.ciphertext);
        slot("report").textContent = report ? report.what || "" :
          gettext("Onleesbaar: uw melding kan niet worden geopend. De rest van uw melding is wel leesbaar.");
      }
      if (r.kind === "message") {
        var body = open("message", r.ciphertext);
        messages.push({ r: r, body: body || {}, unreadable: body === null });
      }
    });
    var box = slot("messages");
    box.replaceChildren();
    messages.forEach(function (m) {
      var fromCounsellor = m.r.author === "counsellor";
      var item = WhistleTemplates.fill(template("message"), {
        from_counsellor: fromCounsellor,
        created_on: nlDate(m.r.created_on),
        unreadable: m.unreadable,
        extension: m.body.purpose === "extension",
        until: String(m.body.until || ""),
        feedback: m.body.purpose === "feedback",
        text: typeof m.body.text === "string" ? m.body.text : "",
      });
      item.firstElementChild.classList.add(fromCounsellor ? "counsellor" : "reporter");
      box.appendChild(item);
    });
    slot("no-messages").hidden = messages.length > 0;
    minutes.render(data, messages);
    meeting.render(data, messages);

    var list = slot("attachments");
    list.replaceChildren();
    data.attachments.forEach(function (a) {
      var header = open("attachment", a.header);
      if (header === null) {
        list.appendChild(el("li", "unreadable", gettext("Onleesbare bijlage (%(date)s): de gegevens ervan kunnen niet worden geopend.",
          { date: nlDate(a.created_on) })));
        return;
      }
      var item = WhistleTemplates.fill(template("attachment"), {
        name: String(header.name || "bijlage"),
        size: WhistleFormat.sizeText(Number(header.size) || 0),
        created_on: nlDate(a.created_on),
      });
      var li = item.firstElementChild;
      li.querySelector("button").addEventListener("click", function () { download(a.id, header, li); });
      list.appendChild(item);
    });
    slot("no-attachments").hidden = data.attachments.length > 0;

    var routes = slot("routes");
    routes.querySelectorAll("details.route").forEach(function (d) { d.remove(); });
    (data.escalation_routes || []).forEach(function (route) {
      var item = WhistleTemplates.fill(template("route"), {  // the server's Dutch words, in the page's language
        name: route.name, website: route.website, purpose: said(route.purpose),
        applies_when: said(route.applies_when), note: said(route.note), why: said(route.why) });
      var details = item.firstElementChild;
      details.open = !!route.why;
      details.classList.toggle("suggested", !!route.why);
      routes.appendChild(item);
    });
    // As case.html: when feedback is overdue or the melder disagrees, the routes come first.
    var first = !!(data.escalation_routes && data.escalation_routes[0] && data.escalation_routes[0].why);
    slot(first ? "routes-first" : "routes-last").appendChild(routes);
    slot("routes-first").hidden = !first;
  }

  async function reload() {
    render(await authorised(api.case));
  }

  function viewError(message) {
    var box = document.querySelector("#js-case [data-slot=error]");
    if (message) showError(box, message); else box.hidden = true;
  }

  async function onMessage(event) {
    event.preventDefault();
    var area = document.getElementById("js-text");
    var text = area.value.trim();
    var maxChars = Number(document.getElementById("js-case").getAttribute("data-max-message-chars"));
    if (!text) return viewError(gettext("Het bericht is leeg."));
    if (text.length > maxChars) return viewError(gettext("Het bericht is te lang (meer dan %(max)s tekens).", { max: maxChars }));
    viewError(null);
    var blob = P.b64(P.sealRecord(session.caseKey, "message", session.binding, { text: text }));
    try {
      await authorised(function (token) { return api.postMessage(token, blob); });
      area.value = "";
      await reload();
    } catch (e) {
      viewError(gettext("Het bericht is niet verstuurd. Probeer het opnieuw."));
    }
  }

  async function onAttachments(event) {
    event.preventDefault();
    var input = document.getElementById("js-attachments");
    var chosen = Array.prototype.slice.call(input.files || []);
    if (!chosen.length) return viewError(gettext("Kies eerst een bestand."));
    intake = intake || await api.intake(org);
    var tooLarge = files.check(chosen, intake.max_attachment_bytes);
    if (tooLarge) return viewError(tooLarge);
    // Hidden metadata out first, in memory (melder-clean.js); a file we cannot clean goes only
    // if the melder chose so.
    var cleaned = await cleaner.prepared();
    if (cleaned.missing) return viewError(cleaned.missing);
    tooLarge = files.check(cleaned.send.map(function (c) { return c.file; }), intake.max_attachment_bytes);
    if (tooLarge) return viewError(tooLarge);
    viewError(null);
    input.value = "";
    cleaner.reset();
    var list = document.querySelector("#js-case [data-slot=upload-list]");
    cleaned.left.forEach(function (left) { files.note(list, left.name, left.note); });
    for (var i = 0; i < cleaned.send.length; i++) {
      var encrypted = await files.encrypt(cleaned.send[i].file);
      encrypted.note = cleaned.send[i].note;
      await files.upload(list, [encrypted], session.caseKey, session.binding, bearer);
    }
    await reload();
  }

  async function download(id, header, li) {
    try {
      var body = await authorised(function (token) { return api.downloadAttachment(token, id); });
      var key = P.unb64(String(header.key || ""), "attachment key");
      var file = new Blob(P.decryptBody(key, body), { type: "application/octet-stream" });
      var url = URL.createObjectURL(file);
      var a = el("a");
      a.href = url;
      a.download = String(header.name || "bijlage");
      li.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    } catch (e) {
      viewError(gettext("Deze bijlage kon niet worden geopend."));
    }
  }

  /* Replace the code (protocol E.10): a new code made and its keys derived here, the case key
   * wrapped to the new box key, a fresh challenge signed with the current and the new key. The
   * new code is shown once, in the receipt's words; nothing of it is stored. When the answer is
   * lost on the way, logging in with the new keys tells whether the replacement happened, so a
   * melder is never left with a code they did not see. */
  async function onReplaceCode() {
    var section = document.querySelector("#js-case [data-slot=replace-code]");
    var part = function (name) { return section.querySelector("[data-slot=" + name + "]"); };
    var error = part("code-error");
    var busy = part("code-progress");
    error.hidden = true;
    part("code-yes").disabled = true;
    busy.hidden = false;
    var code = null, newKeys = null, token = null;
    try {
      intake = intake || await api.intake(org);
      code = P.newReceiptCode();
      // In the worker, as at the login (static/js/kdf.js); its progress words go in this section's live region.
      newKeys = await WhistleKdf.deriveKeys(P, code, org, intake.kdf, { step: function (text) { busy.textContent = text; } });
      var send = function (t) { return api.replaceCode(P, t, session.keys, newKeys, session.caseKey); };
      try {
        token = await send(session.token);
      } catch (e) {
        if (e.status === 401) token = await send(await bearer(true)); // the session had idled out
        else if (e.status === 0) token = await api.logIn(P, newKeys);  // did it arrive? the new keys say
        else throw e;
      }
    } catch (e) {
      if (newKeys) P.forgetKeys(newKeys);
      showError(error, e && e.reason === "kdf" ? WhistleKdf.UNSAFE_TEXT : e.status === 0 ? gettext("De verbinding is onderbroken. Uw code is niet vervangen; uw oude code werkt nog.") :
                gettext("Uw code is niet vervangen; uw oude code werkt nog. Probeer het opnieuw."));
      return;
    } finally {
      busy.hidden = true;
      part("code-yes").disabled = false;
    }
    P.forgetKeys(session.keys);
    session.keys = newKeys;
    session.token = token;
    part("code-confirm").hidden = true;
    part("code-start").hidden = true;
    var shown = document.querySelector("#js-case template[data-template=new-code]").content.cloneNode(true);
    shown.querySelector("[data-slot=code]").textContent = code;
    part("new-code").replaceChildren(shown);
    part("new-code").querySelector(".receipt").focus();
  }

  /* The keys are wiped first; then the server deletes the session (protocol E.3), so the
   * token is dead even if someone copied it. A failure (already expired, offline) is no
   * reason to stay: the token expires by itself. */
  async function logOut(event) {
    if (event && event.currentTarget) event.currentTarget.disabled = true;
    if (session) {
      var token = session.token;
      P.wipe(session.caseKey);
      P.forgetKeys(session.keys);
      session = null;
      try {
        await api.logOut(token);
      } catch (e) { /* see above */ }
    }
    window.location.replace(window.location.pathname);
  }
})();
