/* Attachments in the browser path: each file is encrypted here (secretstream, fresh key) and
 * its name, type, size and key travel in an `attachment` record sealed with the case key.
 * An interrupted upload can be retried with the very same ciphertext: the server stores an
 * attachment only once its whole body arrived, so nothing half is ever left behind. */
(function (global) {
  "use strict";
  var gettext = window.WhistleI18n.gettext; // the page's words (static/js/i18n.js)

  var MAX_NAME = 255;

  function create(P, api) {
    /* Refuse what the server would refuse, before anything is read or sent. */
    function check(files, maxBytes) {
      for (var i = 0; i < files.length; i++) {
        if (files[i].size > maxBytes) {
          return gettext("Bijlage ‘%(name)s’ is te groot (maximaal %(size)s).", { name: files[i].name, size: WhistleFormat.sizeText(maxBytes) });
        }
      }
      return null;
    }

    /* Encrypt one file; onProgress(done, total). Its record is sealed at upload time, with
     * the key of the case it goes to. */
    async function encrypt(file, onProgress) {
      var out = await P.encryptFile(file, onProgress);
      return {
        name: (file.name || "bijlage").slice(0, MAX_NAME),
        type: (file.type || "application/octet-stream").slice(0, 200),
        size: out.plainSize, key: out.key, body: out.body,
      };
    }

    function sealRecord(enc, caseKey, locator) {
      var record = P.sealRecord(caseKey, "attachment", locator,
                                { name: enc.name, type: enc.type, size: enc.size, key: P.b64(enc.key) });
      P.wipe(enc.key);
      return P.b64(record);
    }

    /* A list item that shows one upload: its progress, then gettext("verstuurd"), or a retry button;
     * below it what was done about its hidden metadata (static/js/melder-clean.js). */
    function item(list, name, note) {
      var li = document.createElement("li");
      li.className = "upload";
      var title = document.createElement("span");
      title.textContent = name + " ";
      var bar = document.createElement("progress");
      var status = document.createElement("span");
      status.className = "small";
      var retry = document.createElement("button");
      retry.type = "button";
      retry.textContent = gettext("Opnieuw proberen");
      retry.hidden = true;
      li.append(title, bar, " ", status, " ", retry);
      if (note) addNote(li, note);
      list.appendChild(li);
      return { li: li, bar: bar, status: status, retry: retry };
    }

    /* Upload encrypted files one after the other. token(fresh) returns a bearer token.
     * Resolves once every file is stored; a failed one waits for the melder's retry. */
    async function upload(list, encrypted, caseKey, locator, token) {
      var views = encrypted.map(function (enc) { return item(list, enc.name, enc.note); });
      for (var i = 0; i < encrypted.length; i++) {
        await uploadOne(views[i], encrypted[i], sealRecord(encrypted[i], caseKey, locator), token);
      }
    }

    function uploadOne(view, enc, record, token) {
      return new Promise(function (resolve) {
        async function attempt() {
          view.retry.hidden = true;
          view.status.textContent = gettext("versturen…");
          view.bar.removeAttribute("value");
          try {
            var bearer = await token(false);
            try {
              await send(bearer);
            } catch (e) {
              if (e.status !== 401) throw e;
              await send(await token(true)); // the session ran out meanwhile: log in again
            }
            view.bar.max = 1;
            view.bar.value = 1;
            view.status.textContent = gettext("verstuurd");
            view.li.setAttribute("data-state", "done");
            resolve();
          } catch (e) {
            view.status.textContent = (e.body && e.body.error && e.status !== 0)
              ? gettext("niet verstuurd: %(reason)s", { reason: gettext(e.body.error) })
              : gettext("het versturen is onderbroken; er is niets half opgeslagen.");
            view.li.setAttribute("data-state", "failed");
            view.retry.hidden = false;
          }
        }
        function send(bearer) {
          return api.uploadAttachment(bearer, record, enc.body, function (done, total) {
            view.bar.max = total;
            view.bar.value = done;
          });
        }
        view.retry.addEventListener("click", attempt);
        attempt();
      });
    }

    function addNote(li, text) {
      var p = document.createElement("p");
      p.className = "small";
      p.textContent = text;
      li.appendChild(p);
    }

    /* A file that is not sent (the melder left it out), with the reason. */
    function note(list, name, text) {
      var li = document.createElement("li");
      var title = document.createElement("span");
      title.textContent = name;
      li.appendChild(title);
      addNote(li, text);
      list.appendChild(li);
    }

    return { check: check, encrypt: encrypt, upload: upload, note: note };
  }

  global.WhistleAttachments = { create: create };
})(window);
