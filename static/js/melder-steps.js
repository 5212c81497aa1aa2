/* The melder's lifecycle steps in the browser case view: withdraw, report externally, disagree
 * (docs/protocol.md, Extensions E.1).
 *
 * The buttons come straight from the case's `events`, so the browser offers exactly what the
 * server's transition table allows. Each step is confirmed first, in the words the server
 * path's confirmation page uses (rendered into the page by _case_view.html). For
 * report_external, which body the melder went to, and anything they add, is sealed here as a
 * `message` record: the server only checks the route id and stores nothing readable. Text is
 * set with textContent only. */
(function (global) {
  "use strict";
  var gettext = window.WhistleI18n.gettext; // the page's words (static/js/i18n.js)

  var OTHER_ROUTE = "anders"; // protocol E.1: a body the regeling does not list
  var OTHER_NAME = "een andere instantie";

  /* hooks.seal(body) -> b64 of a sealed message record; hooks.send(payload) -> Promise of the
   * API answer (the caller handles the token); hooks.done() -> Promise, after a step was taken. */
  function attach(view, hooks) {
    function slot(name) { return view.querySelector("[data-slot=" + name + "]"); }
    var events = slot("events");
    var buttons = slot("event-buttons");
    var confirm = slot("confirm");
    var form = slot("confirm-form");
    var errorBox = slot("confirm-error");
    var external = slot("confirm-external");
    var choices = slot("route-choices");
    var yes = slot("confirm-yes");
    var extra = view.querySelector("#js-external-text");
    var maxChars = Number(view.getAttribute("data-max-message-chars")); // the server's limit
    var routes = [];
    var current = null; // the step being confirmed: {event, label}
    var opener = null;
    var busy = false;

    form.addEventListener("submit", onConfirm);
    slot("confirm-no").addEventListener("click", function () { close(true); });

    function showError(message) {
      errorBox.textContent = message;
      errorBox.hidden = false;
    }

    function render(data) {
      var steps = Array.isArray(data.events) ? data.events : [];
      routes = Array.isArray(data.escalation_routes) ? data.escalation_routes : [];
      buttons.replaceChildren();
      steps.forEach(function (step) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button secondary utrecht-button--secondary-action";
        button.setAttribute("data-event", String(step.event));
        button.textContent = gettext(String(step.label));
        button.addEventListener("click", function () { open(step, button); });
        buttons.appendChild(button);
      });
      if (current && !steps.some(function (s) { return s.event === current.event; })) {
        // The case moved on (another tab, the counsellor): that step is gone.
        close(false);
        var box = slot("error");
        box.textContent = gettext("Deze stap is in de huidige status van uw melding niet meer mogelijk. Er is niets gewijzigd.");
        box.hidden = false;
      }
      events.hidden = steps.length === 0 || current !== null;
    }

    function open(step, button) {
      current = step;
      opener = button;
      errorBox.hidden = true;
      slot("error").hidden = true;
      slot("confirm-title").textContent = gettext(String(step.label));
      view.querySelectorAll("[data-explains]").forEach(function (p) {
        p.hidden = p.getAttribute("data-explains") !== step.event;
      });
      external.hidden = step.event !== "report_external";
      if (step.event === "report_external") {
        choices.replaceChildren();
        routes.forEach(function (r) { choices.appendChild(choice(r.id, r.name)); });
        choices.appendChild(choice(OTHER_ROUTE, gettext("Een andere instantie")));
        extra.value = "";
      }
      yes.textContent = gettext("Ja, %(step)s", { step: gettext(String(step.label)).toLowerCase() });
      events.hidden = true;
      confirm.hidden = false;
      confirm.focus();
    }

    function choice(id, name) {
      var label = document.createElement("label");
      label.className = "inline";
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "js-route";
      input.value = String(id);
      label.append(input, " " + String(name));
      return label;
    }

    function close(refocus) {
      current = null;
      confirm.hidden = true;
      errorBox.hidden = true;
      events.hidden = buttons.children.length === 0;
      if (refocus && opener && opener.isConnected) opener.focus();
      opener = null;
    }

    /* The message the counsellor reads: the same words as the server path (so both paths read
     * alike), then the melder's own, sealed in this browser. */
    function externalMessage(routeId) {
      var route = routes.filter(function (r) { return r.id === routeId; })[0];
      var name = routeId === OTHER_ROUTE ? OTHER_NAME : String(route.catalogue_name || route.name);
      var text = "Ik heb mijn melding extern gemeld bij: " + name + ".";
      var own = extra.value.trim();
      if (own) text += "\n\n" + own;
      return { text: text, purpose: "external_report", route: routeId };
    }

    async function onConfirm(event) {
      event.preventDefault();
      if (busy || !current) return;
      var payload = { event: current.event };
      if (current.event === "report_external") {
        var chosen = form.querySelector("input[name=js-route]:checked");
        if (!chosen) return showError(gettext("Kies bij welke instantie u heeft gemeld."));
        var message = externalMessage(chosen.value);
        if (message.text.length > maxChars) {
          return showError(gettext("Uw toelichting is te lang (meer dan %(max)s tekens).", { max: maxChars }));
        }
        payload.route = chosen.value;
        payload.ciphertext = hooks.seal(message);
      }
      busy = true;
      yes.disabled = true;
      try {
        await hooks.send(payload);
      } catch (e) {
        if (e.status === 0) {
          showError(gettext("De verbinding is onderbroken. Er is niets gewijzigd; probeer het opnieuw."));
        } else if (e.status === 409 || e.status === 400) {
          // Refused or raced: show the case as it is now (reloading the page would log out).
          showError(e.status === 409 ? gettext("Uw melding is intussen gewijzigd; deze stap is niet opgeslagen. Hieronder staat de stand van nu.")
            : (e.body && typeof e.body.error === "string" ? gettext(e.body.error) : gettext("Deze stap is niet mogelijk. Er is niets gewijzigd.")));
          await hooks.done();
        } else {
          showError(gettext("Deze stap is niet gelukt. Er is niets gewijzigd; probeer het opnieuw."));
        }
        return;
      } finally {
        busy = false;
        yes.disabled = false;
      }
      extra.value = "";
      close(false);
      await hooks.done();
    }

    return { render: render };
  }

  global.WhistleSteps = { attach: attach };
})(window);
