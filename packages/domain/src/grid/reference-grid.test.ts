import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { checkPartition } from './check-partition.ts';
import { createGridIndex } from './grid-index.ts';
import { loadReferenceGrid } from './load-reference-grid.ts';
import { readReferenceJson, readShippedGrid } from './test-support.ts';

describe('the shipped reference grid', () => {
  const grid = readShippedGrid();

  it('is marked as generated and replaceable', () => {
    expect(grid.generated).toBe(true);
    expect(grid.note).toMatch(/not surveyed/);
    expect(grid.county).toEqual({ code: '152502', name: '锡林浩特市' });
  });

  it('has 6 sub-districts, 45 communities and 180 cells with well-formed codes', () => {
    expect(grid.subDistricts).toHaveLength(6);
    expect(grid.communities).toHaveLength(45);
    expect(grid.cells).toHaveLength(180);
    for (const s of grid.subDistricts) expect(s.code).toMatch(/^152502\d{3}$/);
    for (const c of grid.communities) {
      expect(c.code).toMatch(/^152502\d{6}$/);
      expect(c.code.startsWith(c.subDistrictCode)).toBe(true);
    }
    for (const c of grid.cells) {
      expect(c.code).toMatch(/^\d{14}$/);
      expect(c.code.startsWith(c.communityCode)).toBe(true);
      expect(c.name).toMatch(/社区第0[1-4]网格$/);
    }
    for (const community of grid.communities) {
      expect(
        grid.cells.filter((c) => c.communityCode === community.code).map((c) => c.code.slice(-2)),
      ).toEqual(['01', '02', '03', '04']);
    }
  });

  it('passes the partition check: no gaps, no overlaps, cells inside their communities, codes in order', () => {
    const report = checkPartition(grid.cells, grid.extent, grid.communities);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.cellCount).toBe(180);
    expect(report.extentAreaM2).toBeGreaterThan(60e6);
    expect(Math.abs(report.totalAreaM2 - report.extentAreaM2)).toBeLessThan(report.toleranceM2);
  });

  it('places 杭盖街道 with its real communities, and the government seat in 希日塔拉街道', () => {
    const hanggai = grid.subDistricts.find((s) => s.name === '杭盖街道');
    expect(hanggai).toBeDefined();
    const names = grid.communities.filter((c) => c.subDistrictCode === hanggai?.code).map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '呼格吉勒社区',
        '查干淖尔社区',
        '青格勒社区',
        '东风社区',
        '巴达日呼社区',
        '德尔斯图社区',
        '东胜社区',
        '长安社区',
      ]),
    );
    expect(grid.subDistricts[0]?.name).toBe('希日塔拉街道');
  });

  it('locates the city centre in a cell', () => {
    expect(createGridIndex(grid.cells).locate({ lat: 43.934, lng: 116.086 }).kind).toBe('cell');
  });
});

describe('the shipped gazetteer', () => {
  const gazetteer = readReferenceJson('gazetteer.json') as {
    note: string;
    entries: Array<{ kind: string; name: string; nameEn: string; lat: number; lng: number }>;
  };
  const index = createGridIndex(readShippedGrid().cells);

  it('lists the 45 communities, the main streets and about 15 landmarks, all inside the grid', () => {
    expect(gazetteer.note).toMatch(/Approximate/);
    expect(gazetteer.entries.filter((e) => e.kind === 'community')).toHaveLength(45);
    const streets = gazetteer.entries.filter((e) => e.kind === 'street').map((e) => e.name);
    expect(streets).toEqual(expect.arrayContaining(['锡林大街', '贝子庙街', '团结大街', '杭盖路']));
    expect(gazetteer.entries.filter((e) => e.kind === 'landmark').length).toBeGreaterThanOrEqual(15);
    for (const e of gazetteer.entries) expect(index.locate(e).kind, e.name).toBe('cell');
  });
});

describe('loadReferenceGrid', () => {
  it('names the offending field of a malformed document', () => {
    const doc = readReferenceJson('grid.json') as { cells: { features: Array<{ geometry: unknown }> } };
    doc.cells.features[3]!.geometry = { type: 'MultiPolygon', coordinates: [] };
    try {
      loadReferenceGrid(doc);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('BAD_INPUT');
      expect((e as DomainError).details.field).toBe('cells.features[3].geometry.type');
    }
  });

  it('closes an unclosed ring', () => {
    const doc = readReferenceJson('grid.json') as {
      cells: { features: Array<{ geometry: { coordinates: number[][][] } }> };
    };
    const ring = doc.cells.features[0]!.geometry.coordinates[0]!;
    ring.pop();
    const cell = loadReferenceGrid(doc).cells[0]!;
    expect(cell.ring).toHaveLength(ring.length + 1);
    expect(cell.ring[0]).toEqual(cell.ring[cell.ring.length - 1]);
  });
});
