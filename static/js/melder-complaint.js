/* A complaint after the terugkoppeling in the browser case view (issue 15, protocol E.8): the
 * melder writes why they are not satisfied and, optionally, the date of the event; both are
 * sealed here as a `message` record (purpose "complaint"). Only the Landelijke
 * Klachtencommissie's last day, computed here (the same day two years on; 29 February becomes
 * 28 February), goes in the clear. Once decided, the reasons are read with the complaint
 * dossier's key, whose copy is sealed under the case key. The words are the server's
 * (templates/reporter/_complaint_js.html); text is set with textContent only. */
(function (global) {
  "use strict";
  var gettext = window.WhistleI18n.gettext; // the page's words (static/js/i18n.js)

  var DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

  /* "YYYY-MM-DD" two years on, or null for anything that is not a date. */
  function lkcLimit(eventOn) {
    var m = DAY.exec(eventOn || "");
    if (!m) return null;
    var year = Number(m[1]) + 2, month = Number(m[2]), day = Number(m[3]);
    var last = new Date(Date.UTC(year, month, 0)).getUTCDate(); // days in that month
    if (month < 1 || month > 12 || day < 1 || day > 31) return null;
    return String(year) + "-" + m[2] + "-" + String(Math.min(day, last)).padStart(2, "0");
  }

  /* hooks.seal(body) -> base64 message record; hooks.send(payload) -> Promise;
   * hooks.done() -> Promise; hooks.reasons(decision) -> the motivation, or null. */
  function attach(view, hooks) {
    function slot(name) { return view.querySelector("[data-slot=" + name + "]"); }
    var section = slot("complaint");
    var errorBox = slot("complaint-error");
    var form = slot("complaint-form");
    var maxChars = Number(view.getAttribute("data-max-message-chars"));
    var nlDate = global.WhistleFormat.nlDate;

    function showError(message) {
      errorBox.textContent = message;
      errorBox.hidden = !message;
    }

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var area = view.querySelector("#js-complaint-text");
      var text = area.value.trim();
      var eventOn = view.querySelector("#js-complaint-event-on").value;
      if (!text) return showError(gettext("Schrijf waarom u niet tevreden bent over de afhandeling."));
      if (text.length > maxChars) return showError(gettext("Uw klacht is te lang (meer dan %(max)s tekens).", { max: maxChars }));
      var limit = null;
      if (eventOn) {
        limit = lkcLimit(eventOn);
        if (!limit) return showError(gettext("Geef de datum van de gebeurtenis als JJJJ-MM-DD."));
      }
      var payload = { ciphertext: hooks.seal({ text: text, purpose: "complaint", event_on: eventOn || null }) };
      if (limit) payload.lkc_limit_on = limit;
      try {
        await hooks.send(payload);
        area.value = "";
        showError("");
        await hooks.done();
      } catch (e) {
        showError((e && e.body && e.body.message && gettext(e.body.message)) || gettext("Niet verstuurd. Probeer het opnieuw."));
      }
    });

    function show(name, visible) { slot(name).hidden = !visible; }

    function render(data) {
      var c = data.complaint;
      section.hidden = !c;
      if (!c) return;
      view.querySelectorAll("[data-slot=complaint-office]").forEach(function (el) {
        el.textContent = String(c.decided_by || "").toLowerCase();
      });
      show("complaint-offer", c.may_lodge === true);
      show("complaint-status", !c.may_lodge && !!c.lodged_on);
      if (c.lodged_on) {
        slot("complaint-lodged").textContent = nlDate(c.lodged_on);
        slot("complaint-due").textContent = nlDate(c.decision_due);
        show("complaint-pending", !c.decided_on);
        show("complaint-decided", !!c.decided_on);
        if (c.decided_on) {
          slot("complaint-outcome").textContent = c.outcome === "onderzoek" ? gettext("Alsnog onderzoek") : gettext("Geen onderzoek");
          slot("complaint-decided-on").textContent = nlDate(c.decided_on);
          var reasons = c.decision ? hooks.reasons(c.decision) : null;
          slot("complaint-reasons").textContent = reasons === null ? gettext("De redenen kunnen niet worden geopend.") : reasons;
          show("complaint-investigation", c.outcome === "onderzoek");
        }
      }
      show("complaint-lkc", !!c.lkc_limit_on);
      if (c.lkc_limit_on) {
        show("complaint-lkc-open", c.lkc_passed === false);
        show("complaint-lkc-passed", c.lkc_passed === true);
        view.querySelectorAll("[data-slot=complaint-lkc-day]").forEach(function (el) {
          el.textContent = nlDate(c.lkc_limit_on);
        });
      }
    }

    return { render: render };
  }

  global.WhistleComplaint = { attach: attach, lkcLimit: lkcLimit };
})(window);
