import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGridIndex, loadShippedGrid, type GridCell } from '@citygrid/domain';
import {
  loginMany,
  errorOf,
  TestClock,
  startTestServer,
  type Session,
  type TestServer,
} from './testing/index.ts';
import { movedVertexUpload, shippedCellsCollection } from './testing/index.ts';

// Tuesday 2026-11-24 09:00 Beijing time: a working day
const clock = new TestClock(Date.parse('2026-11-24T01:00:00Z'));
let server: TestServer;
let operator: Session;
let lead: Session;
let admin: Session;

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  [operator, lead, admin] = await loginMany(server, ['operator', 'lead', 'admin'] as const);
});
afterAll(async () => server?.stop());

const locate = (cells: readonly GridCell[], p: { lat: number; lng: number }) => {
  const r = createGridIndex(cells).locate(p);
  return r.kind === 'cell' ? r.cell.code : null;
};

describe('grid import (网格导入) as a new grid version', () => {
  it('previews a redrawn community: the partition report is clean and names the four changed cells', async () => {
    const { upload, changedCodes } = movedVertexUpload();
    const preview = await admin.client.gridImport.preview.mutate({
      document: upload,
      version: '2026.2-preview',
    });
    expect(preview.ok).toBe(true);
    expect(preview.problems).toEqual([]);
    expect(preview.counts).toMatchObject({
      cells: loadShippedGrid().cells.length,
      added: 0,
      removed: 0,
      changed: 4,
      gap: 0,
      overlap: 0,
      code: 0,
    });
    expect(preview.changed.map((c) => c.code).sort()).toEqual([...changedCodes].sort());
    // a preview stores nothing
    expect((await admin.client.reference.bootstrap.query()).gridVersion.version).toBe(
      loadShippedGrid().version,
    );
  });

  it('applies it as a new version: an old case keeps its cell, a new case at the same point is located in the new version, and it is audited', async () => {
    const { upload, probe, oldCell, newCell, cells: newCells } = movedVertexUpload();
    expect(locate(loadShippedGrid().cells, probe)).toBe(oldCell);
    expect(locate(newCells, probe)).toBe(newCell);
    const file = () =>
      operator.client.intake.create.mutate({
        nature: 'complaint',
        minorClassCode: 'C0302',
        description: '垃圾箱满溢',
        urgency: 'normal',
        location: probe,
      });
    const old = await file();
    const before = await lead.client.cases.get.query({ caseNumber: old.caseNumber });
    expect(before.record.cellCode).toBe(oldCell);

    const res = await admin.client.gridImport.commit.mutate({ document: upload, version: '2026.2-surveyed' });
    expect(res.preview.counts.changed).toBe(4);
    const boot = await operator.client.reference.bootstrap.query();
    expect(boot.gridVersion).toMatchObject({
      id: res.gridVersionId,
      version: '2026.2-surveyed',
      validFrom: '2026-11-24',
    });

    const fresh = await file();
    const freshCase = await lead.client.cases.get.query({ caseNumber: fresh.caseNumber });
    expect(freshCase.record).toMatchObject({ gridVersionId: res.gridVersionId, cellCode: newCell });
    expect((await lead.client.cases.get.query({ caseNumber: old.caseNumber })).record).toMatchObject({
      gridVersionId: before.record.gridVersionId,
      cellCode: oldCell,
    });

    const [entry] = await admin.client.admin.auditLog.query({ target: 'grid:2026.2-surveyed', limit: 1 });
    expect(entry).toMatchObject({
      action: 'grid.import',
      actorName: expect.stringContaining('(admin)'),
      before: { version: loadShippedGrid().version, cells: loadShippedGrid().cells.length },
      after: { version: '2026.2-surveyed', gridVersionId: res.gridVersionId, added: [], removed: [] },
    });
    expect((entry!.after as { changed: string[] }).changed).toHaveLength(4);

    const again = await errorOf(
      admin.client.gridImport.commit.mutate({ document: upload, version: '2026.2-surveyed' }),
    );
    expect(again).toMatchObject({ httpStatus: 409 });
    expect(again.fields[0]?.field).toBe('version');
  });

  it('refuses an overlapping, gapped or badly coded grid with the problem named, and changes nothing', async () => {
    const collection = shippedCellsCollection();
    const [a, b, c] = collection.features;
    a!.geometry = structuredClone(b!.geometry); // a covers b's place: an overlap, and a gap where a was
    c!.properties.code = '1525020010011'; // 13 digits
    const preview = await admin.client.gridImport.preview.mutate({
      document: collection,
      version: '2026.3-bad',
    });
    expect(preview.ok).toBe(false);
    expect(preview.counts.overlap).toBeGreaterThan(0);
    expect(preview.counts.gap).toBeGreaterThan(0);
    expect(preview.counts.code).toBeGreaterThan(0);
    const gap = preview.problems.find((p) => p.kind === 'gap')!;
    expect(gap.at).not.toBeNull();
    expect(gap.areaM2).toBeGreaterThan(1000);

    const auditBefore = (await admin.client.admin.auditLog.query({})).length;
    const versionBefore = (await admin.client.reference.bootstrap.query()).gridVersion.id;
    const e = await errorOf(
      admin.client.gridImport.commit.mutate({ document: collection, version: '2026.3-bad' }),
    );
    expect(e.httpStatus).toBe(400);
    expect(e.fields[0]?.field).toBe('document');
    expect(e.message).toMatch(/partition check/);
    expect((await admin.client.reference.bootstrap.query()).gridVersion.id).toBe(versionBefore);
    expect((await admin.client.admin.auditLog.query({})).length).toBe(auditBefore);
  });

  it('names the field of a malformed upload, and refuses anyone but an administrator', async () => {
    const e = await errorOf(
      admin.client.gridImport.preview.mutate({
        document: {
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { code: '15250200100101' },
              geometry: { type: 'Point', coordinates: [116, 43] },
            },
          ],
        },
        version: 'x1',
      }),
    );
    expect(e.httpStatus).toBe(400);
    expect(e.fields[0]?.field).toBe('document.features[0].geometry.type');
    const v = await errorOf(
      admin.client.gridImport.preview.mutate({ document: shippedCellsCollection(), version: 'has space' }),
    );
    expect(v.fields[0]?.field).toBe('version');
    const denied = await errorOf(
      operator.client.gridImport.commit.mutate({ document: shippedCellsCollection(), version: 'x2' }),
    );
    expect(denied.httpStatus).toBe(403);
  });
});
