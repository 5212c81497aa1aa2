/* The receipt's buttons (issue 12 point 8), progressive enhancement: "Code kopiëren" and
 * "Afdrukken" are shown only when this script runs, and work for the server's receipt and for
 * the one melden.js fills in later (event delegation). The code goes to the clipboard only on
 * the melder's click; nothing is stored anywhere (not in the browser's storage, not on the server). */
(function () {
  "use strict";

  document.documentElement.classList.add("receipt-tools");

  function status(button, text) {
    var box = button.closest(".receipt");
    var live = box && box.querySelector("[data-slot=copy-status]");
    if (live) live.textContent = text;
  }

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function fallbackCopy(node) {
    selectText(node);
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function copy(button) {
    var box = button.closest(".receipt");
    var node = box && box.querySelector("[data-slot=code]");
    var code = node ? node.textContent.trim() : "";
    if (!code) return;
    var done = button.getAttribute("data-copied");
    var failed = button.getAttribute("data-copy-failed");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(code).then(function () {
        status(button, done);
      }, function () {
        status(button, fallbackCopy(node) ? done : failed);
      });
    } else {
      status(button, fallbackCopy(node) ? done : failed);
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var button = target && target.closest("[data-copy-code], [data-print-receipt]");
    if (!button) return;
    if (button.hasAttribute("data-copy-code")) copy(button);
    else window.print();
  });
})();
