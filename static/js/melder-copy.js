/* The melder's own copy on the browser path (issue 12, item 7): one self-contained HTML file
 * made here from what this page decrypted, with the server's words (the <template>s of
 * _copy_document.html, the same partials the server path renders in copy_document.html).
 * Values go in as text only; the file carries no script and no address. It is handed to the
 * browser as a download from an object URL that is revoked at once; nothing is sent. */
(function (global) {
  "use strict";
  var gettext = window.WhistleI18n.gettext; // the page's words (static/js/i18n.js)

  function escapeText(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return { iso: d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()),
             nl: pad(d.getDate()) + "-" + pad(d.getMonth() + 1) + "-" + d.getFullYear() };
  }

  /* view: the case view (_case_view.html); open(kind, ciphertext) opens a record or gives null. */
  function attach(view, open) {
    var button = view.querySelector("[data-slot=copy]");
    var labels = {};
    try { labels = JSON.parse(button.getAttribute("data-labels") || "{}"); } catch (e) { labels = {}; }
    var errorBox = view.querySelector("[data-slot=copy-error]");
    var template = function (name) { return view.querySelector("template[data-template=" + name + "]"); };
    var last = null; // { data, facts }: the case as last shown
    var css = null;

    button.addEventListener("click", function () {
      errorBox.hidden = true;
      button.disabled = true;
      make().then(download).catch(function () {
        errorBox.textContent = gettext("De kopie kon niet worden gemaakt. Laad de pagina opnieuw en probeer het nog eens.");
        errorBox.hidden = false;
      }).finally(function () { button.disabled = false; });
    });

    function styleText() {
      if (css !== null) return Promise.resolve(css);
      return fetch(button.getAttribute("data-css"), { credentials: "omit" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .catch(function () { return ""; })
        .then(function (text) { css = text; return css; });
    }

    function values() {
      var data = last.data;
      var out = Object.assign({}, last.facts, {
        made_on: today().nl, report_unreadable: false,
        no_messages: true, no_attachments: !data.attachments.length,
      });
      data.records.forEach(function (r) {
        if (r.kind === "report") {
          var report = open("report", r.ciphertext);
          if (report === null) out.report_unreadable = true;
          Object.keys(report || {}).forEach(function (k) {
            if (typeof report[k] !== "string") return;
            // A category or a unit by its label, as the server's copy shows it, never its id.
            var named = labels[k] && Object.prototype.hasOwnProperty.call(labels[k], report[k]) ? labels[k][report[k]] : null;
            out["report_" + k] = named || report[k];
          });
        }
        if (r.kind === "message") out.no_messages = false;
      });
      return out;
    }

    function messageItems() {
      var items = [];
      last.data.records.forEach(function (r) {
        if (r.kind !== "message") return;
        var body = open("message", r.ciphertext);
        var fromCounsellor = r.author === "counsellor";
        var item = WhistleTemplates.fill(template("message"), {
          from_counsellor: fromCounsellor,
          created_on: WhistleFormat.nlDate(r.created_on),
          unreadable: body === null,
          extension: !!body && body.purpose === "extension",
          until: String((body && body.until) || ""),
          feedback: !!body && body.purpose === "feedback",
          text: body && typeof body.text === "string" ? body.text : "",
        });
        item.firstElementChild.classList.add(r.author);
        items.push(item);
      });
      return items;
    }

    function attachmentItems() {
      return last.data.attachments.map(function (a) {
        var header = open("attachment", a.header);
        return WhistleTemplates.fill(template("copy-attachment"), {
          unreadable: header === null,
          name: header ? String(header.name || "bijlage") : "",
          size: header ? WhistleFormat.sizeText(Number(header.size) || 0) : "",
          created_on: WhistleFormat.nlDate(a.created_on),
        });
      });
    }

    async function make() {
      if (!last) throw new Error("nothing shown yet");
      var body = document.createElement("div");
      body.appendChild(WhistleTemplates.fill(template("copy"), values()));
      var messages = body.querySelector("[data-copy=messages]");
      messageItems().forEach(function (item) { messages.appendChild(item); });
      var attachments = body.querySelector("[data-copy=attachments]");
      attachmentItems().forEach(function (item) { attachments.appendChild(item); });
      var title = body.querySelector("h1").textContent;
      var style = (await styleText()).replace(/<\//g, "<\\/");
      return "<!doctype html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
        "<title>" + escapeText(title) + "</title>\n<style>\n" + style + "</style>\n</head>\n<body>\n" +
        // Read, never written: the markup is the filled template, its values set as text.
        body.firstElementChild.outerHTML + "\n</body>\n</html>\n";
    }

    function download(html) {
      var url = URL.createObjectURL(new Blob([html], { type: "text/html;charset=utf-8" }));
      var a = document.createElement("a");
      a.href = url;
      a.download = "melding-kopie-" + today().nl + ".html";
      a.hidden = true;
      view.appendChild(a);
      try {
        a.click();
      } finally {
        a.remove();
        // The click has handed the file to the browser; the URL is of no further use.
        setTimeout(function () { URL.revokeObjectURL(url); }, 0);
      }
    }

    return {
      /* The case as terug.js just showed it, and the values it filled the facts with. */
      render: function (data, facts) { last = { data: data, facts: facts }; },
    };
  }

  global.WhistleCopy = { attach: attach };
})(window);
