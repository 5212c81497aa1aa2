/* The melder's view of static/js/clean.js on the new-melding form: as soon as files are chosen,
 * each is cleaned in memory and the page says, per file and in the server path's words
 * (<template id="metadata-words">), what was removed. A file we cannot clean is named with a
 * choice, two radio buttons in a fieldset: leave it out, or send it as it is. Nothing is sent
 * without that choice. Used by melden.js (a new melding) and terug.js (attachments added later). */
(function (global) {
  "use strict";

  function attach(form, input) {
    var words = document.getElementById("metadata-words");
    var report = document.getElementById("clean-report");
    var list = document.getElementById("clean-list");
    var keep = form.elements.namedItem("keep_metadata");
    var entries = [], round = 0;

    function word(key) {
      var el = words && words.content.querySelector('[data-word="' + key + '"]');
      return el ? el.textContent : key;
    }

    /* What happened to the file, in the words the server path uses for its own notice. */
    function summary(r) {
      var cannot = word("cannot-" + (r.kind === "office" && r.data ? "office-cleaned" : r.kind || "other"));
      if (r.status === "kept") return word("status-kept");
      if (r.status === "cleaned") return word("status-cleaned") + r.removed.map(word).join("; ") + ". " + cannot;
      if (r.status === "nothing") return word("status-nothing") + " " + cannot;
      if (r.status === "refused") {
        return (r.removed.length ? word("status-refused") + r.removed.map(word).join("; ") + "." : word("status-unseen")) +
          " " + cannot;
      }
      return word("status-unsupported") + " " + cannot;
    }

    function needsChoice(r) { return r.status === "refused" || r.status === "unsupported"; }

    function choice(entry, index) {
      var set = document.createElement("fieldset");
      set.className = "clean-choice";
      var legend = document.createElement("legend");
      legend.textContent = word("choice-legend") + " (" + entry.file.name + ")";
      set.appendChild(legend);
      [["leave", "choice-leave-out"], ["send", "choice-send"]].forEach(function (option) {
        var label = document.createElement("label");
        label.className = "inline";
        var radio = document.createElement("input");
        radio.type = "radio";
        radio.name = "clean-choice-" + index;
        radio.value = option[0];
        radio.addEventListener("change", function () { entry.choice = option[0]; });
        label.append(radio, " " + word(option[1]));
        set.appendChild(label);
      });
      return set;
    }

    function show(entry, index) {
      entry.status.textContent = entry.result ? summary(entry.result) : word("status-busy");
      if (entry.result && needsChoice(entry.result) && !entry.fieldset) {
        entry.fieldset = choice(entry, index);
        entry.li.appendChild(entry.fieldset);
      }
    }

    /* Clean every chosen file, one after the other (a phone has little memory to spare). */
    function start() {
      var mine = ++round, files = Array.prototype.slice.call(input.files || []);
      list.replaceChildren();
      report.hidden = files.length === 0;
      entries = files.map(function (file, i) {
        var li = document.createElement("li"), name = document.createElement("strong");
        var status = document.createElement("span");
        name.textContent = file.name;
        li.append(name, ": ", status);
        list.appendChild(li);
        var entry = { file: file, li: li, status: status, result: null, choice: null, fieldset: null };
        show(entry, i);
        return entry;
      });
      var keepAll = keep && keep.checked;
      report.setAttribute("data-state", "busy");
      entries.done = entries.reduce(function (before, entry, i) {
        return before.then(async function () {
          if (mine !== round) return;
          var r;
          try {
            r = keepAll ? { status: "kept", kind: "other", removed: [], data: null } : await WhistleClean.cleanFile(entry.file);
          } catch (e) {
            r = { status: "refused", kind: WhistleClean.kindOf(entry.file.name, entry.file.type), removed: [], data: null };
          }
          entry.result = r;
          if (mine === round) show(entry, i);
        });
      }, Promise.resolve()).then(function () {
        if (mine === round) report.setAttribute("data-state", "done");
      });
    }

    input.addEventListener("change", start);
    if (keep) keep.addEventListener("change", start);

    /* The files to encrypt, each with the sentence that goes with it; or {missing} naming the
     * files that still wait for the melder's choice. */
    async function prepared() {
      if (!entries.done && input.files && input.files.length) start();
      await entries.done;
      var missing = entries.filter(function (e) { return needsChoice(e.result) && !e.choice; });
      if (missing.length) {
        missing[0].fieldset.querySelector("input").focus();
        return { missing: word("choice-missing") + missing.map(function (e) { return "‘" + e.file.name + "’"; }).join(", ") + "." };
      }
      var send = [], left = [];
      entries.forEach(function (e) {
        var r = e.result, note = summary(r);
        if (e.choice === "leave") return left.push({ name: e.file.name, note: word("left-out") });
        var file = r.data ? new File([r.data], e.file.name, { type: e.file.type }) : e.file;
        send.push({ file: file, note: note });
      });
      return { send: send, left: left };
    }

    /* After the files went: the list and the choices start again empty. */
    function reset() {
      round++;
      entries = [];
      list.replaceChildren();
      report.hidden = true;
      report.removeAttribute("data-state");
    }

    return { prepared: prepared, reset: reset };
  }

  global.WhistleCleanView = { attach: attach };
})(window);
