/* The key derivation (Argon2id over the melder's code, protocol section 4) in a Web Worker
 * (static/js/kdf-worker.js), so the page stays responsive for the half minute it can take on
 * a cheap phone, with a progress text in the page's live region (role=status) that screen
 * readers announce. The protocol's parameter bounds are checked here BEFORE the worker starts,
 * and again inside it. Where a worker cannot run (no Worker, or it cannot load libsodium),
 * the derivation runs on the page as before: slower to react, but it works.
 *
 * Only the 32-byte master key comes back from the worker; the keys are made from it here and
 * the master is wiped. */
(function (global) {
  "use strict";
  var gettext = window.WhistleI18n.gettext; // the page's words (static/js/i18n.js)

  var me = document.currentScript;
  var WORKER_URL = me && me.src ? new URL("kdf-worker.js", me.src).href : null;
  var START_TEXT = gettext("Uw sleutel wordt gemaakt uit uw code… Dit kan een halve minuut duren.");
  var STILL_TEXT = gettext("Nog even geduld: uw sleutel wordt nog gemaakt.");
  var DONE_TEXT = gettext("Uw sleutel is gemaakt.");
  var STILL_EVERY_MS = 15000;

  function inWorker(code, org, kdf) {
    return new Promise(function (resolve, reject) {
      var worker;
      try {
        worker = new Worker(WORKER_URL);
      } catch (e) {
        return reject({ unavailable: true });
      }
      worker.onmessage = function (event) {
        worker.terminate();
        var answer = event.data || {};
        if (answer.master instanceof Uint8Array) return resolve(answer.master);
        if (answer.reason === "unavailable") return reject({ unavailable: true });
        reject(WhistleProtocol.ProtocolError(answer.error || "key derivation failed", answer.reason));
      };
      worker.onerror = function (event) {
        if (event && event.preventDefault) event.preventDefault();
        worker.terminate();
        reject({ unavailable: true });
      };
      worker.postMessage({ code: code, org: org, kdf: kdf });
    });
  }

  function workersAvailable() {
    return typeof Worker === "function" && WORKER_URL !== null && !global.WhistleKdfNoWorker;
  }

  /* The melder's keys for code, as P.deriveKeys(code, org, kdf), with progress shown on
   * progress (a WhistleProgress) while it runs. Throws a ProtocolError for parameters outside
   * the protocol's bounds or a malformed code, before anything is derived. */
  async function deriveKeys(P, code, org, kdf, progress) {
    try {
      P.checkKdf(kdf);
    } catch (e) {
      e.reason = "kdf"; // the callers say so in their own words (UNSAFE_TEXT)
      throw e;
    }
    P.normaliseCode(code);
    progress.step(START_TEXT);
    var ticker = setInterval(function () { progress.step(STILL_TEXT); }, STILL_EVERY_MS);
    var master = null;
    try {
      if (workersAvailable()) {
        try {
          master = await inWorker(code, org, kdf);
        } catch (e) {
          if (!e || !e.unavailable) throw e;
        }
      }
      if (master === null) {
        // The page itself: let the browser paint the text first, then block while it runs.
        await WhistleProgress.paint();
        master = P.deriveMaster(code, org, kdf);
      }
      var keys = P.keysFromMaster(master);
      progress.step(DONE_TEXT);
      return keys;
    } finally {
      clearInterval(ticker);
      if (master) P.wipe(master);
    }
  }

  var UNSAFE_TEXT = gettext("Uw sleutel is niet gemaakt: de server vraagt instellingen die buiten de grenzen " +
    "van het protocol vallen. Er is niets verstuurd. Probeer het later opnieuw of meld dit aan de organisatie.");

  global.WhistleKdf = { deriveKeys: deriveKeys, workerUrl: WORKER_URL, UNSAFE_TEXT: UNSAFE_TEXT };
})(window);
