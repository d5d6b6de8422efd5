import { describe, expect, it } from 'vitest';
import { parseAddressCsv, parseAddressGeoJson, parseAddressUpload } from './address-import.ts';
import { nearestAddress, roundDistanceM } from './nearest-address.ts';

describe('parsing a gazetteer upload', () => {
  it('reads CSV with Chinese headers and kinds, quoted fields and a byte-order mark', () => {
    const r = parseAddressCsv(
      '\uFEFF名称,类型,地址,经度,纬度\r\n"康乐小区",小区,"锡林浩特市康乐小区, 南门",116.08,43.94\r\n',
    );
    expect(r.issues).toEqual([]);
    expect(r.rows[0]!.entry).toEqual({
      kind: 'compound',
      name: '康乐小区',
      address: '锡林浩特市康乐小区, 南门',
      lng: 116.08,
      lat: 43.94,
    });
  });

  it('names the row and field of every problem, and a missing column in the header', () => {
    expect(
      parseAddressCsv('name,kind,address\n康乐小区,小区,x').issues.map((i) => [i.row, i.field, i.code]),
    ).toEqual([
      [0, 'lng', 'required'],
      [0, 'lat', 'required'],
    ]);
    const r = parseAddressCsv(
      [
        'name,kind,lng,lat',
        ',door,116,43',
        'a,门牌,abc,43',
        'b,门牌,116,95',
        'c,villa,116,43',
        'a,门牌,116,43',
      ].join('\n'),
    );
    expect(r.issues.map((i) => [i.row, i.field, i.code])).toEqual([
      [1, 'name', 'required'],
      [2, 'lng', 'invalid'],
      [3, 'lat', 'out_of_range'],
      [4, 'kind', 'invalid'],
    ]);
    expect(r.rows.map((x) => x.entry !== null)).toEqual([false, false, false, false, true]);
  });

  it('refuses a second row with the same kind, name and address', () => {
    const r = parseAddressCsv(
      'name,kind,address,lng,lat\n康乐小区,小区,,116.08,43.94\n康乐小区,小区,,116.09,43.95',
    );
    expect(r.issues).toEqual([expect.objectContaining({ row: 2, field: 'name', code: 'duplicate' })]);
  });

  it('reads GeoJSON points and names a feature that is not a point', () => {
    const doc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: '锡林大街18号', kind: 'door' },
          geometry: { type: 'Point', coordinates: [116.07, 43.93] },
        },
        {
          type: 'Feature',
          properties: { name: '某楼', kind: 'building' },
          geometry: { type: 'LineString', coordinates: [] },
        },
      ],
    };
    const r = parseAddressGeoJson(doc);
    expect(r.rows[0]!.entry).toEqual({
      kind: 'door',
      name: '锡林大街18号',
      address: '',
      lng: 116.07,
      lat: 43.93,
    });
    expect(r.issues).toEqual([expect.objectContaining({ row: 2, field: 'geometry', code: 'invalid' })]);
    expect(parseAddressUpload(JSON.stringify(doc)).format).toBe('geojson');
    expect(parseAddressUpload('{ not json').issues[0]).toMatchObject({
      row: 0,
      field: 'geometry',
      code: 'invalid',
    });
  });
});

describe('the nearest entry', () => {
  const entries = [
    { name: 'a', lat: 43.94, lng: 116.08 },
    { name: 'b', lat: 43.9406, lng: 116.0809 },
  ];
  it('is the closest by great-circle distance, within the limit', () => {
    const hit = nearestAddress(entries, { lat: 43.9406, lng: 116.0814 } as never)!;
    expect(hit.entry.name).toBe('b');
    expect(roundDistanceM(hit.distanceM)).toBe(40);
    expect(nearestAddress(entries, { lat: 44.5, lng: 116 } as never, 2000)).toBeNull();
  });
  it('rounds to 10 m below a kilometre and to 100 m above', () => {
    expect([roundDistanceM(3), roundDistanceM(44), roundDistanceM(1234)]).toEqual([10, 40, 1200]);
  });
});
