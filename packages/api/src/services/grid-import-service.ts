import {
  checkPartition,
  classifyPartitionProblem,
  diffGridCells,
  DomainError,
  loadShippedGrid,
  readGridUpload,
  type PartitionProblem,
  type PartitionProblemKind,
  type ReferenceGrid,
} from '@citygrid/domain';
import type { AdminStorePort, ReferenceStorePort } from '@citygrid/db';
import type { SessionUser } from '../session-user.ts';
import type { Clock } from './clock.ts';
import type { ReferenceService } from './reference-service.ts';

export interface CellShapeOut {
  code: string;
  name: string;
  communityCode: string;
  ring: Array<[number, number]>;
}

/** What importing an upload would do: the partition report and the cells it changes. */
export interface GridImportPreview {
  version: string;
  validFrom: string;
  currentVersion: string;
  ok: boolean;
  counts: Record<PartitionProblemKind, number> & {
    cells: number;
    added: number;
    removed: number;
    changed: number;
    unchanged: number;
    /** Cell-scoped routing rules that name a cell the upload removes (they stop matching). */
    orphanRules: number;
  };
  gapAreaM2: number;
  overlapAreaM2: number;
  /** The first {@link MAX_PROBLEMS} problems, by kind. */
  problems: PartitionProblem[];
  added: CellShapeOut[];
  removed: CellShapeOut[];
  /** The new polygon of each redrawn cell. */
  changed: CellShapeOut[];
}

const MAX_PROBLEMS = 200;
const PROBLEM_KINDS: readonly PartitionProblemKind[] = [
  'gap',
  'overlap',
  'code',
  'sequence',
  'outside_extent',
  'outside_community',
  'geometry',
  'other',
];

const shape = (c: ReferenceGrid['cells'][number]): CellShapeOut => ({
  code: c.code,
  name: c.name,
  communityCode: c.communityCode,
  ring: c.ring.map((p) => [p[0], p[1]] as [number, number]),
});

/**
 * Grid import (网格导入): check an uploaded grid against the partition rules, show what changes, and
 * write it as a new grid version together with its audit entry. Cases already filed keep their grid
 * version and cell; new cases are located in the new version.
 */
export class GridImportService {
  constructor(
    private readonly adminStore: AdminStorePort,
    private readonly referenceStore: ReferenceStorePort,
    private readonly reference: ReferenceService,
    private readonly clock: Clock,
  ) {}

  private async read(
    document: unknown,
    version: string,
  ): Promise<{ grid: ReferenceGrid; preview: GridImportPreview }> {
    if (await this.referenceStore.hasGridVersion(version)) {
      throw new DomainError('CONFLICT', `grid version ${version} exists`, { field: 'version' });
    }
    const snap = this.reference.snapshot;
    const shipped = loadShippedGrid();
    const current: ReferenceGrid = {
      version: snap.gridVersion.version,
      generated: snap.gridVersion.generated,
      note: snap.gridVersion.note,
      validFrom: snap.gridVersion.validFrom,
      county: shipped.county,
      subDistricts: snap.subDistricts,
      communities: snap.communities,
      cells: snap.cells,
      // the database keeps no extent: a bare FeatureCollection is checked for holes in its union
      extent: null,
    };
    const validFrom = this.clock.now().toISOString().slice(0, 10);
    const grid = readGridUpload(document, current, version, validFrom);
    const report = checkPartition(grid.cells, grid.extent, grid.communities);
    const problems = report.problems.map(classifyPartitionProblem);
    const diff = diffGridCells(snap.cells, grid.cells);
    const removedCodes = new Set(diff.removed.map((c) => c.code as string));
    const byKind = Object.fromEntries(
      PROBLEM_KINDS.map((k) => [k, problems.filter((p) => p.kind === k).length]),
    ) as Record<PartitionProblemKind, number>;
    return {
      grid,
      preview: {
        version,
        validFrom,
        currentVersion: snap.gridVersion.version,
        ok: report.ok,
        counts: {
          ...byKind,
          cells: grid.cells.length,
          added: diff.added.length,
          removed: diff.removed.length,
          changed: diff.changed.length,
          unchanged: diff.unchanged,
          orphanRules: snap.routingRules.filter(
            (r) => r.scope.kind === 'cell' && removedCodes.has(r.scope.code),
          ).length,
        },
        gapAreaM2: report.gapAreaM2,
        overlapAreaM2: report.overlapAreaM2,
        problems: problems.slice(0, MAX_PROBLEMS),
        added: diff.added.map(shape),
        removed: diff.removed.map(shape),
        changed: diff.changed.map((c) => shape(c.after)),
      },
    };
  }

  /** The partition report and the changed cells; stores nothing. */
  async preview(document: unknown, version: string): Promise<GridImportPreview> {
    return (await this.read(document, version)).preview;
  }

  /** Write the upload as the new current grid version, audited; refused when the partition check fails. */
  async apply(
    actor: SessionUser,
    document: unknown,
    version: string,
  ): Promise<{ gridVersionId: number; preview: GridImportPreview }> {
    const { grid, preview } = await this.read(document, version);
    if (!preview.ok) {
      const first = preview.problems[0];
      throw new DomainError(
        'BAD_INPUT',
        `the grid fails the partition check (${preview.problems.length} problems): ${first?.text ?? ''}`,
        {
          field: 'document',
          problem: first?.kind ?? 'other',
        },
      );
    }
    const before = this.reference.snapshot.gridVersion;
    const at = this.clock.now().toISOString();
    // the version and its audit entry in one transaction; the store puts the new id into the after-image
    const gridVersionId = await this.adminStore.audited(
      {
        at,
        actorUserId: actor.id,
        actorName: `${actor.displayName} (${actor.username})`,
        action: 'grid.import',
        target: `grid:${version}`,
        before: { version: before.version, cells: this.reference.snapshot.cells.length },
        after: {
          version,
          validFrom: grid.validFrom,
          cells: preview.counts.cells,
          added: preview.added.map((c) => c.code),
          removed: preview.removed.map((c) => c.code),
          changed: preview.changed.map((c) => c.code),
        },
      },
      { kind: 'grid.write', grid, at, field: 'version' },
    );
    await this.reference.reload();
    return { gridVersionId, preview };
  }
}
