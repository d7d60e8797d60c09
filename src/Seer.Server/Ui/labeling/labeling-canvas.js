// The annotation tool's drawing layer: one <canvas>, an image and boxes in image pixels, a view transform
// (screen = image * scale + offset), hit testing and handles.
//
// Why a hand-written canvas layer rather than konva (served from npm): the rest of the UI is plain ES modules with no
// build step, the editor needs only rectangles, handles and dashed offers, and drawing them ourselves lets a frame batch
// every box of a class into one path and skip what is off screen: 2,000 boxes on a 4000x3000 image stay well under a
// 16 ms frame (bench/LabelBench), where CVAT's SVG (one DOM node per shape) slows past 300-1,000 shapes. Konva would
// add a scene graph object per box and a second copy of the state; nothing here needs its events or animations.
import { colorOf } from "/charts.js";

const HANDLE = 5; // handle half-size in screen pixels

export class LabelCanvas {
  constructor(canvas) {
    this.canvas = canvas;
    this.g = canvas.getContext("2d");
    this.image = null;            // ImageBitmap or HTMLImageElement
    this.width = 0; this.height = 0;
    this.scale = 1; this.ox = 0; this.oy = 0;
    this.objects = []; this.predictions = [];
    this.selected = -1; this.focused = -1; // index into objects / predictions
    this.draft = null;            // [x1, y1, x2, y2] being drawn
    this.anchor = null;           // first click of a two-click box
    this.readOnly = false;
    this.pending = false;
    this.stats = { frames: [], draws: [] }; // frame intervals and draw durations (ms), read by tests and bench
    this.lastFrame = 0;
  }

  setImage(image, width, height) {
    this.image = image; this.width = width; this.height = height;
    this.fit();
  }

  resize() {
    const r = this.canvas.parentElement.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(200, Math.floor(r.width)), hgt = Math.max(200, Math.floor(window.innerHeight - r.top - 16));
    this.cssW = w; this.cssH = hgt;
    this.canvas.width = Math.round(w * dpr); this.canvas.height = Math.round(hgt * dpr);
    this.canvas.style.width = `${w}px`; this.canvas.style.height = `${hgt}px`;
    this.dpr = dpr;
    this.request();
  }

  /** Whole image in view, at most 1:1, centred on whole pixels (so a click at 1:1 lands on an integer image pixel). */
  fit() {
    if (!this.cssW) this.resize();
    if (!this.width) return;
    this.scale = Math.min(1, this.cssW / this.width, this.cssH / this.height);
    this.ox = Math.round((this.cssW - this.width * this.scale) / 2);
    this.oy = Math.round((this.cssH - this.height * this.scale) / 2);
    this.viewChanged();
  }

  viewChanged() {
    const d = this.canvas.dataset;
    d.scale = this.scale; d.ox = this.ox; d.oy = this.oy;
    this.request();
  }

  zoomAt(sx, sy, factor) {
    const s = Math.min(32, Math.max(0.02, this.scale * factor));
    const ix = (sx - this.ox) / this.scale, iy = (sy - this.oy) / this.scale;
    this.scale = s; this.ox = sx - ix * s; this.oy = sy - iy * s;
    this.viewChanged();
  }

  panBy(dx, dy) { this.ox += dx; this.oy += dy; this.viewChanged(); }

  toImage(sx, sy) { return [(sx - this.ox) / this.scale, (sy - this.oy) / this.scale]; }

  /** Image point of a mouse event, rounded to whole pixels (boxes snap to pixel corners) and clamped to the image. */
  pointOf(e) {
    const r = this.canvas.getBoundingClientRect();
    const [x, y] = this.toImage(e.clientX - r.left, e.clientY - r.top);
    return [Math.min(this.width, Math.max(0, Math.round(x))), Math.min(this.height, Math.max(0, Math.round(y)))];
  }

  screenOf(e) { const r = this.canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }

  /** Which handle of the selected box is under the screen point: 0..7 (corners then edges) or -1. */
  handleAt(sx, sy) {
    if (this.selected < 0 || this.readOnly) return -1;
    const pts = this.handles(this.objects[this.selected].box);
    for (let k = 0; k < pts.length; k++) if (Math.abs(pts[k][0] - sx) <= HANDLE + 2 && Math.abs(pts[k][1] - sy) <= HANDLE + 2) return k;
    return -1;
  }

  handles(box) {
    const [x1, y1, x2, y2] = this.screenBox(box); const mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
    return [[x1, y1], [x2, y1], [x2, y2], [x1, y2], [mx, y1], [x2, my], [mx, y2], [x1, my]];
  }

  screenBox(b) { const s = this.scale; return [b[0] * s + this.ox, b[1] * s + this.oy, b[2] * s + this.ox, b[3] * s + this.oy]; }

