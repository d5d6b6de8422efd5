import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../../lib/trpc';
import { useReference } from '../../lib/reference';
import { useLocalName } from '../../i18n';
import { ErrorBox, Loading } from '../../components/status';
import { ErrorLine, OkLine } from './admin-common';

const SCOPES = ['cell', 'community', 'subDistrict', 'city'] as const;
type Scope = (typeof SCOPES)[number];

/** Routing rules, and the "test a point and a class" tool built on the domain's resolver. */
export function RoutingTab() {
  const { t, i18n } = useTranslation();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const ref = useReference();
  const localName = useLocalName();
  const rules = useQuery(trpc.admin.routingRules.queryOptions());
  const [point, setPoint] = useState({
    lat: '43.934',
    lng: '116.086',
    minorClassCode: ref.data.minorClasses[0]?.code ?? '',
  });
  const [asked, setAsked] = useState<{ lat: number; lng: number; minorClassCode: string } | null>(null);
  const test = useQuery({
    ...trpc.admin.testRoute.queryOptions(asked ?? { lat: 0, lng: 0, minorClassCode: 'C0101' }),
    enabled: asked !== null,
  });
  const [done, setDone] = useState<string | null>(null);
  const replace = useMutation(
    trpc.admin.replaceRoutingRules.mutationOptions({
      onSuccess: (r) => {
        setDone(t('admin.routing.saved', { n: r.count }));
        void qc.invalidateQueries({ queryKey: trpc.admin.routingRules.queryKey() });
        void qc.invalidateQueries({ queryKey: trpc.admin.testRoute.pathKey() });
        void qc.invalidateQueries({ queryKey: trpc.admin.auditLog.pathKey() });
      },
    }),
  );
  const [classFilter, setClassFilter] = useState('');
  const [rule, setRule] = useState({
    minorClassCode: ref.data.minorClasses[0]?.code ?? '',
    scopeKind: 'cell' as Scope,
    scopeCode: '',
    unitCode: ref.data.units[0]?.code ?? '',
    note: '',
  });
  const shown = useMemo(
    () => (rules.data ?? []).filter((r) => !classFilter || r.minorClassCode === classFilter),
    [rules.data, classFilter],
  );

  const runTest = (e: FormEvent) => {
    e.preventDefault();
    setAsked({ lat: Number(point.lat), lng: Number(point.lng), minorClassCode: point.minorClassCode });
  };
  const nextId = () => {
    const n = Math.max(0, ...(rules.data ?? []).map((r) => Number(r.id.slice(1)) || 0)) + 1;
    return `R${String(n).padStart(3, '0')}`;
  };
  const addRule = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const scope =
      rule.scopeKind === 'city' ? { kind: 'city' } : { kind: rule.scopeKind, code: rule.scopeCode.trim() };
    replace.mutate({
      rules: [
        ...(rules.data ?? []),
        {
          id: nextId(),
          minorClassCode: rule.minorClassCode,
          scope,
          unitCode: rule.unitCode,
          note: rule.note,
        },
      ],
    });
  };
  const removeRule = (id: string) => {
    setDone(null);
    replace.mutate({ rules: (rules.data ?? []).filter((r) => r.id !== id) });
  };
  const classOption = (m: (typeof ref.data.minorClasses)[number]) => (
    <option key={m.code} value={m.code}>
      {m.code} {localName(m)}
    </option>
  );

  return (
    <div className="admin-tab" data-testid="admin-routing">
      <form className="admin-form" onSubmit={runTest} data-testid="route-test-form">
        <h3>{t('admin.routing.test')}</h3>
        <label>
          {t('admin.routing.lat')}
          <input
            data-testid="route-test-lat"
            value={point.lat}
            onChange={(e) => setPoint({ ...point, lat: e.target.value })}
            inputMode="decimal"
            required
          />
        </label>
        <label>
          {t('admin.routing.lng')}
          <input
            data-testid="route-test-lng"
            value={point.lng}
            onChange={(e) => setPoint({ ...point, lng: e.target.value })}
            inputMode="decimal"
            required
          />
        </label>
        <label>
          {t('admin.routing.class')}
          <select
            data-testid="route-test-class"
            value={point.minorClassCode}
            onChange={(e) => setPoint({ ...point, minorClassCode: e.target.value })}
          >
            {ref.data.minorClasses.map(classOption)}
          </select>
        </label>
        <button type="submit" className="primary" data-testid="route-test-run">
          {t('admin.routing.run')}
        </button>
      </form>
      {test.isError && <ErrorLine error={test.error} />}
      {test.data && (
        <div className="route-result" data-testid="route-test-result">
          <p>
            {t('admin.routing.place')}：
            {test.data.placement.cellCode
              ? `${test.data.placement.subDistrictName ?? ''} · ${test.data.placement.communityName ?? ''} · ${test.data.placement.cellCode}`
              : t('admin.routing.outside')}
          </p>
          {test.data.decision ? (
            <p className="route-decision">
              {t('admin.routing.goesTo')}{' '}
              <strong data-testid="route-test-unit" data-code={test.data.decision.unitCode}>
                {localName(ref.unit(test.data.decision.unitCode)) || test.data.decision.unitName}
              </strong>
              <br />
              <span data-testid="route-test-why">
                {i18n.language === 'en' ? test.data.decision.explanationEn : test.data.decision.explanation}
              </span>
            </p>
          ) : (
            <p className="warn-text" data-testid="route-test-none">
              {t('admin.routing.noUnit')}
            </p>
          )}
          <table className="admin-table compact" data-testid="route-candidates">
            <thead>
              <tr>
                <th>{t('admin.routing.rule')}</th>
                <th>{t('admin.routing.scope')}</th>
                <th>{t('admin.routing.unit')}</th>
                <th>{t('admin.routing.covers')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {test.data.candidates.map((c) => (
                <tr
                  key={c.id}
                  className={c.wins ? 'wins' : c.covers ? '' : 'muted'}
                  data-testid={`candidate-${c.id}`}
                  data-wins={c.wins ? 'true' : 'false'}
                >
                  <td className="num">{c.id}</td>
                  <td>
                    {t(`admin.routing.scopes.${c.scopeKind}`)} {c.scopeCode ?? ''}
                  </td>
                  <td>{localName(ref.unit(c.unitCode)) || c.unitName}</td>
                  <td>{c.covers ? t('app.yes') : t('app.no')}</td>
                  <td>{c.wins ? t('admin.routing.wins') : c.covers ? t('admin.routing.outranked') : ''}</td>
                </tr>
              ))}
              {test.data.candidates.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    {t(
                      test.data.minorClass.routingPrinciple === 'owner_first'
                        ? 'admin.routing.noRulesOwner'
                        : 'admin.routing.noRulesTerritory',
                    )}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <p className="muted small">{t('admin.routing.order')}</p>
        </div>
      )}

      <form className="admin-form" onSubmit={addRule} data-testid="rule-add-form">
        <h3>{t('admin.routing.add')}</h3>
        <label>
          {t('admin.routing.class')}
          <select
            data-testid="rule-class"
            value={rule.minorClassCode}
            onChange={(e) => setRule({ ...rule, minorClassCode: e.target.value })}
          >
            {ref.data.minorClasses.map(classOption)}
          </select>
        </label>
        <label>
          {t('admin.routing.scope')}
          <select
            data-testid="rule-scope"
            value={rule.scopeKind}
            onChange={(e) => setRule({ ...rule, scopeKind: e.target.value as Scope })}
          >
            {SCOPES.map((s) => (
              <option key={s} value={s}>
                {t(`admin.routing.scopes.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.routing.scopeCode')}
          <input
            data-testid="rule-scope-code"
            value={rule.scopeCode}
            onChange={(e) => setRule({ ...rule, scopeCode: e.target.value })}
            disabled={rule.scopeKind === 'city'}
          />
        </label>
        <label>
          {t('admin.routing.unit')}
          <select
            data-testid="rule-unit"
            value={rule.unitCode}
            onChange={(e) => setRule({ ...rule, unitCode: e.target.value })}
          >
            {ref.data.units.map((u) => (
              <option key={u.code} value={u.code}>
                {u.code} {localName(u)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.routing.note')}
          <input
            data-testid="rule-note"
            value={rule.note}
            onChange={(e) => setRule({ ...rule, note: e.target.value })}
          />
        </label>
        <button type="submit" className="primary" data-testid="rule-add" disabled={replace.isPending}>
          {t('admin.routing.addButton')}
        </button>
      </form>
      <ErrorLine error={replace.error} />
      {done && <OkLine>{done}</OkLine>}

      <div className="admin-toolbar">
        <h3>{t('admin.routing.rules', { n: rules.data?.length ?? 0 })}</h3>
        <select
          aria-label={t('admin.routing.class')}
          value={classFilter}
          onChange={(e) => setClassFilter(e.target.value)}
          data-testid="rule-filter"
        >
          <option value="">
            {t('admin.routing.class')}：{t('app.all')}
          </option>
          {ref.data.minorClasses.map(classOption)}
        </select>
      </div>
      {rules.isPending ? (
        <Loading />
      ) : rules.isError ? (
        <ErrorBox error={rules.error} />
      ) : (
        <table className="admin-table" data-testid="rules-table">
          <thead>
            <tr>
              <th>{t('admin.routing.rule')}</th>
              <th>{t('admin.routing.class')}</th>
              <th>{t('admin.routing.scope')}</th>
              <th>{t('admin.routing.unit')}</th>
              <th>{t('admin.routing.note')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.id} data-testid={`rule-row-${r.id}`}>
                <td className="num">{r.id}</td>
                <td>
                  {r.minorClassCode} {localName(ref.minorClass(r.minorClassCode))}
                </td>
                <td>
                  {t(`admin.routing.scopes.${r.scope.kind}`)} {r.scope.kind === 'city' ? '' : r.scope.code}
                </td>
                <td>{localName(ref.unit(r.unitCode))}</td>
                <td className="small">{r.note}</td>
                <td>
                  <button
                    type="button"
                    className="small"
                    data-testid={`rule-remove-${r.id}`}
                    onClick={() => removeRule(r.id)}
                  >
                    {t('admin.routing.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
