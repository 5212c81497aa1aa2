/* A meeting on request in the browser case view (issue 15, point 2; protocol E.11): the melder
 * asks for a conversation (the kind goes in the clear, a note sealed here as a `message` record,
 * purpose "meeting_request"), reads the counsellor's proposal (a message record, purpose
 * "meeting_proposal") and confirms it or asks for another moment. The words are the server's
 * (templates/reporter/_meeting_js.html); text is set with textContent only. */
(function (global) {
  "use strict";
  var gettext = window.WhistleI18n.gettext; // the page's words (static/js/i18n.js)

  /* hooks.seal(body) -> base64 message record; hooks.send(payload) -> Promise; hooks.done() -> Promise. */
  function attach(view, hooks) {
    function slot(name) { return view.querySelector("[data-slot=" + name + "]"); }
    function all(name) { return view.querySelectorAll("[data-slot=" + name + "]"); }
    var errorBox = slot("meeting-error");
    var maxChars = Number(view.getAttribute("data-max-message-chars"));
    var nlDate = global.WhistleFormat.nlDate;

    var sent = global.WhistleMelderPart.sender(errorBox, hooks);
    var showError = sent.showError, submit = sent.submit;

    /* The optional note, sealed; "" when empty; null (with the error shown) when too long. */
    function note(area) {
      var text = area.value.trim();
      if (!text) return "";
      if (text.length > maxChars) {
        showError(gettext("Uw toelichting is te lang (meer dan %(max)s tekens).", { max: maxChars }));
        return null;
      }
      return hooks.seal({ text: text, purpose: "meeting_request" });
    }


    slot("meeting-request").addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = view.querySelector("input[name=js-meeting-kind]:checked");
      if (!chosen) return showError(gettext("Kies of u een persoonlijk gesprek of een telefoongesprek wilt."));
      var area = view.querySelector("#js-meeting-text");
      var sealed = note(area);
      if (sealed === null) return;
      var payload = { action: "request", kind: chosen.value };
      if (sealed) payload.ciphertext = sealed;
      submit(payload, area);
    });
    slot("meeting-confirm").addEventListener("submit", function (event) {
      event.preventDefault();
      submit({ action: "confirm" }, null);
    });
    slot("meeting-other").addEventListener("submit", function (event) {
      event.preventDefault();
      var area = view.querySelector("#js-meeting-other-text");
      var sealed = note(area);
      if (sealed === null) return;
      var payload = { action: "other_moment" };
      if (sealed) payload.ciphertext = sealed;
      submit(payload, area);
    });

    function kindLabel(kind) {
      var input = view.querySelector("input[name=js-meeting-kind][value=" + kind + "]");
      return input ? input.getAttribute("data-label") : kind;
    }

    /* messages: [{r, body}] as the case view opened them. */
    function render(data, messages) {
      var m = data.meeting || { may_request: false, current: null };
      var c = m.current;
      slot("meeting").hidden = !m.may_request && !c;
      slot("meeting-request").hidden = !m.may_request;
      var stage = c ? c.stage : null;
      slot("meeting-requested").hidden = stage !== "gevraagd";
      slot("meeting-proposed").hidden = stage !== "voorgesteld";
      slot("meeting-confirmed").hidden = stage !== "bevestigd";
      if (!c) return;
      all("meeting-kind").forEach(function (el) { el.textContent = kindLabel(c.kind); });
      slot("meeting-requested-on").textContent = nlDate(c.requested_on);
      slot("meeting-due").textContent = nlDate(c.proposal_due);
      var proposal = messages.filter(function (x) {
        return x.r.author === "counsellor" && x.body.purpose === "meeting_proposal" && x.body.proposal === c.proposals;
      }).pop();
      var text = proposal && typeof proposal.body.text === "string" ? proposal.body.text
        : gettext("Het voorstel kan niet worden geopend.");
      slot("meeting-proposal").textContent = text;
      slot("meeting-confirmed-proposal").textContent = text;
      if (c.confirmed_on) slot("meeting-confirmed-on").textContent = nlDate(c.confirmed_on);
    }

    return { render: render };
  }

  global.WhistleMeeting = { attach: attach };
})(window);
