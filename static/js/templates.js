/* Fills the server's <template>s, which Jinja renders from the same partials as the server
 * path's pages (templates/reporter/_fields.html), so the words are written only there.
 * Values go in as text (textContent), never as markup. */
(function (global) {
  "use strict";

  /* A filled copy of template's content. A <template data-if="name"> is replaced by its
   * content when values[name] is truthy and dropped otherwise (data-unless: the reverse),
   * outermost first, so a branch inside a dropped one is never looked at; then every
   * [data-field="name"] gets values[name] as its text. */
  function fill(template, values) {
    var fragment = template.content.cloneNode(true);
    var branch;
    while ((branch = fragment.querySelector("template[data-if], template[data-unless]"))) {
      var wanted = branch.hasAttribute("data-if");
      var value = values[branch.getAttribute(wanted ? "data-if" : "data-unless")];
      if (!!value === wanted) branch.replaceWith(branch.content); else branch.remove();
    }
    fragment.querySelectorAll("[data-field]").forEach(function (node) {
      var value = values[node.getAttribute("data-field")];
      node.textContent = value === null || value === undefined ? "" : String(value);
    });
    return fragment;
  }

  global.WhistleTemplates = { fill: fill };
})(window);
