// The map's drawing: boundaries from npm's us-atlas (states, with Alaska and Hawaii as insets)
// and world-atlas (countries), both Natural Earth / US Census data bundled at build time and
// loaded only when the map first opens; projections from d3-geo; SVG paths, no tiles, no
// network. Places are grouped on screen where their markers would overlap.
import { geoAlbersUsa, geoEqualEarth, geoPath, type GeoProjection } from "d3-geo";
import { feature, mesh } from "topojson-client";
import type { Topology, GeometryCollection } from "topojson-specification";

export type Scope = "us" | "world";

/** The drawing size (the SVG's viewBox); the window scales it. */
export const WIDTH = 960;
export const HEIGHT = 500;

export interface Basemap {
  projection: GeoProjection;
  /** The land: states or countries. */
  land: string;
  /** Borders between them. */
  borders: string;
  /** The outline (the nation, or the globe's edge). */
  outline: string;
}

const cache = new Map<Scope, Promise<Basemap>>();

/** The base map of `scope`, fitted to the drawing. */
export function basemap(scope: Scope): Promise<Basemap> {
  let found = cache.get(scope);
  if (!found) {
    found = scope === "us" ? usMap() : worldMap();
    cache.set(scope, found);
  }
  return found;
}

async function usMap(): Promise<Basemap> {
  const us = (await import("us-atlas/states-10m.json")).default as unknown as Topology;
  const states = us.objects.states as GeometryCollection;
  const nation = feature(us, us.objects.nation as GeometryCollection);
  const projection = geoAlbersUsa().fitExtent(
    [
      [12, 12],
      [WIDTH - 12, HEIGHT - 12],
    ],
    nation,
  );
  const path = geoPath(projection);
  return {
    projection,
    land: path(feature(us, states)) ?? "",
    borders: path(mesh(us, states, (a, b) => a !== b)) ?? "",
    outline: path(nation) ?? "",
  };
}

async function worldMap(): Promise<Basemap> {
  const world = (await import("world-atlas/countries-110m.json")).default as unknown as Topology;
  const countries = world.objects.countries as GeometryCollection;
  const projection = geoEqualEarth().fitExtent(
    [
      [8, 8],
      [WIDTH - 8, HEIGHT - 8],
    ],
    { type: "Sphere" },
  );
  const path = geoPath(projection);
  return {
    projection,
    land: path(feature(world, countries)) ?? "",
    borders: path(mesh(world, countries, (a, b) => a !== b)) ?? "",
    outline: path({ type: "Sphere" }) ?? "",
  };
}

/** Whether every point lies on the US map (Alaska and Hawaii included). */
export function allInUs(points: { lat: number; lon: number }[]): boolean {
  const albers = geoAlbersUsa();
  return points.every((p) => albers([p.lon, p.lat]) !== null);
}

/** A pan and zoom: screen = drawing × k + (x, y). */
export interface View {
  k: number;
  x: number;
  y: number;
}

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 24;

/** Zooms by `factor` around the drawing point (cx, cy), keeping it where it is. */
export function zoomAt(view: View, factor: number, cx: number, cy: number): View {
  const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.k * factor));
  const f = k / view.k;
  return clampView({ k, x: cx - (cx - view.x) * f, y: cy - (cy - view.y) * f });
}

/** Keeps the map from being panned off the drawing. */
export function clampView(view: View): View {
  const minX = WIDTH - WIDTH * view.k;
  const minY = HEIGHT - HEIGHT * view.k;
  return { k: view.k, x: Math.min(0, Math.max(minX, view.x)), y: Math.min(0, Math.max(minY, view.y)) };
}

export interface Marker<T> {
  x: number;
  y: number;
  items: number;
  members: T[];
}

/** Groups points closer than `radius` on screen, the biggest first: a dense city is one
 * marker with the sum of its places' counts until the map is zoomed in far enough. */
export function cluster<T extends { items: number }>(points: { x: number; y: number; of: T }[], radius: number): Marker<T>[] {
  const sorted = [...points].sort((a, b) => b.of.items - a.of.items);
  const markers: Marker<T>[] = [];
  for (const p of sorted) {
    const near = markers.find((m) => (m.x - p.x) ** 2 + (m.y - p.y) ** 2 < radius * radius);
    if (near) {
      near.members.push(p.of);
      near.items += p.of.items;
    } else {
      markers.push({ x: p.x, y: p.y, items: p.of.items, members: [p.of] });
    }
  }
  return markers;
}
