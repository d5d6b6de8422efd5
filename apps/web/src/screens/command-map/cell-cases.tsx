import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC, type CaseFilter, type OpenCase } from '../../lib/trpc';
import { lightOf, useCellName, useReference } from '../../lib/reference';
import { LightDot } from '../../components/light';

const NO_CASES: OpenCase[] = [];

export interface CellCasesProps {
  readonly cellCode: string;
  readonly filter: CaseFilter;
  readonly now: Date;
  readonly onSelectCase: (caseNumber: string) => void;
  readonly onClose: () => void;
}

/** The selected cell's open cases in full (asked for only while a cell is selected), each with its light. */
export function CellCases({ cellCode, filter, now, onSelectCase, onClose }: CellCasesProps) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const ref = useReference();
  const cellName = useCellName();
  const q = useQuery({
    ...trpc.dashboard.openCases.queryOptions({ ...filter, cellCode }),
    staleTime: Infinity,
  });
  const cases = q.data ?? NO_CASES;
  return (
    <section className="side-section grow" data-testid="cell-cases">
      <div className="section-head">
        <h3>{t('map.cellCases', { name: cellName(cellCode) })}</h3>
        <button type="button" className="ghost small" onClick={onClose}>
          ✕
        </button>
      </div>
      {cases.length === 0 && <p className="muted small">{t('map.cellNone')}</p>}
      <ul className="compact-list scroll">
        {cases.map((c) => {
          const l = lightOf(c, ref.calendar, now);
          return (
            <li key={c.caseNumber}>
              <button
                type="button"
                className="link-row"
                onClick={() => onSelectCase(c.caseNumber)}
                data-testid={`case-row-${c.caseNumber}`}
              >
                <LightDot light={l?.light ?? null} />
                <span className="num">{c.caseNumber}</span>
                <span className="muted small">{t(`states.${c.state}`)}</span>
                <span className="ellipsis small">{c.description}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