  /** Topmost (smallest) box containing the image point, or -1. */
  static hit(list, x, y) {
    let best = -1, area = Infinity;
    for (let i = 0; i < list.length; i++) {
      const b = list[i].box;
      if (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]) { const a = (b[2] - b[0]) * (b[3] - b[1]); if (a < area) { area = a; best = i; } }
    }
    return best;
  }

  request() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame((t) => {
      this.pending = false;
      if (this.lastFrame) this.stats.frames.push(t - this.lastFrame);
      this.lastFrame = t;
      const start = performance.now();
      this.draw();
      this.stats.draws.push(performance.now() - start);
      if (this.stats.frames.length > 5000) { this.stats.frames.splice(0, 2500); this.stats.draws.splice(0, 2500); }
    });
  }

  draw() {
    const g = this.g, dpr = this.dpr || 1;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = "#20252d"; g.fillRect(0, 0, this.canvas.width, this.canvas.height);
    if (!this.image) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.imageSmoothingEnabled = this.scale < 1;
    g.drawImage(this.image, this.ox, this.oy, this.width * this.scale, this.height * this.scale);
    const vw = this.cssW, vh = this.cssH;
    const visible = (b) => !(b[2] < -2 || b[0] > vw + 2 || b[3] < -2 || b[1] > vh + 2);
    // boxes: one path per class
    const byClass = new Map();
    this.objects.forEach((o, i) => { const sb = this.screenBox(o.box); if (!visible(sb)) return; (byClass.get(o.label) ?? byClass.set(o.label, []).get(o.label)).push([sb, i]); });
    g.lineWidth = 2; g.setLineDash([]);
    let shown = 0;
    for (const [label, list] of byClass) {
      g.strokeStyle = colorOf(label); g.beginPath();
      for (const [b] of list) g.rect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
      g.stroke(); shown += list.length;
    }
    // predictions: dashed, with the score
    if (this.predictions.length) {
      g.setLineDash([6, 4]); g.lineWidth = 1.5;
      const pc = new Map();
      this.predictions.forEach((p, i) => { const sb = this.screenBox(p.box); if (!visible(sb)) return; (pc.get(p.label) ?? pc.set(p.label, []).get(p.label)).push([sb, i]); });
      for (const [label, list] of pc) {
        g.strokeStyle = colorOf(label); g.beginPath();
        for (const [b] of list) g.rect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
        g.stroke();
      }
      g.setLineDash([]);
      if (this.predictions.length <= 300) {
        g.font = "12px sans-serif";
        this.predictions.forEach((p) => { const b = this.screenBox(p.box); if (!visible(b)) return; g.fillStyle = colorOf(p.label); g.fillText(`${p.label} ${p.score.toFixed(2)}`, b[0] + 2, b[3] - 3); });
      }
      if (this.focused >= 0 && this.predictions[this.focused]) {
        const b = this.screenBox(this.predictions[this.focused].box);
        g.lineWidth = 3; g.setLineDash([6, 4]); g.strokeStyle = "#fff"; g.strokeRect(b[0] - 2, b[1] - 2, b[2] - b[0] + 4, b[3] - b[1] + 4); g.setLineDash([]);
      }
    }
    // labels when few enough to read
    if (shown <= 300) {
      g.font = "12px sans-serif";
      for (const [label, list] of byClass) { g.fillStyle = colorOf(label); for (const [b] of list) g.fillText(label, b[0] + 2, Math.max(12, b[1] - 3)); }
    }
    if (this.selected >= 0 && this.objects[this.selected]) {
      const o = this.objects[this.selected]; const b = this.screenBox(o.box);
      g.lineWidth = 3; g.strokeStyle = "#fff"; g.strokeRect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
      g.lineWidth = 2; g.strokeStyle = colorOf(o.label); g.strokeRect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
      if (!this.readOnly) { g.fillStyle = "#fff"; for (const [hx, hy] of this.handles(o.box)) g.fillRect(hx - HANDLE, hy - HANDLE, 2 * HANDLE, 2 * HANDLE); }
    }
    if (this.draft) {
      const b = this.screenBox(this.draft); g.setLineDash([3, 3]); g.lineWidth = 1.5; g.strokeStyle = "#fff";
      g.strokeRect(b[0], b[1], b[2] - b[0], b[3] - b[1]); g.setLineDash([]);
    }
    if (this.anchor) {
      const [x, y] = [this.anchor[0] * this.scale + this.ox, this.anchor[1] * this.scale + this.oy];
      g.strokeStyle = "#fff"; g.beginPath(); g.moveTo(x - 8, y); g.lineTo(x + 8, y); g.moveTo(x, y - 8); g.lineTo(x, y + 8); g.stroke();
    }
  }
}

/** Normalises two corners into [x1, y1, x2, y2]. */
export const boxOf = (a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])];

/** Moves corner/edge `handle` (0..7 as LabelCanvas.handles) of a box to an image point. */
export function resizeBox(box, handle, [x, y]) {
  let [x1, y1, x2, y2] = box;
  if (handle === 0) { x1 = x; y1 = y; } else if (handle === 1) { x2 = x; y1 = y; } else if (handle === 2) { x2 = x; y2 = y; }
  else if (handle === 3) { x1 = x; y2 = y; } else if (handle === 4) y1 = y; else if (handle === 5) x2 = x; else if (handle === 6) y2 = y; else x1 = x;
  return boxOf([x1, y1], [x2, y2]);
}
