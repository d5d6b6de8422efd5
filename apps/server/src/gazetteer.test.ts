import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadShippedAddresses } from '@citygrid/domain';
import {
  loginMany,
  errorOf,
  OUTSIDE_GRID,
  TestClock,
  startTestServer,
  type Session,
  type TestServer,
} from './testing/index.ts';

const clock = new TestClock(Date.parse('2026-11-24T01:00:00Z'));
let server: TestServer;
let operator: Session;
let admin: Session;

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  [operator, admin] = await loginMany(server, ['operator', 'admin'] as const);
});
afterAll(async () => server?.stop());

const CSV = [
  'name,kind,address,lng,lat',
  '新苑小区,小区,锡林浩特市希日塔拉街道新苑小区,116.0802,43.9402',
  '新苑小区7号楼,building,锡林浩特市新苑小区 7号楼,116.0809,43.9406',
  '"幸福路 12号",door,"锡林浩特市幸福路12号, 东门",116.0901,43.9301',
].join('\r\n');

describe('the city gazetteer (地名地址库)', () => {
  it('ships a seed of compounds, buildings and door numbers, and names the nearest one to a point with its distance', async () => {
    const summary = await admin.client.gazetteer.summary.query();
    expect(summary.total).toBe(loadShippedAddresses().length);
    expect(summary.byKind).toMatchObject({ compound: 90, building: 360, door: 54 });
    const building = loadShippedAddresses().find((e) => e.kind === 'building')!;
    // ~40 m west of the building (its compound's centre lies east of it)
    const near = await operator.client.gazetteer.nearest.query({
      lat: building.lat,
      lng: building.lng - 0.0005,
    });
    expect(near).toMatchObject({ name: building.name, address: building.address, kind: 'building' });
    expect(near!.distanceM).toBe(40);
    expect(await operator.client.gazetteer.nearest.query(OUTSIDE_GRID)).toBeNull();
  });

  it('previews an upload row by row, naming the row and field of each problem, and refuses to import it (nothing stored)', async () => {
    const bad = [
      'name,kind,address,lng,lat',
      '好的小区,compound,,116.08,43.94',
      ',compound,,116.08,43.94',
      '某楼,tower,,116.08,43.94',
      '某门牌,door,,116.08,北纬43',
      '远处小区,compound,,115.9,43.8',
      '好的小区,compound,,116.081,43.941',
    ].join('\n');
    const preview = await admin.client.gazetteer.preview.mutate({ text: bad });
    expect(preview).toMatchObject({ format: 'csv', total: 6, valid: 1 });
    expect(preview.issues.map((i) => [i.row, i.field, i.code])).toEqual([
      [2, 'name', 'required'],
      [3, 'kind', 'invalid'],
      [4, 'lat', 'invalid'],
      [5, 'lng', 'outside_grid'],
      [6, 'name', 'duplicate'],
    ]);
    expect(preview.rows[0]).toMatchObject({
      row: 1,
      raw: { name: '好的小区' },
      cellCode: expect.stringMatching(/^\d{14}$/),
    });

    const before = await admin.client.gazetteer.summary.query();
    const auditBefore = (await admin.client.admin.auditLog.query({})).length;
    const e = await errorOf(admin.client.gazetteer.commit.mutate({ text: bad }));
    expect(e.httpStatus).toBe(400);
    expect(e.fields[0]?.field).toBe('name');
    expect(e.message).toMatch(/^row 2: name/);
    expect(await admin.client.gazetteer.summary.query()).toEqual(before);
    expect((await admin.client.admin.auditLog.query({})).length).toBe(auditBefore);
    expect(await operator.client.reference.places.query({ q: '好的小区' })).toEqual([]);
  });

  it('imports a CSV in one audited transaction: intake finds the compound by a Chinese substring, and a click nearby names it', async () => {
    const preview = await admin.client.gazetteer.preview.mutate({ text: CSV });
    expect(preview).toMatchObject({
      total: 3,
      valid: 3,
      issues: [],
      byKind: { compound: 1, building: 1, door: 1 },
    });
    const res = await admin.client.gazetteer.commit.mutate({ text: CSV });
    expect(res).toEqual({ inserted: 3, updated: 0, total: 3 });

    const [entry] = await admin.client.admin.auditLog.query({ target: 'gazetteer', limit: 1 });
    expect(entry).toMatchObject({
      action: 'gazetteer.import',
      actorName: expect.stringContaining('(admin)'),
      before: { total: loadShippedAddresses().length },
      after: { inserted: 3, updated: 0, format: 'csv', after: { total: loadShippedAddresses().length + 3 } },
    });

    const found = await operator.client.reference.places.query({ q: '新苑' });
    expect(found.map((p) => p.name)).toEqual(expect.arrayContaining(['新苑小区', '新苑小区7号楼']));
    expect(found[0]).toMatchObject({ name: '新苑小区', kind: 'compound', lat: 43.9402, lng: 116.0802 });
    expect((await operator.client.reference.places.query({ q: '幸福路12号' }))[0]).toMatchObject({
      kind: 'door',
      address: '锡林浩特市幸福路12号, 东门',
    });

    const near = await operator.client.gazetteer.nearest.query({ lat: 43.9406, lng: 116.0814 });
    expect(near).toMatchObject({ name: '新苑小区7号楼', distanceM: 40 });

    // importing the same rows again moves them instead of duplicating
    const moved = CSV.replace('116.0809,43.9406', '116.0811,43.9406');
    expect(await admin.client.gazetteer.commit.mutate({ text: moved })).toEqual({
      inserted: 0,
      updated: 3,
      total: 3,
    });
    expect((await operator.client.gazetteer.nearest.query({ lat: 43.9406, lng: 116.0814 }))!.distanceM).toBe(
      20,
    );
  });

  it('imports GeoJSON points, and only administrators may import', async () => {
    const geojson = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: '草原明珠小区', kind: 'compound', address: '锡林浩特市草原明珠小区' },
          geometry: { type: 'Point', coordinates: [116.07, 43.935] },
        },
      ],
    });
    expect(await admin.client.gazetteer.commit.mutate({ text: geojson })).toEqual({
      inserted: 1,
      updated: 0,
      total: 1,
    });
    expect((await operator.client.reference.places.query({ q: '明珠' }))[0]).toMatchObject({
      name: '草原明珠小区',
    });
    const denied = await errorOf(operator.client.gazetteer.commit.mutate({ text: geojson }));
    expect(denied.httpStatus).toBe(403);
    const pointless = await admin.client.gazetteer.preview.mutate({
      text: JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { name: 'x', kind: 'door' },
            geometry: { type: 'Polygon', coordinates: [] },
          },
        ],
      }),
    });
    expect(pointless.issues[0]).toMatchObject({ row: 1, field: 'geometry', code: 'invalid' });
  });
});
