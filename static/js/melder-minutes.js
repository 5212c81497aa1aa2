/* The minutes of an oral melding in the browser case view (issue 15, protocol E.9): the newest
 * version (a message record from the counsellor, purpose "minutes"), which the melder approves
 * or corrects. Corrections are sealed here as a `message` record. The words are the server's
 * (templates/reporter/_minutes_js.html); text is set with textContent only. */
(function (global) {
  "use strict";
  var gettext = window.WhistleI18n.gettext; // the page's words (static/js/i18n.js)

  /* hooks.seal(body) -> base64 message record; hooks.send(payload) -> Promise; hooks.done() -> Promise. */
  function attach(view, hooks) {
    function slot(name) { return view.querySelector("[data-slot=" + name + "]"); }
    var errorBox = slot("minutes-error");
    var maxChars = Number(view.getAttribute("data-max-message-chars"));
    var nlDate = global.WhistleFormat.nlDate;
    var version = 0;

    var sent = global.WhistleMelderPart.sender(errorBox, hooks);
    var showError = sent.showError, submit = sent.submit;

    slot("minutes-approve").addEventListener("submit", function (event) {
      event.preventDefault();
      submit({ action: "approve", version: version }, null);
    });
    slot("minutes-correct").addEventListener("submit", function (event) {
      event.preventDefault();
      var area = view.querySelector("#js-minutes-correction");
      var text = area.value.trim();
      if (!text) return showError(gettext("Schrijf wat er anders moet in het verslag."));
      if (text.length > maxChars) return showError(gettext("Uw correcties zijn te lang (meer dan %(max)s tekens).", { max: maxChars }));
      var body = { text: text, purpose: "minutes_correction", version: version };
      submit({ action: "correct", version: version, ciphertext: hooks.seal(body) }, area);
    });

    /* messages: [{r, body}] as the case view opened them. */
    function render(data, messages) {
      var m = data.minutes;
      slot("minutes").hidden = !m;
      if (!m) return;
      version = Number(m.versions);
      var latest = messages.filter(function (x) {
        return x.r.author === "counsellor" && x.body.purpose === "minutes" && x.body.version === version;
      }).pop();
      slot("minutes-latest").textContent = latest && typeof latest.body.text === "string" ? latest.body.text : "";
      slot("minutes-held-on").textContent = nlDate(m.held_on);
      slot("minutes-open").hidden = m.approved_version !== null;
      slot("minutes-approved").hidden = m.approved_version === null;
      view.querySelectorAll("[data-slot=minutes-version]").forEach(function (el) { el.textContent = String(version); });
      if (m.approved_version !== null) {
        slot("minutes-approved-version").textContent = String(m.approved_version);
        slot("minutes-approved-on").textContent = nlDate(m.approved_on);
      }
    }

    return { render: render };
  }

  global.WhistleMinutes = { attach: attach };
})(window);
