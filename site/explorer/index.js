// The explorers' one implementation, an ES module that follows anywidget's contract: render({model, el}).
// In Jupyter, anywidget loads it (gdcourse.widgets) and the model is the Python widget's; on the
// published page, mountAll() finds the notebook outputs' placeholders (data-gdcourse-mount, written by
// gdcourse.widgets) and gives each a StaticModel with the same settings — no kernel, no network.
//
// GDCOURSE is the generated part (gdcourse/explorer/kernels.py): it is prepended to this bundle.
/* global GDCOURSE */

import css from "./style.css";
import { Explorer } from "./explorer.js";
import { MomentumPlane } from "./plane.js";
import { StaticModel } from "./model.js";

const VIEWS = { explorer: Explorer, "momentum-plane": MomentumPlane };

function addStyle(documentNode) {
  if (documentNode.getElementById("gdcourse-explorer-style")) return;
  const style = documentNode.createElement("style");
  style.id = "gdcourse-explorer-style";
  style.textContent = css;
  documentNode.head.appendChild(style);
}

function render({ model, el }) {
  addStyle(el.ownerDocument);
  const spec = model.get("spec");
  const View = VIEWS[spec.kind];
  if (!View) throw new Error(`unknown gdcourse figure kind ${spec.kind}`);
  // Jupyter: the widget's language setting; the page: its <html lang>.
  const language = model.get("language") || el.ownerDocument.documentElement.lang || "en";
  const view = new View(GDCOURSE, el, model, language);
  return () => view.destroy();
}

export function mountAll(root = document) {
  for (const el of root.querySelectorAll("[data-gdcourse-mount]")) {
    if (el.dataset.gdcourseMounted) continue;
    const { spec, settings } = JSON.parse(el.dataset.gdcourseMount);
    el.textContent = ""; // the fallback text for readers without JavaScript
    render({ model: new StaticModel({ spec, settings, language: null }), el });
    el.dataset.gdcourseMounted = "true";
  }
}

// anywidget reads the default export; the page's loader calls mountAll.
export default { render };
