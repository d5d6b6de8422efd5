import { describe, expect, it } from 'vitest';
import { loadShippedGrid } from '../reference/gazetteer.ts';
import { checkPartition } from './check-partition.ts';
import { diffGridCells, readGridUpload } from './grid-upload.ts';
import { classifyPartitionProblem } from './partition-problems.ts';

const shipped = loadShippedGrid();
const collection = () => ({
  type: 'FeatureCollection',
  features: shipped.cells.map((c) => ({
    type: 'Feature',
    properties: { code: c.code },
    geometry: { type: 'Polygon', coordinates: [c.ring.map((p) => [p[0], p[1]])] },
  })),
});

describe('a grid upload', () => {
  it('reads a bare FeatureCollection of cells, taking community and sub-district from the code', () => {
    const g = readGridUpload(collection(), shipped, '2026.1', '2026-06-01');
    expect(g.version).toBe('2026.1');
    expect(g.communities).toBe(shipped.communities);
    expect(g.cells[0]).toMatchObject({
      code: shipped.cells[0]!.code,
      communityCode: shipped.cells[0]!.communityCode,
      subDistrictCode: shipped.cells[0]!.subDistrictCode,
      validFrom: '2026-06-01',
    });
    expect(diffGridCells(shipped.cells, g.cells)).toMatchObject({
      added: [],
      removed: [],
      changed: [],
      unchanged: shipped.cells.length,
    });
  });

  it('names the field of a feature that is not a polygon or has no code', () => {
    const bad = collection();
    (bad.features[2]!.geometry as { type: string }).type = 'Point';
    expect(() => readGridUpload(bad, shipped, 'v', '2026-01-01')).toThrow(
      expect.objectContaining({ details: { field: 'document.features[2].geometry.type' } }),
    );
    const noCode = collection();
    (noCode.features[1]!.properties as { code?: string }).code = undefined;
    expect(() => readGridUpload(noCode, shipped, 'v', '2026-01-01')).toThrow(
      expect.objectContaining({ details: { field: 'document.features[1].properties.code' } }),
    );
  });

  it('diffs by code: a removed cell, an added one and a redrawn one', () => {
    const [a, b, c] = shipped.cells;
    const moved = { ...c!, ring: c!.ring.map((p) => [p[0] + 0.0001, p[1]] as const) };
    const added = { ...a!, code: '15250200100199' };
    const d = diffGridCells([a!, b!, c!], [b!, moved, added] as never);
    expect(d.removed.map((x) => x.code)).toEqual([a!.code]);
    expect(d.added.map((x) => x.code)).toEqual(['15250200100199']);
    expect(d.changed.map((x) => x.after.code)).toEqual([c!.code]);
    expect(d.unchanged).toBe(1);
  });
});

describe('partition problems by kind', () => {
  it('reads the checker’s sentences back into kind, cells, area and place', () => {
    const bad = collection();
    bad.features[0]!.geometry = structuredClone(bad.features[1]!.geometry);
    const g = readGridUpload(bad, shipped, 'v', '2026-01-01');
    const problems = checkPartition(g.cells, null, g.communities).problems.map(classifyPartitionProblem);
    const overlap = problems.find((p) => p.kind === 'overlap')!;
    expect(overlap.cells).toEqual([shipped.cells[1]!.code, shipped.cells[0]!.code].sort().reverse());
    expect(overlap.areaM2).toBeGreaterThan(1000);
    const gap = problems.find((p) => p.kind === 'gap')!;
    expect(gap.at![0]).toBeGreaterThan(116);
    expect(gap.at![1]).toBeGreaterThan(43.9);
    expect(classifyPartitionProblem('cell 1525020010010: code must be 14 digits').kind).toBe('code');
    expect(
      classifyPartitionProblem(
        'community 152502001001: cells are not numbered west→east, north→south; in reading order they are x',
      ).kind,
    ).toBe('sequence');
  });
});
