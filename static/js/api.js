/* The reporter protocol v1 over HTTP, as docs/protocol.md describes it. Same origin only,
 * no cookies (the API uses a bearer token), nothing cached. */
(function (global) {
  "use strict";

  function ApiError(status, body) {
    var e = new Error("HTTP " + status + ((body && body.error) ? ": " + body.error : ""));
    e.name = "ApiError";
    e.status = status;
    e.body = body || {};
    return e;
  }

  function create(root) {
    root = root.replace(/\/$/, "");

    async function call(method, path, payload, token, extra) {
      var headers = Object.assign({}, extra || {});
      /* The refusals' texts in the page's language (protocol 10.1), not the browser's. */
      var page = typeof document !== "undefined" && document.documentElement ? document.documentElement.lang : "";
      if (page) headers["Accept-Language"] = page;
      if (payload !== undefined) headers["Content-Type"] = "application/json";
      if (token) headers.Authorization = "Bearer " + token;
      var response;
      try {
        response = await fetch(root + path, {
          method: method, headers: headers, credentials: "omit", cache: "no-store",
          referrerPolicy: "no-referrer",
          body: payload === undefined ? undefined : JSON.stringify(payload),
        });
      } catch (e) {
        throw ApiError(0, { error: "network" });
      }
      var body = null;
      try { body = await response.json(); } catch (e) { body = null; }
      if (!response.ok) throw ApiError(response.status, body);
      return body;
    }

    return {
      intake: function (org) { return call("GET", "/orgs/" + encodeURIComponent(org) + "/intake"); },
      /* The melding with its proof of work (protocol E.7), paid here in the melder's browser;
       * when the difficulty rose meanwhile, the refusal carries a fresh challenge. */
      submitReport: async function (org, payload, P) {
        var path = "/orgs/" + encodeURIComponent(org);
        var work = (await call("GET", path + "/work")).work;
        for (var attempt = 0; ; attempt++) {
          try {
            return await call("POST", path + "/reports", payload, null, { "Whistle-Work": P.solveWork(work) });
          } catch (e) {
            if (!(e.status === 400 && e.body.field === "work" && e.body.work) || attempt >= 2) throw e;
            work = e.body.work;
          }
        }
      },
      challenge: function (locator) { return call("POST", "/reporter/challenge", { locator: locator }); },
      session: function (locator, challenge, signature) {
        return call("POST", "/reporter/session", { locator: locator, challenge: challenge, signature: signature });
      },
      /* Challenge, sign, session: the code and the keys stay here; only the locator, the
       * challenge and the signature are sent. Resolves to the bearer token. */
      logIn: async function (P, keys) {
        var answer = await call("POST", "/reporter/challenge", { locator: keys.locator });
        var challenge = P.unb64(answer.challenge, "challenge");
        var session = await call("POST", "/reporter/session", {
          locator: keys.locator, challenge: answer.challenge,
          signature: P.b64(P.signLogin(keys.signSecret, challenge)),
        });
        return session.token;
      },
      /* Ends the session on the server (protocol E.3): the token stops working at once. */
      logOut: function (token) { return call("DELETE", "/reporter/session", undefined, token); },
      case: function (token) { return call("GET", "/reporter/case", undefined, token); },
      /* A lifecycle step of the melder (protocol E.1); answers with the case's metadata. */
      takeStep: function (token, payload) { return call("POST", "/reporter/case/events", payload, token); },
      /* The consent to share the identity with the bevoegd gezag (protocol E.4): true or false. */
      setConsent: function (token, consent) {
        return call("POST", "/reporter/case/consent", { consent: consent === true }, token);
      },
      /* Benadeling (issue 15): a report at any time, or the answer at a follow-up moment after
       * closing ({answer: "ja"|"nee"}); the description sealed as a 'benadeling' record. */
      postBenadeling: function (token, payload) {
        return call("POST", "/reporter/case/benadeling", payload, token);
      },
      /* A complaint after the terugkoppeling (protocol E.8): {ciphertext, lkc_limit_on}. */
      postComplaint: function (token, payload) {
        return call("POST", "/reporter/case/complaint", payload, token);
      },
      /* The minutes of an oral melding (protocol E.9): {action: "approve"|"correct", version}. */
      postMinutes: function (token, payload) {
        return call("POST", "/reporter/case/minutes", payload, token);
      },
      /* Replace the code (protocol E.10): a fresh challenge signed with the current and the
       * new signing key, the new locator and public keys, and the case key wrapped to the new
       * box key. Resolves to the new session's token; the old code and sessions end. */
      replaceCode: async function (P, token, keys, newKeys, caseKey) {
        var answer = await call("POST", "/reporter/challenge", { locator: keys.locator });
        var challenge = P.unb64(answer.challenge, "challenge");
        var session = await call("POST", "/reporter/case/code", {
          challenge: answer.challenge,
          signature: P.b64(P.signReplacement(keys.signSecret, challenge, newKeys)),
          new_signature: P.b64(P.signReplacement(newKeys.signSecret, challenge, newKeys)),
          locator: newKeys.locator,
          reporter_box_public_key: P.b64(newKeys.boxPublic),
          reporter_sign_public_key: P.b64(newKeys.signPublic),
          reporter_sealed_key: P.b64(P.wrapCaseKey(caseKey, newKeys.boxPublic)),
        }, token);
        return session.token;
      },
      /* A meeting on request (protocol E.11): {action: "request"|"confirm"|"other_moment", kind, ciphertext}. */
      postMeeting: function (token, payload) {
        return call("POST", "/reporter/case/meeting", payload, token);
      },
      postMessage: function (token, ciphertext) {
        return call("POST", "/reporter/case/messages", { ciphertext: ciphertext }, token);
      },

      /* XMLHttpRequest rather than fetch: it reports upload progress, and it sends a Blob
       * without reading it into memory (a streamed fetch body needs HTTP/2). */
      uploadAttachment: function (token, recordB64, body, onProgress) {
        return new Promise(function (resolve, reject) {
          var xhr = new XMLHttpRequest();
          xhr.open("POST", root + "/reporter/case/attachments");
          xhr.withCredentials = false;
          xhr.setRequestHeader("Authorization", "Bearer " + token);
          xhr.setRequestHeader("Content-Type", "application/octet-stream");
          xhr.setRequestHeader("Whistle-Attachment-Record", recordB64);
          xhr.upload.onprogress = function (ev) {
            if (onProgress && ev.lengthComputable) onProgress(ev.loaded, ev.total);
          };
          xhr.onload = function () {
            var parsed = null;
            try { parsed = JSON.parse(xhr.responseText); } catch (e) { parsed = null; }
            if (xhr.status === 201) resolve(parsed);
            else reject(ApiError(xhr.status, parsed));
          };
          xhr.onerror = function () { reject(ApiError(0, { error: "network" })); };
          xhr.onabort = function () { reject(ApiError(0, { error: "aborted" })); };
          xhr.send(body);
        });
      },

      downloadAttachment: async function (token, id) {
        var response;
        try {
          response = await fetch(root + "/reporter/case/attachments/" + encodeURIComponent(id), {
            headers: { Authorization: "Bearer " + token }, credentials: "omit", cache: "no-store",
            referrerPolicy: "no-referrer",
          });
        } catch (e) {
          throw ApiError(0, { error: "network" });
        }
        if (!response.ok) throw ApiError(response.status, null);
        return new Uint8Array(await response.arrayBuffer());
      },
    };
  }

  global.WhistleApi = { create: create, ApiError: ApiError };
})(window);
