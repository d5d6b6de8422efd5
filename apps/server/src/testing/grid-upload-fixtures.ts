/** Grid uploads built from the shipped grid, for the grid-import tests. */
import { createGridIndex, loadShippedGrid, readGridUpload, type GridCell } from '@citygrid/domain';

export interface CellFeature {
  type: 'Feature';
  properties: { code: string; communityCode: string; subDistrictCode: string; name: string };
  geometry: { type: 'Polygon'; coordinates: number[][][] };
}

/** The shipped grid's cells as a bare GeoJSON FeatureCollection (what a surveyor hands over). */
export function shippedCellsCollection(): { type: 'FeatureCollection'; features: CellFeature[] } {
  return {
    type: 'FeatureCollection',
    features: loadShippedGrid().cells.map((c) => ({
      type: 'Feature',
      properties: {
        code: c.code,
        communityCode: c.communityCode,
        subDistrictCode: c.subDistrictCode,
        name: c.name,
      },
      geometry: { type: 'Polygon', coordinates: [c.ring.map((p) => [p[0], p[1]])] },
    })),
  };
}

/**
 * The shipped cells with the interior vertex shared by the four cells of one community moved 60 m
 * east: still a partition, four cells redrawn, and a probe point that changes cell.
 */
export function movedVertexUpload() {
  const grid = loadShippedGrid();
  const upload = shippedCellsCollection();
  const community = grid.communities[22]!;
  const own = upload.features.filter((f) => f.properties.communityCode === community.code);
  const key = (p: number[]) => `${p[0]},${p[1]}`;
  const counts = new Map<string, number>();
  for (const f of own)
    for (const p of new Set(f.geometry.coordinates[0]!.map(key))) counts.set(p, (counts.get(p) ?? 0) + 1);
  const shared = [...counts].find(([, n]) => n === 4)![0];
  const [vx, vy] = shared.split(',').map(Number) as [number, number];
  const moved = [Math.round((vx + 0.0008) * 1e6) / 1e6, vy];
  for (const f of own)
    f.geometry.coordinates[0] = f.geometry.coordinates[0]!.map((p) => (key(p) === shared ? moved : p));
  const cells: readonly GridCell[] = readGridUpload(upload, grid, 'probe', '2026-01-01').cells;
  const before = createGridIndex(grid.cells);
  const after = createGridIndex(cells);
  // a point near the vertex that the move hands to another cell
  for (let dx = 0.0001; dx < 0.0008; dx += 0.0001) {
    for (const dy of [0.0002, -0.0002]) {
      const probe = { lng: vx + dx, lat: vy + dy };
      const a = before.locate(probe);
      const b = after.locate(probe);
      if (a.kind === 'cell' && b.kind === 'cell' && a.cell.code !== b.cell.code) {
        return {
          upload,
          cells,
          probe,
          oldCell: a.cell.code as string,
          newCell: b.cell.code as string,
          changedCodes: own.map((f) => f.properties.code),
        };
      }
    }
  }
  throw new Error('no probe point changes cell');
}
