/* What every step form of the melder's browser case view shares (benadeling, minutes, a
 * meeting): one error box, and sending a payload through the hooks the case view gives
 * (hooks.send(payload) -> Promise, then hooks.done() -> Promise, which reloads the view). */
(function (global) {
  "use strict";
  var gettext = window.WhistleI18n.gettext; // the page's words (static/js/i18n.js)

  function sender(errorBox, hooks) {
    function showError(message) {
      errorBox.textContent = message;
      errorBox.hidden = !message;
    }

    /* Sends payload; on success empties area (a textarea, or null) and clears the error; on a
     * refusal shows the server's words, in the page's language where the catalogue has them. */
    async function submit(payload, area) {
      try {
        await hooks.send(payload);
        if (area) area.value = "";
        showError("");
        await hooks.done();
      } catch (e) {
        showError((e && e.body && e.body.message && gettext(e.body.message)) || gettext("Niet verstuurd. Probeer het opnieuw."));
      }
    }

    return { showError: showError, submit: submit };
  }

  global.WhistleMelderPart = { sender: sender };
})(window);
