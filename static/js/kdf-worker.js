/* Argon2id for the melder's code, off the page's main thread (static/js/kdf.js starts it).
 *
 * One job per worker: { code, org, kdf } in; { master } (32 bytes, the buffer transferred, so
 * no copy stays here) or { error, reason } out; then the page ends the worker, which frees
 * libsodium's memory with it. libsodium.js and protocol.js come from our own origin (the
 * worker's own CSP, whistle/web/security.py, allows 'self' and 'wasm-unsafe-eval' and nothing
 * else). The protocol's bounds (section 4) are checked here as well as by the page: a worker
 * never derives with parameters the protocol refuses. */
/* global importScripts, sodium, libsodium, WhistleProtocol */
(function () {
  "use strict";

  var loaded = null;

  function load() {
    if (loaded) return loaded;
    loaded = new Promise(function (resolve) {
      importScripts("../vendor/libsodium/libsodium-sumo.js",
                    "../vendor/libsodium/libsodium-wrappers-sumo.js",
                    "protocol.js");
      resolve();
    }).then(function () { return self.sodium.ready; }).then(function () {
      // As sodium-loader.js: the plain-JavaScript fallback needs minutes; refuse it.
      if (typeof libsodium !== "object" || typeof libsodium.useBackupModule !== "function") {
        throw new Error("libsodium.js fell back to plain JavaScript");
      }
      return WhistleProtocol.create(self.sodium);
    });
    return loaded;
  }

  self.onmessage = function (event) {
    var job = event.data || {};
    load().then(function (P) {
      var master;
      try {
        P.checkKdf(job.kdf);
        master = P.deriveMaster(job.code, job.org, job.kdf);
      } catch (e) {
        self.postMessage({ error: String(e && e.message), reason: (e && e.reason) || "crypto" });
        return;
      }
      self.postMessage({ master: master }, [master.buffer]);
    }, function (e) {
      self.postMessage({ error: String(e && e.message), reason: "unavailable" });
    });
  };
})();
