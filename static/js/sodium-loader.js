/* Loads libsodium.js only where it will be fast, and tells the melder which protection is in use.
 *
 * WebAssembly is checked BEFORE libsodium.js is loaded: without it (Tor Browser's "Safer"
 * level, or a CSP that forbids it) libsodium.js falls back to plain JavaScript, which needs
 * minutes for one Argon2id derivation. Then the page is left as it is (the server path) and
 * says so. The libsodium files come from our own origin, each checked by Subresource
 * Integrity; their addresses and hashes are on this script's data-* attributes. */
(function (global) {
  "use strict";

  var me = document.currentScript;

  function webAssemblyWorks() {
    try {
      if (typeof WebAssembly !== "object" || typeof WebAssembly.Module !== "function") {
        return false;
      }
      // The smallest valid module (magic number and version): compiling it is exactly what
      // a disabled WebAssembly or a CSP without 'wasm-unsafe-eval' refuses.
      var module = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
      return new WebAssembly.Instance(module) instanceof WebAssembly.Instance;
    } catch (e) {
      return false;
    }
  }

  function loadScript(src, integrity) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.integrity = integrity;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(s);
    });
  }

  /* Show the one protection note that is true: "browser", "server-no-wasm" or
   * "server-failed"; the server-rendered default ("server") stays when nothing else applies. */
  function showProtection(which) {
    var notes = document.querySelectorAll("[data-protection]");
    for (var i = 0; i < notes.length; i++) {
      notes[i].hidden = notes[i].getAttribute("data-protection") !== which;
    }
    document.documentElement.setAttribute("data-protection", which);
  }

  var sodiumPromise = null;

  function sodium() {
    if (sodiumPromise) return sodiumPromise;
    if (!me || !me.getAttribute("data-sodium-src")) {
      // A page that only reports the protection (the start page) does not load libsodium.
      sodiumPromise = Promise.reject(new Error("no libsodium on this page"));
    } else if (!webAssemblyWorks()) {
      showProtection("server-no-wasm");
      sodiumPromise = Promise.reject(new Error("WebAssembly unavailable"));
    } else {
      sodiumPromise = loadScript(me.getAttribute("data-sodium-src"), me.getAttribute("data-sodium-integrity"))
        .then(function () {
          return loadScript(me.getAttribute("data-wrappers-src"), me.getAttribute("data-wrappers-integrity"));
        })
        .then(function () { return global.sodium.ready; })
        .then(function () {
          // libsodium.js replaces its module with the plain-JavaScript one when WebAssembly
          // fails late; that one drops useBackupModule. Refuse it rather than crawl.
          if (!global.libsodium || typeof global.libsodium.useBackupModule !== "function") {
            throw new Error("libsodium.js fell back to plain JavaScript");
          }
          return global.sodium;
        });
      sodiumPromise.catch(function () { showProtection("server-failed"); });
    }
    sodiumPromise.catch(function () { /* handled by whoever asked */ });
    return sodiumPromise;
  }

  global.WhistleBoot = {
    webAssemblyWorks: webAssemblyWorks,
    showProtection: showProtection,
    sodium: sodium,
  };

  // Pages without libsodium still tell the truth about what the next page will do.
  if (me && me.getAttribute("data-protection-only") !== null) {
    showProtection(webAssemblyWorks() ? "browser" : "server-no-wasm");
  }
})(window);
