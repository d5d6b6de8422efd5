/** Messages between the command map's cluster layer and its clustering worker. */

/** A case for the index: number, position and the rank of its marker colour (worst = highest). */
export type ClusterPoint = string;
export type IndexedCase = [caseNumber: string, lat: number, lng: number, rank: number];
/** A cluster of the view: position, how many cases, the worst rank inside, the zoom that splits it. */
export type WorkerCluster = [
  lat: number,
  lng: number,
  count: number,
  worstRank: number,
  expansionZoom: number,
];

export type ClusterRequest =
  | { type: 'patch'; upsert: IndexedCase[]; remove: string[] }
  | {
      type: 'query';
      id: number;
      bbox: [west: number, south: number, east: number, north: number];
      zoom: number;
    };

/** The clusters of a query; sent again, with the same id, whenever a patch has changed the index. */
export type ClusterResponse = {
  type: 'clusters';
  id: number;
  version: number;
  clusters: WorkerCluster[];
  singles: ClusterPoint[];
};
