// The model an explorer reads and writes. In Jupyter it is anywidget's model (synchronised with the
// Python widget); on the published page there is no kernel, and this object stands in for it with
// the same four methods. Its values come from the notebook output's HTML (data-gdcourse-mount).

export class StaticModel {
  constructor(values) {
    this.values = { ...values };
    this.listeners = new Map();
  }

  get(key) {
    return this.values[key];
  }

  set(key, value) {
    this.values[key] = value;
    for (const callback of this.listeners.get(`change:${key}`) || []) callback();
  }

  on(event, callback) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(callback);
  }

  off(event, callback) {
    if (event === undefined) this.listeners.clear();
    else if (callback === undefined) this.listeners.delete(event);
    else this.listeners.get(event)?.delete(callback);
  }

  save_changes() {}
}

// Send the settings to the Python widget. A widget embedded in a page without a kernel (ipywidgets'
// HTML manager) has no channel to send them on; the explorer works on regardless.
export function saveSettings(model) {
  try {
    model.save_changes();
  } catch (error) {
    if (!String(error).includes("comm")) throw error;
  }
}
