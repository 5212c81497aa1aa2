/* Returning to a melding in the browser path (progressive enhancement of login.html).
 *
 * The typed code never leaves the device: the browser derives the keys, signs the server's
 * challenge, fetches the sealed case, opens the case key and checks it against the key
 * commitment BEFORE decrypting anything, and shows the case with textContent only. Replies
 * and attachments are encrypted here. Without libsodium/WebAssembly the form posts the code
 * to the server path, as it does without JavaScript. */
(function () {
  "use strict";

  var form = document.getElementById("login-form");
  if (!form || !window.WhistleBoot) return;

  var MAX_MESSAGE_CHARS = 20000;
  var org = form.getAttribute("data-org");
  var api = WhistleApi.create(form.getAttribute("data-api"));
  var labels = JSON.parse(form.getAttribute("data-state-labels") || "{}");
  var unauthorized = form.getAttribute("data-unauthorized");
  var progress = WhistleProgress.attach(document.getElementById("js-progress"));
  var errorBox = document.getElementById("login-error");
  var submitButton = form.querySelector("button[type=submit]");
  var P, files, intake, steps, consent;
  var session = null; // { keys, token, caseKey }, in memory only: a reload forgets it

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
      progress.step("Uw sleutels afleiden uit uw code…");
      await WhistleProgress.paint();
      keys = P.deriveKeys(input.value, org, intake.kdf);
      progress.step("Inloggen…");
      var token = await api.logIn(P, keys);
      var data = await api.case(token);
      var caseKey = P.unwrapCaseKey(P.unb64(data.reporter_sealed_key), keys.boxPublic, keys.boxSecret,
                                    P.unb64(data.key_commitment));
      input.value = "";
      session = { keys: keys, token: token, caseKey: caseKey };
      render(data);
    } catch (e) {
      if (keys && !session) P.forgetKeys(keys);
      if (e.reason === "commitment") {
        showError(errorBox, "Deze melding is niet geopend: de sleutel klopt niet met de vastgelegde controlewaarde. " +
                  "Dat wijst op geknoei. Neem contact op met de vertrouwenspersoon of met een externe meldroute.");
      } else if (e.name === "ApiError" && e.status === 0) {
        showError(errorBox, "De verbinding is onderbroken. Probeer het opnieuw.");
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

  function nlDate(iso) {
    var p = String(iso).split("-");
    return p.length === 3 ? p[2] + "-" + p[1] + "-" + p[0] : String(iso);
  }

  function open(kind, ciphertext) {
    return P.openRecord(session.caseKey, kind, session.keys.locator, P.unb64(ciphertext));
  }

  function render(data) {
    var view = document.getElementById("js-case");
    if (!view) {
      view = document.getElementById("case-template").content.cloneNode(true).firstElementChild;
      document.getElementById("login-card").replaceWith(view);
      view.querySelector("[data-slot=message-form]").addEventListener("submit", onMessage);
      view.querySelector("[data-slot=attachment-form]").addEventListener("submit", onAttachments);
      view.querySelector("[data-slot=logout]").addEventListener("click", logOut);
      steps = WhistleSteps.attach(view, {
        seal: function (body) {
          return P.b64(P.sealRecord(session.caseKey, "message", session.keys.locator, body));
        },
        send: function (payload) {
          return authorised(function (token) { return api.takeStep(token, payload); });
        },
        done: function () {
          return reload().catch(function () { viewError("Laad de pagina opnieuw om uw melding te zien."); });
        },
      });
      consent = WhistleConsent.attach(view, {
        send: function (value) {
          return authorised(function (token) { return api.setConsent(token, value); });
        },
        done: function () {
          return reload().catch(function () { viewError("Laad de pagina opnieuw om uw melding te zien."); });
        },
      });
      document.title = "Uw melding · Klokkenluidersvoorziening";
      WhistleBoot.showProtection("browser");
    }
    var slot = function (name) { return view.querySelector("[data-slot=" + name + "]"); };
    slot("state").textContent = labels[data.state] || data.state;
    slot("received_on").textContent = nlDate(data.received_on);
    // As case.html words them: what happened, or else the day it is due.
    slot("ack_due").textContent = data.acknowledged_on ? "bevestigd op " + nlDate(data.acknowledged_on)
      : nlDate(data.deadlines.acknowledgement);
    slot("feedback_due").textContent = data.feedback_given_on ? "gegeven op " + nlDate(data.feedback_given_on)
      : nlDate(data.deadlines.feedback) + (data.deadlines.feedback_extended_to
        ? " (verlengd tot " + nlDate(data.deadlines.feedback_extended_to) + "; de reden staat bij de berichten)" : "");
    slot("disagrees_on").textContent = data.melder_disagrees_on ? "doorgegeven op " + nlDate(data.melder_disagrees_on) : "";
    slot("disagrees_on").hidden = slot("disagrees-label").hidden = !data.melder_disagrees_on;
    steps.render(data);
    consent.render(data);

    var messages = [];
    data.records.forEach(function (r) {
      if (r.kind === "report") slot("report").textContent = open("report", r.ciphertext).what || "";
      if (r.kind === "message") messages.push({ r: r, body: open("message", r.ciphertext) });
    });
    var box = slot("messages");
    box.replaceChildren();
    messages.forEach(function (m) {
      var article = el("article", "message " + (m.r.author === "counsellor" ? "counsellor" : "reporter"));
      var header = el("header", null, (m.r.author === "counsellor" ? "Vertrouwenspersoon" : "U") +
                                      " · " + nlDate(m.r.created_on));
      // Messages a lifecycle step wrote say what they are (protocol E.2).
      if (m.body.purpose === "extension") {
        header.append(" · ", el("strong", null, "Verlenging van de termijn tot " + String(m.body.until || "")));
      } else if (m.body.purpose === "feedback") {
        header.append(" · ", el("strong", null, "Terugkoppeling"));
      }
      article.append(header, el("div", "record", typeof m.body.text === "string" ? m.body.text : ""));
      box.appendChild(article);
    });
    slot("no-messages").hidden = messages.length > 0;

    var list = slot("attachments");
    list.replaceChildren();
    data.attachments.forEach(function (a) {
      var header = open("attachment", a.header);
      var li = el("li");
      var link = el("button", "link", String(header.name || "bijlage"));
      link.type = "button";
      link.addEventListener("click", function () { download(a.id, header, li); });
      li.append(link, " (" + WhistleAttachments.sizeText(Number(header.size) || 0) + ", " + nlDate(a.created_on) + ")");
      list.appendChild(li);
    });
    slot("no-attachments").hidden = data.attachments.length > 0;

    var routes = slot("routes");
    routes.querySelectorAll("details").forEach(function (d) { d.remove(); });
    (data.escalation_routes || []).forEach(function (route) {
      var details = el("details", "route" + (route.why ? " suggested" : ""));
      if (route.why) details.open = true;
      var summary = el("summary", null, route.name);
      if (route.why) summary.append(" ", el("span", "badge", "aangeraden"));
      details.appendChild(summary);
      if (route.why) details.appendChild(el("p", "why", route.why));
      details.appendChild(el("p", null, route.purpose));
      var when = el("p");
      when.append(el("em", null, "Wanneer:"), " " + route.applies_when);
      details.appendChild(when);
      if (route.note) details.appendChild(el("p", "small", route.note));
      if (route.website) details.appendChild(el("p", "small", "Website: " + route.website));
      routes.appendChild(details);
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
    if (!text) return viewError("Het bericht is leeg.");
    if (text.length > MAX_MESSAGE_CHARS) return viewError("Het bericht is te lang (meer dan " + MAX_MESSAGE_CHARS + " tekens).");
    viewError(null);
    var blob = P.b64(P.sealRecord(session.caseKey, "message", session.keys.locator, { text: text }));
    try {
      await authorised(function (token) { return api.postMessage(token, blob); });
      area.value = "";
      await reload();
    } catch (e) {
      viewError("Het bericht is niet verstuurd. Probeer het opnieuw.");
    }
  }

  async function onAttachments(event) {
    event.preventDefault();
    var input = document.getElementById("js-attachments");
    var chosen = Array.prototype.slice.call(input.files || []);
    if (!chosen.length) return viewError("Kies eerst een bestand.");
    intake = intake || await api.intake(org);
    var tooLarge = files.check(chosen, intake.max_attachment_bytes);
    if (tooLarge) return viewError(tooLarge);
    viewError(null);
    input.value = "";
    var list = document.querySelector("#js-case [data-slot=upload-list]");
    for (var i = 0; i < chosen.length; i++) {
      var encrypted = await files.encrypt(chosen[i]);
      await files.upload(list, [encrypted], session.caseKey, session.keys.locator, bearer);
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
      viewError("Deze bijlage kon niet worden geopend.");
    }
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
