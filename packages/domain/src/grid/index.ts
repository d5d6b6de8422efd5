export {
  distanceMeters,
  polygonAreaM2,
  signedRingAreaM2,
  bboxOf,
  wgs84ToGcj02,
  gcj02ToWgs84,
  gcj02ToBd09,
  bd09ToGcj02,
  wgs84ToBd09,
  bd09ToWgs84,
  isOutsideChina,
  EARTH_RADIUS_M,
} from './geo.ts';
export type { BBox } from './geo.ts';
export type { Ring } from './point-in-ring.ts';
export { isPointInRing } from './point-in-ring.ts';
export { orient2d, isOnSegment } from './exact-predicates.ts';
export { createGridIndex, locateBruteForce, selectCellsValidOn } from './grid-index.ts';
export type { GridCell, GridIndex, LocateResult } from './grid-index.ts';
export { loadReferenceGrid, readPolygonRing } from './load-reference-grid.ts';
export type {
  Community,
  SubDistrict,
  ReferenceGrid,
  GridDocument,
  PolygonGeometry,
} from './load-reference-grid.ts';
export { checkPartition } from './check-partition.ts';
export type { PartitionReport, CheckPartitionOptions } from './check-partition.ts';
export { generateSyntheticGrid } from './synthetic-grid.ts';
export type { SyntheticGridOptions } from './synthetic-grid.ts';
export { orderByReadingOrder, ringCentroid } from './reading-order.ts';
export { createSeededRandom } from './prng.ts';
export type { Random } from './prng.ts';
export { readGridUpload, diffGridCells } from './grid-upload.ts';
export type { GridCellDiff } from './grid-upload.ts';
export { classifyPartitionProblem } from './partition-problems.ts';
export type { PartitionProblem, PartitionProblemKind } from './partition-problems.ts';
