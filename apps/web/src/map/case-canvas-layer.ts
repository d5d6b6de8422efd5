import L from 'leaflet';
import { MARKER_COLORS, type MarkerClass } from '../lib/reference';
import {
  CLUSTER_RING,
  DOT_RADIUS,
  DOT_HIT_SLOP,
  clusterRadius,
  countInkOf,
  hitTest,
  type DrawnGeometry,
  type Hit,
} from './case-canvas-geometry';

/** A cluster as drawn: position, how many cases, the worst light inside, the zoom that splits it. */
export interface CanvasCluster {
  lat: number;
  lng: number;
  count: number;
  worst: MarkerClass;
  expansionZoom: number;
}
/** A single case as drawn. */
export interface CanvasDot {
  caseNumber: string;
  lat: number;
  lng: number;
  cls: MarkerClass;
}

/** Leaflet's canvas renderer, with the internals this layer draws through. */
interface CanvasRenderer extends L.Canvas {
  _ctx: CanvasRenderingContext2D;
  _drawing: boolean;
  _bounds: L.Bounds;
  _extendRedrawBounds(layer: L.Path): void;
  _requestRedraw(layer: L.Path): void;
}

const EMPTY = new Float64Array(0);
const FONT = '700 12px system-ui, "Noto Sans CJK SC", sans-serif';

/**
 * Every cluster bubble and single case of the command map as ONE path on the map's canvas renderer
 * (the canvas the grid cells are drawn on), instead of a Leaflet marker with a DOM icon per cluster
 * and a circle marker per case: a new view costs one redraw, no DOM nodes, no layers to add or
 * remove. Leaflet's canvas renderer does the rest: moves and scales the canvas while panning and
 * zooming, and routes pointer events here through `_containsPoint` (the topmost drawn item wins).
 * A click fires `click` on this layer; `hitAt` says what was under it.
 */
export class CaseCanvasLayer extends L.Path {
  private clusters: CanvasCluster[] = [];
  private dots: CanvasDot[] = [];
  private dotIndex = new Map<string, number>();
  private geometry: DrawnGeometry = {
    clusterX: EMPTY,
    clusterY: EMPTY,
    clusterR: EMPTY,
    dotX: EMPTY,
    dotY: EMPTY,
  };
  declare _map: L.Map;
  declare _renderer: CanvasRenderer;
  declare _pxBounds: L.Bounds | undefined;

  constructor() {
    super();
    L.Util.setOptions(this, { interactive: true, bubblingMouseEvents: false, weight: 0 });
  }

  /** Replace what is drawn (the clusters and single cases of the current view). */
  setItems(clusters: CanvasCluster[], dots: CanvasDot[]): void {
    this.clusters = clusters;
    this.dots = dots;
    this.dotIndex = new Map(dots.map((d, i) => [d.caseNumber, i]));
    if (!this._map) return;
    // the old area and the new one are redrawn
    this._renderer._extendRedrawBounds(this);
    this._project();
    this._renderer._requestRedraw(this);
  }

  /** Recolour (or, with null, take away) a single case drawn on its own, if it is: a live patch between two views. */
  recolorDot(caseNumber: string, cls: MarkerClass | null): void {
    const i = this.dotIndex.get(caseNumber);
    if (i === undefined) return;
    if (cls === null) {
      this.setItems(
        this.clusters,
        this.dots.filter((d) => d.caseNumber !== caseNumber),
      );
      return;
    }
    if (this.dots[i]!.cls === cls) return;
    this.dots[i] = { ...this.dots[i]!, cls };
    if (this._map) this._renderer._requestRedraw(this);
  }

  /** What is drawn now, for the debug handle: clusters and single cases. */
  drawn(): { clusters: readonly CanvasCluster[]; dots: readonly CanvasDot[] } {
    return { clusters: this.clusters, dots: this.dots };
  }

  /** The item under a layer point, topmost first. */
  hitAt(p: L.Point): { cluster: CanvasCluster } | { dot: CanvasDot } | null {
    const hit: Hit = hitTest(this.geometry, p.x, p.y);
    if (!hit) return null;
    return hit.kind === 'cluster' ? { cluster: this.clusters[hit.index]! } : { dot: this.dots[hit.index]! };
  }

  // --- L.Path's renderer protocol ---

