// Rendering once per animation frame. State changes (app.touch) only mark what is dirty; the
// frame renders each dirty view once. A view may say it has more to do (the message list renders
// a flood in slices of a few milliseconds): it is called again next frame. So the page's main
// thread is never held for long, and the push client's reads, acknowledgements and heartbeats
// (plain tasks between frames) are never queued behind rendering. See docs/architecture.md.

export class RenderLoop {
  /** @param {Object<string, () => boolean|void>} views by part name, in render order */
  constructor(views) {
    this.views = views;
    this.dirty = new Set();
    this.frame = 0;
  }

  /** Marks a part dirty; it is rendered in the next frame. */
  touch(part) {
    this.dirty.add(part);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.run());
  }

  run() {
    this.frame = 0;
    const parts = this.dirty;
    this.dirty = new Set();
    for (const [name, render] of Object.entries(this.views)) {
      if (!parts.has(name)) continue;
      try {
        if (render()) this.touch(name);
      } catch (e) {
        console.error('halley: rendering', name, e);
      }
    }
  }
}
