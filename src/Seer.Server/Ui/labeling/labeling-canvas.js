// The annotation tool's drawing layer: one <canvas>, an image and boxes in image pixels, a view transform
// (screen = image * scale + offset), hit testing and handles.
//
// Why a hand-written canvas layer rather than konva (served from npm): the rest of the UI is plain ES modules with no
// build step, the editor needs only rectangles, handles and dashed offers, and drawing them ourselves lets a frame batch
// every box of a class into one path and skip what is off screen, where CVAT's SVG (one DOM node per shape) slows past
// 300-1,000 shapes. Konva would add a scene graph object per box and a second copy of the state; nothing here needs its
// events or animations.
//
// Panning: a pan changes only the offset, so the first pan frame paints the scene (image, boxes, offers, selection)
// once into an offscreen canvas covering the image's extent around the view (up to half a view beyond each side), and
// every further pan frame is one unscaled copy of it (bench/LabelBench: 2,000 boxes on 4000x3000). Any other change
// (an edit, a zoom, a resize) drops that copy; 120 ms after the last pan move the view is drawn in full again.
import { colorOf } from "/charts.js";

const HANDLE = 5; // handle half-size in screen pixels
const LABEL_PAD = 16; // screen pixels around the image that box labels may reach
const REST_MS = 120; // after the last pan move, the view is drawn in full

export class LabelCanvas {
  constructor(canvas) {
    this.canvas = canvas;
    this.g = canvas.getContext("2d", { alpha: false });
    this.image = null;            // ImageBitmap or HTMLImageElement
    this.width = 0; this.height = 0;
    this.scale = 1; this.ox = 0; this.oy = 0;
    this.objects = []; this.predictions = [];
    this.selected = -1; this.focused = -1; // index into objects / predictions
    this.draft = null;            // [x1, y1, x2, y2] being drawn
    this.anchor = null;           // first click of a two-click box
    this.readOnly = false;
    this.pending = false;
    this.stats = { frames: [], draws: [], blits: 0, full: 0 }; // frame intervals, draw durations (ms), frames by kind: read by tests and bench
    this.lastFrame = 0;
    this.scene = null;            // { canvas, scale, x0, y0, x1, y1, ox, oy }: the last scene painted for panning
    this.wantFull = false; this.restTimer = 0;
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

  viewChanged(kind) {
    const d = this.canvas.dataset;
    d.scale = this.scale; d.ox = this.ox; d.oy = this.oy;
    this.request(kind);
  }

  zoomAt(sx, sy, factor) {
    const s = Math.min(32, Math.max(0.02, this.scale * factor));
    const ix = (sx - this.ox) / this.scale, iy = (sy - this.oy) / this.scale;
    this.scale = s; this.ox = sx - ix * s; this.oy = sy - iy * s;
    this.viewChanged();
  }

  /** Moves the view; drawn from the cached scene until the pan rests (REST_MS), then in full. */
  panBy(dx, dy) {
    this.ox += dx; this.oy += dy; this.viewChanged("pan");
    clearTimeout(this.restTimer);
    this.restTimer = setTimeout(() => this.request("rest"), REST_MS);
  }

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

  /**
   * Schedules a frame. kind "pan": only the offset changed (the cached scene may be copied); "rest": draw in full but
   * keep the cached scene; anything else (the default): the content, the zoom or the size changed, the cache is dropped.
   */
  request(kind) {
    if (kind !== "pan") this.wantFull = true;
    if (kind !== "pan" && kind !== "rest") this.scene = null;
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame((t) => {
      this.pending = false;
      if (this.lastFrame) this.stats.frames.push(t - this.lastFrame);
      this.lastFrame = t;
      const start = performance.now();
      const full = this.wantFull; this.wantFull = false;
      if (full || !this.blit()) { this.draw(); this.stats.full++; } else this.stats.blits++;
      this.stats.draws.push(performance.now() - start);
      if (this.stats.frames.length > 5000) { this.stats.frames.splice(0, 2500); this.stats.draws.splice(0, 2500); }
    });
  }

  /** The screen rectangle the image (with its box labels) covers now. */
  extent() {
    return [this.ox - LABEL_PAD, this.oy - LABEL_PAD, this.ox + this.width * this.scale + LABEL_PAD, this.oy + this.height * this.scale + LABEL_PAD];
  }

  /** A pan frame: copies the cached scene at the new offset (painting it first if needed); false when a full draw is due. */
  blit() {
    if (!this.image || !this.cssW) return false;
    const vw = this.cssW, vh = this.cssH, dpr = this.dpr || 1;
    let sc = this.scene;
    const [ex0, ey0, ex1, ey1] = this.extent();
    // the part of the image's extent in view must lie inside the cached rectangle, moved by the pan since it was painted
    const covers = (c) => {
      const dx = this.ox - c.ox, dy = this.oy - c.oy;
      return c.scale === this.scale && c.dpr === dpr && Math.max(0, ex0) >= c.x0 + dx && Math.max(0, ey0) >= c.y0 + dy
        && Math.min(vw, ex1) <= c.x1 + dx && Math.min(vh, ey1) <= c.y1 + dy;
    };
    if (!sc || !covers(sc)) {
      const m = Math.ceil(Math.max(vw, vh) / 2);
      const x0 = Math.floor(Math.max(ex0, -m)), y0 = Math.floor(Math.max(ey0, -m));
      const x1 = Math.ceil(Math.min(ex1, vw + m)), y1 = Math.ceil(Math.min(ey1, vh + m));
      if (x1 <= x0 || y1 <= y0 || (x1 - x0) * dpr > 8192 || (y1 - y0) * dpr > 8192) return false;
      const canvas = sc?.canvas ?? (typeof OffscreenCanvas === "function" ? new OffscreenCanvas(1, 1) : document.createElement("canvas"));
      canvas.width = Math.round((x1 - x0) * dpr); canvas.height = Math.round((y1 - y0) * dpr);
      const g = canvas.getContext("2d", { alpha: false });
      g.setTransform(dpr, 0, 0, dpr, -x0 * dpr, -y0 * dpr);
      this.paint(g, x0, y0, x1, y1);
      sc = this.scene = { canvas, scale: this.scale, dpr, x0, y0, x1, y1, ox: this.ox, oy: this.oy };
      if (!covers(sc)) return false;
    }
    const g = this.g;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = "#20252d"; g.fillRect(0, 0, this.canvas.width, this.canvas.height);
    g.drawImage(sc.canvas, Math.round((sc.x0 + this.ox - sc.ox) * dpr), Math.round((sc.y0 + this.oy - sc.oy) * dpr));
    return true;
  }

  /** Draws the whole view in full. */
  draw() {
    const g = this.g, dpr = this.dpr || 1;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = "#20252d"; g.fillRect(0, 0, this.canvas.width, this.canvas.height);
    if (!this.image) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.paint(g, 0, 0, this.cssW, this.cssH);
  }

  /** Paints the scene within the screen rectangle (x0, y0)-(x1, y1) into g (whose transform maps screen pixels). */
  paint(g, x0, y0, x1, y1) {
    g.fillStyle = "#20252d"; g.fillRect(x0, y0, x1 - x0, y1 - y0);
    g.imageSmoothingEnabled = this.scale < 1;
    g.drawImage(this.image, this.ox, this.oy, this.width * this.scale, this.height * this.scale);
    const visible = (b) => !(b[2] < x0 - 2 || b[0] > x1 + 2 || b[3] < y0 - 2 || b[1] > y1 + 2);
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
