/* Test-only: runs static/js/protocol.js over the vendored libsodium.js in Node and reports,
 * for each named set of KDF parameters (JSON, argv[3]), whether deriveMaster accepts it. */
const vm = require("vm"), fs = require("fs");
const root = process.argv[2];
const ctx = { console, setTimeout, TextEncoder, TextDecoder, Uint8Array, crypto: require("crypto").webcrypto };
ctx.window = ctx; ctx.self = ctx; ctx.globalThis = ctx;
vm.createContext(ctx);
for (const f of ["static/vendor/libsodium/libsodium-sumo.js", "static/vendor/libsodium/libsodium-wrappers-sumo.js",
                 "static/js/protocol.js"]) {
  vm.runInContext(fs.readFileSync(root + "/" + f, "utf8"), ctx, { filename: f });
}
ctx.sodium.ready.then(() => {
  const P = ctx.WhistleProtocol.create(ctx.sodium);
  const out = {};
  for (const [name, kdf] of Object.entries(JSON.parse(process.argv[3]))) {
    try { P.deriveMaster("AAAA-AAAA-AAAA-AAAA", "deventer", kdf); out[name] = "accepted"; }
    catch (e) { out[name] = e.reason || e.name || String(e); }
  }
  console.log(JSON.stringify(out));
});
