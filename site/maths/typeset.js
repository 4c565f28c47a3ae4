// Typeset TeX as SVG at build time, with assistive MathML, so that pages load no MathJax at all.
//
//   node site/maths/typeset.js < pages.json > typeset.json
//
// Input:  {"pages": [{"key": "...", "items": [{"tex": "...", "display": true|false}, ...]}, ...]}
// Output: {"css": "...", "pages": [{"key": "...", "svgs": ["<mjx-container ...>", ...],
//          "cache": "<svg id=\"MJX-SVG-global-cache\" ...>"}, ...], "errors": [...]}
//
// One glyph cache per page (fontCache "global"): each expression refers to the page's shared glyph
// definitions with <use>, which keeps the pages small.  An expression MathJax cannot parse is reported
// in "errors" (the Sphinx extension turns that into a build warning, an error under -W).
"use strict";
const {mathjax} = require("mathjax-full/js/mathjax.js");
const {TeX} = require("mathjax-full/js/input/tex.js");
const {SVG} = require("mathjax-full/js/output/svg.js");
const {liteAdaptor} = require("mathjax-full/js/adaptors/liteAdaptor.js");
const {RegisterHTMLHandler} = require("mathjax-full/js/handlers/html.js");
const {AssistiveMmlHandler} = require("mathjax-full/js/a11y/assistive-mml.js");
const {AllPackages} = require("mathjax-full/js/input/tex/AllPackages.js");

const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
// "noundefined" and "noerrors" would hide mistakes: an unknown macro must be an error.
const packages = AllPackages.filter((name) => !["noundefined", "noerrors"].includes(name));
const tex = new TeX({packages, formatError: (jax, error) => { throw error; }});
const svg = new SVG({fontCache: "global"});
const result = {css: "", pages: [], errors: []};

for (const page of input.pages) {
  const doc = mathjax.document("", {InputJax: tex, OutputJax: svg});
  const svgs = page.items.map(({tex: source, display}) => {
    try {
      return adaptor.outerHTML(doc.convert(source, {display}));
    } catch (error) {
      result.errors.push({key: page.key, tex: source, message: String(error.message || error)});
      return "";
    }
  });
  const cache = page.items.length ? adaptor.outerHTML(svg.pageElements(doc)) : "";
  result.pages.push({key: page.key, svgs, cache});
  if (!result.css) result.css = adaptor.textContent(svg.styleSheet(doc));
  svg.fontCache.clearCache();
}
process.stdout.write(JSON.stringify(result));
