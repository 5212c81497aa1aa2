/* The server path's case page (templates/reporter/case.html) with JavaScript on: a warning
 * before the melder's session ends (issue 12 point 3), visible and announced (aria-live), with a
 * button that keeps the session open without reloading the page. What the melder is typing
 * stays in the page's form, in memory only: nothing is put in the browser's
 * storage or in a cookie, and nothing is sent until the melder sends it. When the session has ended, sending
 * still works: the server answers with the text kept and asks for the code once more
 * (whistle.web.melder_resume). */
(function () {
  "use strict";

  var box = document.getElementById("session-warning");
  if (!box) return;
  var seconds = Number(box.getAttribute("data-session-seconds")) || 0;
  var before = Number(box.getAttribute("data-warn-seconds")) || 120;
  if (!seconds) return;
  var timers = [];

  function say(message, withButton) {
    var p = document.createElement("p");
    p.className = "notice utrecht-alert utrecht-alert--info";
    p.textContent = message;
    var nodes = [p];
    if (withButton) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button secondary";
      button.textContent = box.getAttribute("data-keep-label");
      button.addEventListener("click", keep);
      nodes.push(button);
    }
    box.replaceChildren.apply(box, nodes);
  }

  function start() {
    timers.forEach(clearTimeout);
    timers = [
      setTimeout(function () { say(box.getAttribute("data-warn-text"), true); },
                 Math.max(0, seconds - before) * 1000),
      setTimeout(function () { say(box.getAttribute("data-ended-text"), false); }, seconds * 1000),
    ];
  }

  function keep() {
    fetch(box.getAttribute("data-keep-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) {
        if (answer.ok) {
          start();
          say(box.getAttribute("data-kept-text"), false);
        } else {
          timers.forEach(clearTimeout);
          say(box.getAttribute("data-ended-text"), false);
        }
      }, function () {
        say(box.getAttribute("data-offline-text"), true);
      });
  }

  start();
})();
