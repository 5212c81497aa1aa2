/* Benadeling in the browser case view (issue 15): report benadeling at any time, and answer
 * the follow-up question after closing when one of its moments has come. The description is
 * sealed in the browser as a 'benadeling' record under the case key; only the answer ja/nee
 * of a follow-up goes in the clear (the annual figures count it). The words are the server's
 * (templates/reporter/_benadeling_js.html); text is set with textContent only. */
(function (global) {
  "use strict";
  var gettext = window.WhistleI18n.gettext; // the page's words (static/js/i18n.js)

  /* hooks.seal(body) -> base64 record; hooks.send(payload) -> Promise; hooks.done() -> Promise. */
  function attach(view, hooks) {
    function slot(name) { return view.querySelector("[data-slot=" + name + "]"); }
    var errorBox = slot("benadeling-error");
    var maxChars = Number(view.getAttribute("data-max-message-chars"));

    var sent = global.WhistleMelderPart.sender(errorBox, hooks);
    var showError = sent.showError, submit = sent.submit;

    slot("benadeling-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var area = view.querySelector("#js-benadeling-text");
      var text = area.value.trim();
      if (!text) return showError(gettext("Beschrijf kort wat u is overkomen."));
      if (text.length > maxChars) return showError(gettext("Uw beschrijving is te lang (meer dan %(max)s tekens).", { max: maxChars }));
      submit({ kind: "melding", ciphertext: hooks.seal({ kind: "melding", text: text }) }, area);
    });

    var followUp = slot("follow-up-form");
    followUp.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = followUp.querySelector("input[name=js-answer]:checked");
      if (!chosen) return showError(gettext("Kies ja of nee bij 'Heeft u benadeling ervaren?'."));
      var area = view.querySelector("#js-follow-up-text");
      var text = area.value.trim();
      if (text.length > maxChars) return showError(gettext("Uw beschrijving is te lang (meer dan %(max)s tekens).", { max: maxChars }));
      var months = Number(followUp.getAttribute("data-moment-months"));
      var body = { kind: "nazorg", answer: chosen.value, moment_months: months, text: text || null };
      submit({ kind: "nazorg", answer: chosen.value, ciphertext: hooks.seal(body) }, area);
    });

    function render(data) {
      var open = data.follow_up && data.follow_up.open;
      slot("follow-up").hidden = !open;
      if (open) followUp.setAttribute("data-moment-months", String(data.follow_up.moment_months));
    }

    return { render: render };
  }

  global.WhistleBenadeling = { attach: attach };
})(window);
