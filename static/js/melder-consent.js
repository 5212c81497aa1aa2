/* The melder's consent to let their name and contact go to the bevoegd gezag, in the browser
 * case view (docs/protocol.md, Extensions E.4).
 *
 * Shown only when the case holds an identity record. Giving or withdrawing is confirmed
 * first, in the words of the server path's case page (templates/reporter/_consent_text.html,
 * rendered into the page by _case_view.html). The request carries only true or false; text is
 * set with textContent only. */
(function (global) {
  "use strict";
  var gettext = window.WhistleI18n.gettext; // the page's words (static/js/i18n.js)

  /* hooks.send(consent) -> Promise of the case metadata (the caller handles the token);
   * hooks.done() -> Promise, after the consent changed (or the server refused). */
  function attach(view, hooks) {
    function slot(name) { return view.querySelector("[data-slot=" + name + "]"); }
    var section = slot("consent");
    var errorBox = slot("consent-error");
    var choices = slot("consent-choices");
    var confirm = slot("consent-confirm");
    var yes = slot("consent-yes");
    var pending = null; // "give" or "withdraw" while it is being confirmed
    var opener = null;
    var refused = false; // the server said no (no identity, dossier sent): both are final
    var busy = false;

    slot("consent-form").addEventListener("submit", onConfirm);
    slot("consent-no").addEventListener("click", function () { close(true); });
    section.querySelectorAll("[data-consent-choice]").forEach(function (button) {
      button.addEventListener("click", function () { open(button.getAttribute("data-consent-choice"), button); });
    });

    function showError(message) {
      errorBox.textContent = message;
      errorBox.hidden = false;
    }

    function render(data) {
      var hasIdentity = (data.records || []).some(function (r) { return r.kind === "identity"; });
      section.hidden = !hasIdentity;
      var given = typeof data.identity_consent_on === "string";
      section.querySelector("[data-consent=given]").hidden = !given;
      section.querySelector("[data-consent=not_given]").hidden = given;
      slot("consent-given-on").textContent = given ? WhistleFormat.nlDate(data.identity_consent_on) : "";
      section.querySelector("[data-consent-choice=give]").hidden = given;
      section.querySelector("[data-consent-choice=withdraw]").hidden = !given;
      if (pending && (pending === "give") === given) close(false); // already so (another tab)
      choices.hidden = refused || pending !== null;
    }

    function open(choice, button) {
      pending = choice;
      opener = button;
      errorBox.hidden = true;
      section.querySelectorAll("[data-consent-explains]").forEach(function (p) {
        p.hidden = p.getAttribute("data-consent-explains") !== choice;
      });
      yes.textContent = "Ja, " + button.textContent.trim().toLowerCase();
      choices.hidden = true;
      confirm.hidden = false;
      confirm.focus();
    }

    function close(refocus) {
      pending = null;
      confirm.hidden = true;
      choices.hidden = refused;
      if (refocus && opener && opener.isConnected) opener.focus();
      opener = null;
    }

    async function onConfirm(event) {
      event.preventDefault();
      if (busy || !pending) return;
      busy = true;
      yes.disabled = true;
      try {
        await hooks.send(pending === "give");
      } catch (e) {
        if (e.status === 0) {
          showError(gettext("De verbinding is onderbroken. Er is niets gewijzigd; probeer het opnieuw."));
        } else if (e.status === 400) {
          // No identity, or the dossier was sent: the server's own words, and no more buttons.
          refused = true;
          close(false);
          showError(e.body && typeof e.body.error === "string" ? gettext(e.body.error)
            : gettext("Dit is niet mogelijk. Er is niets gewijzigd."));
          await hooks.done();
        } else {
          showError(gettext("Dit is niet gelukt. Er is niets gewijzigd; probeer het opnieuw."));
        }
        return;
      } finally {
        busy = false;
        yes.disabled = false;
      }
      close(false);
      await hooks.done();
    }

    return { render: render };
  }

  global.WhistleConsent = { attach: attach };
})(window);