  _project(): void {
    const map = this._map;
    const n = this.clusters.length;
    const m = this.dots.length;
    const g: DrawnGeometry = {
      clusterX: new Float64Array(n),
      clusterY: new Float64Array(n),
      clusterR: new Float64Array(n),
      dotX: new Float64Array(m),
      dotY: new Float64Array(m),
    };
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    const extend = (x: number, y: number, r: number) => {
      if (x - r < minX) minX = x - r;
      if (y - r < minY) minY = y - r;
      if (x + r > maxX) maxX = x + r;
      if (y + r > maxY) maxY = y + r;
    };
    for (let i = 0; i < n; i++) {
      const c = this.clusters[i]!;
      const p = map.latLngToLayerPoint([c.lat, c.lng]);
      g.clusterX[i] = p.x;
      g.clusterY[i] = p.y;
      g.clusterR[i] = clusterRadius(c.count);
      extend(p.x, p.y, g.clusterR[i]! + 6);
    }
    for (let i = 0; i < m; i++) {
      const d = this.dots[i]!;
      const p = map.latLngToLayerPoint([d.lat, d.lng]);
      g.dotX[i] = p.x;
      g.dotY[i] = p.y;
      extend(p.x, p.y, DOT_RADIUS + DOT_HIT_SLOP);
    }
    this.geometry = g;
    this._pxBounds = n + m > 0 ? L.bounds([minX, minY], [maxX, maxY]) : undefined;
  }

  _update(): void {
    // nothing to recompute on a pan: layer points change only on zoom (`_project`)
  }

  _updatePath(): void {
    const r = this._renderer;
    if (!r._drawing) return;
    const ctx = r._ctx;
    const view = r._bounds;
    const inView = (x: number, y: number, rad: number) =>
      x + rad >= view.min!.x && x - rad <= view.max!.x && y + rad >= view.min!.y && y - rad <= view.max!.y;
    const g = this.geometry;

    // single cases: a dark-rimmed dot in the colour of their light, batched by colour
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#0b1320';
    ctx.globalAlpha = 1;
    const byClass = new Map<MarkerClass, number[]>();
    for (let i = 0; i < this.dots.length; i++) {
      if (!inView(g.dotX[i]!, g.dotY[i]!, DOT_RADIUS)) continue;
      const cls = this.dots[i]!.cls;
      let list = byClass.get(cls);
      if (!list) byClass.set(cls, (list = []));
      list.push(i);
    }
    for (const [cls, list] of byClass) {
      ctx.beginPath();
      for (const i of list) {
        ctx.moveTo(g.dotX[i]! + DOT_RADIUS, g.dotY[i]!);
        ctx.arc(g.dotX[i]!, g.dotY[i]!, DOT_RADIUS, 0, Math.PI * 2);
      }
      ctx.fillStyle = MARKER_COLORS[cls];
      ctx.globalAlpha = 0.95;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.stroke();
    }

    // clusters: a bubble in the colour of the worst light inside, a light ring, the count on top
    ctx.font = FONT;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let i = 0; i < this.clusters.length; i++) {
      const x = g.clusterX[i]!;
      const y = g.clusterY[i]!;
      const rad = g.clusterR[i]!;
      if (!inView(x, y, rad + 6)) continue;
      const c = this.clusters[i]!;
      if (c.worst === 'red') {
        // the red glow of the old icons' box-shadow, without a blur per bubble
        ctx.beginPath();
        ctx.arc(x, y, rad + 5, 0, Math.PI * 2);
        ctx.fillStyle = 'rgba(229, 72, 77, 0.28)';
        ctx.fill();
      }
      ctx.beginPath();
      ctx.arc(x, y, rad - CLUSTER_RING / 2, 0, Math.PI * 2);
      ctx.fillStyle = MARKER_COLORS[c.worst];
      ctx.fill();
      ctx.lineWidth = CLUSTER_RING;
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.55)';
      ctx.stroke();
      ctx.fillStyle = countInkOf(c.worst);
      ctx.fillText(String(c.count), x, y + 0.5);
    }
  }

  _containsPoint(p: L.Point): boolean {
    return hitTest(this.geometry, p.x, p.y) !== null;
  }

  _empty(): boolean {
    return this.clusters.length + this.dots.length === 0;
  }
}
