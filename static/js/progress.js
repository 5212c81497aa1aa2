/* One visible progress indicator: a label and a <progress> bar, determinate (bytes of a file)
 * or indeterminate (key derivation, whose progress libsodium does not report). */
(function (global) {
  "use strict";

  function attach(box) {
    var label = box.querySelector("[data-progress-label]") || box.querySelector("p");
    var bar = box.querySelector("progress");
    return {
      step: function (text) {
        box.hidden = false;
        label.textContent = text;
        bar.removeAttribute("value"); // indeterminate until told otherwise
      },
      fraction: function (done, total) {
        bar.max = total || 1;
        bar.value = total ? done : 1;
      },
      hide: function () { box.hidden = true; },
    };
  }

  /* Let the browser paint the label before a long synchronous step (Argon2id). */
  function paint() {
    return new Promise(function (resolve) {
      requestAnimationFrame(function () { setTimeout(resolve, 0); });
    });
  }

  global.WhistleProgress = { attach: attach, paint: paint };
})(window);
