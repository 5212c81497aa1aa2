/* A voice message in the browser case view (issue 15, point 1): the melder records it here
 * (MediaRecorder), and may disguise the voice before anything leaves the page. The recording is
 * decoded and resampled to 16 kHz mono with an OfflineAudioContext (Web Audio); the disguise is
 * a granular pitch shift over that signal: short overlapping pieces, each read faster or slower,
 * laid back at their own place, so the pitch moves and the length and rhythm stay. The result is
 * written as a plain WAV file (no container metadata, no device name) and goes the way of every
 * attachment: encrypted here with a fresh key, then sent (hooks.upload). The original recording
 * is dropped. The words are the server's (templates/reporter/_voice_js.html). */
(function (global) {
  "use strict";

  var RATE = 16000;            // speech needs no more; keeps a minute under 2 MB
  var MAX_SECONDS = 300;       // five minutes
  var SHIFTS = { none: 1, lower: 0.8, higher: 1.25 };

  function supported() {
    return !!(global.MediaRecorder && global.navigator.mediaDevices && global.navigator.mediaDevices.getUserMedia &&
              global.OfflineAudioContext && (global.AudioContext || global.webkitAudioContext));
  }

  /* Mono 16 kHz samples of a recorded Blob, rendered offline by Web Audio. */
  async function decode(blob) {
    var Live = global.AudioContext || global.webkitAudioContext;
    var live = new Live();
    try {
      var decoded = await live.decodeAudioData(await blob.arrayBuffer());
      var length = Math.max(1, Math.ceil(decoded.duration * RATE));
      var offline = new global.OfflineAudioContext(1, length, RATE);
      var source = offline.createBufferSource();
      source.buffer = decoded;
      source.connect(offline.destination);
      source.start();
      var rendered = await offline.startRendering();
      return rendered.getChannelData(0).slice();
    } finally {
      if (live.close) live.close();
    }
  }

  /* Granular pitch shift by `ratio` (0.8: lower, 1.25: higher), the length kept: Hann windows of
   * 40 ms at half overlap (which sum to one), each read at `ratio` times the speed. */
  function pitchShift(input, ratio) {
    if (ratio === 1) return input;
    var grain = Math.round(RATE * 0.04), hop = grain / 2;
    var out = new Float32Array(input.length);
    var win = new Float32Array(grain);
    for (var i = 0; i < grain; i++) win[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / grain);
    for (var start = 0; start < input.length; start += hop) {
      for (var j = 0; j < grain && start + j < out.length; j++) {
        var at = start + j * ratio, k = Math.floor(at), frac = at - k;
        if (k + 1 >= input.length) break;
        out[start + j] += win[j] * (input[k] * (1 - frac) + input[k + 1] * frac);
      }
    }
    return out;
  }

  /* 16-bit PCM WAV of mono samples. */
  function wav(samples) {
    var buffer = new ArrayBuffer(44 + samples.length * 2);
    var v = new DataView(buffer);
    function text(at, s) { for (var i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i)); }
    text(0, "RIFF"); v.setUint32(4, 36 + samples.length * 2, true); text(8, "WAVE");
    text(12, "fmt "); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
    v.setUint32(24, RATE, true); v.setUint32(28, RATE * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
    text(36, "data"); v.setUint32(40, samples.length * 2, true);
    for (var i = 0; i < samples.length; i++) {
      var s = Math.max(-1, Math.min(1, samples[i]));
      v.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
    }
    return new Uint8Array(buffer);
  }

  /* hooks.upload(File) -> Promise: encrypt and send it as an attachment. */
  function attach(view, hooks) {
    function slot(name) { return view.querySelector("[data-slot=" + name + "]"); }
    var section = slot("voice");
    if (!section) return {};
    var status = slot("voice-status");
    var start = slot("voice-start"), stop = slot("voice-stop"), send = slot("voice-send");
    var discard = slot("voice-discard"), preview = slot("voice-preview");
    var recorder = null, chunks = [], stream = null, prepared = null, timer = null, previewUrl = null;
    if (!supported()) return {};
    section.hidden = false;

    function say(message) { status.textContent = message; }
    function choice() {
      var chosen = view.querySelector("input[name=js-voice-disguise]:checked");
      return chosen ? chosen.value : "lower";
    }
    function reset() {
      prepared = null;
      if (previewUrl) URL.revokeObjectURL(previewUrl);
      previewUrl = null;
      preview.removeAttribute("src");
      preview.hidden = true;
      send.hidden = discard.hidden = true;
      start.hidden = false;
      stop.hidden = true;
    }

    start.addEventListener("click", async function () {
      reset();
      try {
        stream = await global.navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (e) {
        return say(start.getAttribute("data-no-microphone"));
      }
      chunks = [];
      recorder = new global.MediaRecorder(stream);
      recorder.addEventListener("dataavailable", function (ev) { if (ev.data && ev.data.size) chunks.push(ev.data); });
      recorder.addEventListener("stop", finish);
      recorder.start();
      start.hidden = true;
      stop.hidden = false;
      say(stop.getAttribute("data-recording"));
      timer = setTimeout(function () { if (recorder && recorder.state === "recording") recorder.stop(); }, MAX_SECONDS * 1000);
    });

    stop.addEventListener("click", function () {
      if (recorder && recorder.state === "recording") recorder.stop();
    });

    async function finish() {
      clearTimeout(timer);
      stream.getTracks().forEach(function (t) { t.stop(); });
      stop.hidden = true;
      say(send.getAttribute("data-preparing"));
      try {
        var samples = await decode(new Blob(chunks, { type: recorder.mimeType || "audio/webm" }));
        chunks = [];
        var how = choice();
        var bytes = wav(pitchShift(samples, SHIFTS[how] || 1));
        prepared = new File([bytes], how === "none" ? "ingesproken-bericht.wav" : "ingesproken-bericht-vervormd.wav",
                            { type: "audio/wav" });
        previewUrl = URL.createObjectURL(prepared);
        preview.src = previewUrl;
        preview.hidden = false;
        send.hidden = discard.hidden = false;
        say(send.getAttribute("data-ready"));
      } catch (e) {
        reset();
        say(send.getAttribute("data-failed"));
      }
    }

    send.addEventListener("click", async function () {
      if (!prepared) return;
      var file = prepared;
      send.disabled = true;
      try {
        await hooks.upload(file);
        reset();
        say(send.getAttribute("data-sent"));
      } catch (e) {
        say(send.getAttribute("data-failed"));
      } finally {
        send.disabled = false;
      }
    });
    discard.addEventListener("click", function () {
      reset();
      say(discard.getAttribute("data-discarded"));
    });
    return {};
  }

  global.WhistleVoice = { attach: attach, pitchShift: pitchShift, wav: wav, RATE: RATE };
})(window);
