/* How the melder's pages write days and file sizes, as the server's template filters do
 * (nl_date and filesize in whistle/web/filters.py), so both paths show the same. */
(function (global) {
  "use strict";

  /* "2026-05-14" -> "14-05-2026"; empty for no day. */
  function nlDate(iso) {
    if (iso === null || iso === undefined || iso === "") return "";
    var p = String(iso).split("-");
    return p.length === 3 ? p[2] + "-" + p[1] + "-" + p[0] : String(iso);
  }

  function sizeText(bytes) {
    var units = ["bytes", "kB", "MB", "GB"], size = bytes, i = 0;
    while (size >= 1000 && i < units.length - 1) { size /= 1000; i++; }
    return i === 0 ? size + " bytes" : size.toFixed(1).replace(".", ",") + " " + units[i];
  }

  global.WhistleFormat = { nlDate: nlDate, sizeText: sizeText };
})(window);
