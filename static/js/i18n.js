/* The melder's scripts speak the page's language (issue 16.1). The words come from the page:
 * templates/reporter/_scripts.html renders this script's data-words attribute with the
 * translations of every gettext("…") string in the melder's scripts
 * (whistle.web.i18n.script_words), so there is no inline script and nothing from elsewhere.
 * The Dutch text is the key, as in the server's catalogues; a word without translation stays
 * Dutch. Placeholders are written %(name)s, as on the server. */
(function (global) {
  "use strict";

  var words = {};
  var me = document.currentScript;
  if (me && me.hasAttribute("data-words")) {
    try { words = JSON.parse(me.getAttribute("data-words")) || {}; } catch (e) { words = {}; }
  }

  function gettext(text, values) {
    var out = Object.prototype.hasOwnProperty.call(words, text) && words[text] ? words[text] : text;
    if (!values) return out;
    return out.replace(/%\((\w+)\)s/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  global.WhistleI18n = { gettext: gettext };
})(window);
