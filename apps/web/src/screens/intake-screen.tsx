import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { fieldErrors, useTRPC, type IntakeResult, type MinorClass, type Place } from '../lib/trpc';
import { useReference } from '../lib/reference';
import { formatDateTime } from '../lib/format';
import { useLocalName } from '../i18n';
import { IntakeMap } from '../map/intake-map';
import { useFieldErrorText } from '../lib/i18n-errors';
import { searchCategories, type CategorySearchItem, type CategorySearchResult } from '@citygrid/domain';
import { Combobox } from '../components/combobox';
import { useErrorText } from '../components/status';
import { NearestPlace } from '../components/nearest-place';

const NATURES = ['complaint', 'enquiry', 'help', 'report', 'suggestion', 'praise'] as const;
type Nature = (typeof NATURES)[number];

const newKey = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

export default function IntakeScreen() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const ref = useReference();
  const localName = useLocalName();
  const fieldText = useFieldErrorText();
  const errorText = useErrorText();

  const phoneRef = useRef<HTMLInputElement>(null);
  const [key, setKey] = useState(newKey);
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [nature, setNature] = useState<Nature>('complaint');
  const [hotlineCategory, setHotlineCategory] = useState('');
  const [categoryQuery, setCategoryQuery] = useState('');
  const [minorClassCode, setMinorClassCode] = useState<string | null>(null);
  const [description, setDescription] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [location, setLocation] = useState<{ lat: number; lng: number } | null>(null);
  const [address, setAddress] = useState('');
  const [placeQuery, setPlaceQuery] = useState('');
  const [placeOpen, setPlaceOpen] = useState(false);
  const [placeIndex, setPlaceIndex] = useState(0);
  const [result, setResult] = useState<IntakeResult | null>(null);

  // --- caller history, as soon as 7 digits are typed ---
  const digits = phone.replace(/\D/g, '');
  const debouncedPhone = useDebounced(phone.trim(), 250);
  const history = useQuery({
    ...trpc.intake.callerHistory.queryOptions({ phone: debouncedPhone }),
    enabled: debouncedPhone.replace(/\D/g, '').length >= 7 && /^[0-9+\-\s]{5,20}$/.test(debouncedPhone),
    placeholderData: keepPreviousData,
  });

  // --- category picker: the list is derived synchronously from the text in the field ---
  const { minorClasses, hotlineCategories } = ref.data;
  const searchClasses = useCallback(
    (text: string): CategorySearchResult<MinorClass> => searchCategories(minorClasses, text, { hotlineCategory, hotlineCategories }),
    [minorClasses, hotlineCategories, hotlineCategory],
  );
  const categoryOptions = useCallback(
    (text: string) => {
      const r = searchClasses(text);
      // nearest classes are suggestions: Enter picks one only after the operator moves onto it
      return { items: r.items, defaultIndex: r.kind === 'nearest' ? -1 : 0 };
    },
    [searchClasses],
  );
  const categoryResult = useMemo(() => searchClasses(categoryQuery), [searchClasses, categoryQuery]);
  const selectedClass = ref.minorClass(minorClassCode);
  const filterName = localName(hotlineCategories.find((c) => c.code === hotlineCategory));
  const pickClass = (item: CategorySearchItem<MinorClass>) => {
    // picking never touches the hotline-category filter: the next search still finds across categories
    setMinorClassCode(item.minorClass.code);
    setCategoryQuery('');
  };
  const categoryHeader =
    categoryQuery.trim() === '' ? null : (
      <>
        {(categoryResult.kind === 'nearest' || categoryResult.kind === 'none') && (
          <div className="combo-hint" data-testid="category-no-match" role="status">
            {categoryResult.kind === 'nearest' ? t('intake.categoryNearest') : t('intake.categoryNone')}
          </div>
        )}
        {categoryResult.outsideFilter > 0 && (
          <div className="combo-hint" data-testid="category-filter-hidden" role="status">
            {t('intake.categoryFilterHidden', { category: filterName, n: categoryResult.outsideFilter })}
          </div>
        )}
      </>
    );

  // --- gazetteer ---
  const debouncedPlace = useDebounced(placeQuery.trim(), 200);
  const places = useQuery({ ...trpc.reference.places.queryOptions({ q: debouncedPlace, limit: 8 }), enabled: debouncedPlace.length > 0, placeholderData: keepPreviousData });
  const placeList = debouncedPlace.length > 0 ? (places.data ?? []) : [];
  const pickPlace = (p: Place) => {
    setLocation({ lat: p.lat, lng: p.lng });
    setAddress(p.address ?? p.name);
    setPlaceQuery('');
    setPlaceOpen(false);
  };
  const onPlaceKey = (e: ReactKeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setPlaceOpen(true);
      setPlaceIndex((i) => Math.min(i + 1, placeList.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setPlaceIndex((i) => Math.max(i - 1, 0));
    } else if (e.key === 'Enter' && !e.ctrlKey && placeList.length > 0) {
      e.preventDefault();
      const p = placeList[placeIndex] ?? placeList[0];
      if (p) pickPlace(p);
    } else if (e.key === 'Escape') {
      setPlaceOpen(false);
    }
  };
  const onMapPick = useCallback((p: { lat: number; lng: number }) => {
    setLocation(p);
    setAddress('');
  }, []);

  // --- routing preview ---
  const preview = useQuery({
    ...trpc.intake.preview.queryOptions({ minorClassCode: minorClassCode ?? 'E0101', location, urgency: urgent ? 'urgent' : 'normal' }),
    enabled: minorClassCode !== null,
    placeholderData: keepPreviousData,
  });
  const pv = minorClassCode ? preview.data : undefined;

  // --- submit ---
  const create = useMutation(
    trpc.intake.create.mutationOptions({
      onSuccess: (res) => {
        setResult(res);
        setKey(newKey());
        setPhone('');
        setName('');
        setNature('complaint');
        setHotlineCategory('');
        setCategoryQuery('');
        setMinorClassCode(null);
        setDescription('');
        setUrgent(false);
        setLocation(null);
        setAddress('');
        setPlaceQuery('');
        phoneRef.current?.focus();
      },
    }),
  );
  const errors = create.error ? fieldErrors(create.error, fieldText) : {};
  const errorOf = (...fields: string[]) => fields.map((f) => errors[f] ?? Object.entries(errors).find(([k]) => k.startsWith(`${f}.`))?.[1]).find(Boolean);
  const generalError = create.error && Object.keys(errors).length === 0 ? errorText(create.error) : null;

  const submit = (duplicateOf?: string) => {
    if (create.isPending) return;
    if (!minorClassCode) {
      create.reset();
      document.querySelector<HTMLInputElement>('[data-testid="intake-category-search"]')?.focus();
      return;
    }
    create.mutate({
      callerPhone: phone.trim() || null,
      callerName: name.trim() || null,
      nature,
      minorClassCode,
      description: description.trim(),
      urgency: urgent ? 'urgent' : 'normal',
      location,
      address: address.trim() || null,
      duplicateOf: duplicateOf ?? null,
      idempotencyKey: duplicateOf ? `${key}-dup` : key,
    });
  };

  const nearby = pv?.nearby ?? [];
  const onScreenKey = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    } else if (e.altKey && /^[1-5]$/.test(e.key)) {
      const n = nearby[Number(e.key) - 1];
      if (n) {
        e.preventDefault();
        submit(n.caseNumber);
      }
    } else if (e.altKey && (e.key === 'u' || e.key === 'U')) {
      e.preventDefault();
      setUrgent((u) => !u);
    } else if (e.key === 'Escape' && result) {
      setResult(null);
      phoneRef.current?.focus();
    }
  };

  return (
    <div className="intake" onKeyDown={onScreenKey} data-testid="intake-screen">
      <form
        className="intake-form panel"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="panel-title">
          <h2>{t('intake.title')}</h2>
          <span className="muted small">{t('intake.keyboardHelp')}</span>
        </div>
        <div className="row2">
          <label>
            {t('intake.phone')}
            <input ref={phoneRef} data-testid="intake-phone" inputMode="tel" autoFocus value={phone} onChange={(e) => setPhone(e.target.value)} autoComplete="off" />
            {errorOf('callerPhone') && <span className="field-error" data-testid="error-callerPhone">{errorOf('callerPhone')}</span>}
          </label>
          <label>
            {t('intake.name')}
            <input data-testid="intake-name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
            {errorOf('callerName') && <span className="field-error">{errorOf('callerName')}</span>}
          </label>
        </div>
        <fieldset className="natures" data-testid="intake-nature">
          <legend>{t('intake.nature')}</legend>
          {NATURES.map((n) => (
            <label key={n} className={`radio-pill ${nature === n ? 'checked' : ''}`}>
              <input type="radio" name="nature" value={n} checked={nature === n} onChange={() => setNature(n)} data-testid={`nature-${n}`} />
              {t(`natures.${n}`)}
            </label>
          ))}
        </fieldset>
        <div className="category-picker">
          <div className="row2 category-row">
            <label>
              {t('intake.hotlineCategory')}
              <select data-testid="intake-hotline-category" value={hotlineCategory} onChange={(e) => setHotlineCategory(e.target.value)}>
                <option value="">{t('app.all')}</option>
                {ref.data.hotlineCategories.map((c) => (
                  <option key={c.code} value={c.code}>
                    {localName(c)}
                  </option>
                ))}
              </select>
            </label>
            <Combobox
              label={t('intake.minorClass')}
              testId="intake-category-search"
              placeholder={selectedClass ? `${selectedClass.code} ${localName(selectedClass)}` : t('intake.categorySearch')}
              value={categoryQuery}
              onValueChange={setCategoryQuery}
              options={categoryOptions}
              onPick={pickClass}
              itemKey={(i) => i.minorClass.code}
              itemTestId={(i) => `category-option-${i.minorClass.code}`}
              header={categoryHeader}
              renderItem={({ minorClass: m, outsideFilter }) => (
                <>
                  <span className="num muted">{m.code}</span> {localName(m)} <span className="muted small">{m.pinyinInitials}</span>
                  {outsideFilter && <span className="muted small other-category">· {localName(hotlineCategories.find((c) => c.code === m.hotlineCategory))}</span>}
                </>
              )}
            />
          </div>
          <div className="selected-class" data-testid="intake-minor-class" data-code={minorClassCode ?? ''}>
            {selectedClass ? (
              <>
                <strong>{localName(selectedClass)}</strong>
                <span className="muted small">
                  {selectedClass.code} · {localName(ref.data.hotlineCategories.find((c) => c.code === selectedClass.hotlineCategory))} ·{' '}
                  {t('time.limit', { amount: selectedClass.timeLimit.amount, unit: t(`limitUnits.${selectedClass.timeLimit.unit}`) })}
                </span>
              </>
            ) : (
              <span className="muted">{t('intake.chooseCategory')}</span>
            )}
            {errorOf('minorClassCode') && <span className="field-error">{errorOf('minorClassCode')}</span>}
          </div>
        </div>
        <label>
          {t('intake.description')}
          <textarea data-testid="intake-description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
          {errorOf('description') && <span className="field-error" data-testid="error-description">{errorOf('description')}</span>}
        </label>
        <div className="row2">
          <label className="combo">
            {t('intake.location')}
            <input
              data-testid="intake-place-search"
              placeholder={t('intake.placeSearch')}
              value={placeQuery}
              onChange={(e) => {
                setPlaceQuery(e.target.value);
                setPlaceOpen(true);
                setPlaceIndex(0);
              }}
              onFocus={() => setPlaceOpen(true)}
              onBlur={() => setTimeout(() => setPlaceOpen(false), 150)}
              onKeyDown={onPlaceKey}
              autoComplete="off"
            />
            {placeOpen && placeList.length > 0 && (
              <ul className="combo-list" role="listbox">
                {placeList.map((p, i) => (
                  <li
                    key={`${p.kind}-${p.code ?? p.name}`}
                    role="option"
                    aria-selected={i === placeIndex}
                    className={i === placeIndex ? 'active' : ''}
                    data-testid={`place-option-${i}`}
                    onMouseDown={(e) => {
                      e.preventDefault();
                      pickPlace(p);
                    }}
                  >
                    {p.name} <span className="muted small">{p.code ?? p.address ?? p.nameEn}</span>
                  </li>
                ))}
              </ul>
            )}
            {errorOf('location') && <span className="field-error">{errorOf('location')}</span>}
          </label>
          <label>
            {t('intake.address')}
            <input data-testid="intake-address" value={address} onChange={(e) => setAddress(e.target.value)} autoComplete="off" />
          </label>
        </div>
        <div className="location-line muted small" data-testid="intake-location">
          {location ? `${location.lat.toFixed(5)}, ${location.lng.toFixed(5)}` : t('intake.noLocation')} · {t('intake.mapHint')}
        </div>
        <NearestPlace point={location} onUse={setAddress} />
        <div className="submit-row">
          <label className={`toggle ${urgent ? 'on' : ''}`}>
            <input type="checkbox" data-testid="intake-urgent" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} />
            {t('intake.urgentHint')}
          </label>
          <button type="submit" className="primary big" data-testid="intake-submit" disabled={create.isPending}>
            {create.isPending ? t('intake.submitting') : t('intake.submit')}
          </button>
        </div>
        {generalError && (
          <div className="form-error" role="alert" data-testid="intake-error">
            {generalError}
          </div>
        )}
      </form>

      <div className="intake-side">
        {result && (
          <div className="panel result" data-testid="intake-result" role="status">
            <div className="muted">{t('intake.created')}</div>
            <div className="case-number num" data-testid="case-number">
              {result.caseNumber}
            </div>
            <div className="result-facts">
              <span className={`state-badge state-${result.state}`} data-testid="result-state" data-state={result.state}>
                {t(`states.${result.state}`)}
              </span>
              {result.mergedInto && (
                <span data-testid="result-merged-into" data-case-number={result.mergedInto}>
                  {t('intake.mergedInto', { n: result.mergedInto })}
                </span>
              )}
              {result.unitName && (
                <span>
                  {t('intake.unit')}：{localName(ref.unit(result.unitCode)) || result.unitName}
                </span>
              )}
              <span data-testid="result-deadline">
                {t('intake.deadline')}：<span className="num">{formatDateTime(result.dueAt)}</span>
              </span>
            </div>
            <button type="button" className="ghost small" onClick={() => setResult(null)}>
              {t('intake.newCall')}
            </button>
          </div>
        )}
        <div className="panel map-panel">
          <IntakeMap location={location} onPick={onMapPick} selectedCell={pv?.cellCode ?? null} />
        </div>
        <div className="panel preview" data-testid="intake-preview">
          <h3>{t('intake.preview')}</h3>
          {!minorClassCode && <p className="muted">{t('intake.selectCategoryFirst')}</p>}
          {minorClassCode && preview.isPending && <p className="muted">{t('app.loading')}</p>}
          {minorClassCode && preview.isError && <p className="form-error">{errorText(preview.error)}</p>}
          {pv && (
            <dl className="facts compact">
              <dt>{t('intake.cell')}</dt>
              <dd className="num" data-testid="preview-cell">
                {pv.cellCode ?? '—'}
              </dd>
              <dt>{t('intake.community')}</dt>
              <dd data-testid="preview-community">{pv.communityName ?? '—'}</dd>
              <dt>{t('intake.unit')}</dt>
              <dd data-testid="preview-unit">
                <strong>{pv.unitCode ? localName(ref.unit(pv.unitCode)) || pv.unitName : '—'}</strong>
              </dd>
              <dt>{t('intake.rule')}</dt>
              <dd className="small" data-testid="preview-rule">
                {pv.explanation ?? t('intake.noRoute')}
              </dd>
              <dt>{t('intake.deadline')}</dt>
              <dd className="num" data-testid="preview-deadline">
                {formatDateTime(pv.dueAt)} <span className="muted small">{t('time.limit', { amount: pv.limit.amount, unit: t(`limitUnits.${pv.limit.unit}`) })}</span>
              </dd>
            </dl>
          )}
          {pv?.outsideGrid && <p className="warn">{t('intake.outsideGrid')}</p>}
        </div>
        <div className="panel nearby" data-testid="intake-nearby">
          <h3>{t('intake.nearby')}</h3>
          {pv && location && nearby.length === 0 && <p className="muted small">{t('intake.nearbyNone')}</p>}
          <ul className="compact-list">
            {nearby.map((n, i) => (
              <li key={n.caseNumber}>
                <span className="num">{n.caseNumber}</span>
                <span className="muted small">
                  {t(`states.${n.state}`)} · {t('intake.distance', { m: n.distanceM })}
                </span>
                <span className="ellipsis small">{n.description}</span>
                <button type="button" className="small" data-testid={`link-duplicate-${i + 1}`} onClick={() => submit(n.caseNumber)} disabled={create.isPending}>
                  {t('intake.link', { n: i + 1 })}
                </button>
              </li>
            ))}
          </ul>
        </div>
        <div className="panel history-panel" data-testid="caller-history">
          <h3>{t('intake.history')}</h3>
          {digits.length < 7 && <p className="muted small">{t('intake.historyHint')}</p>}
          {digits.length >= 7 && history.isError && (
            <p className="field-error" data-testid="history-phone-error">
              {t('fieldErrors.callerPhone')}
            </p>
          )}
          {digits.length >= 7 && !history.isError && history.data && history.data.length === 0 && <p className="muted small">{t('intake.historyNone')}</p>}
          <ul className="compact-list">
            {digits.length >= 7 &&
              !history.isError &&
              (history.data ?? []).map((h) => (
                <li key={h.caseNumber}>
                  <a className="num" href={`#/case/${h.caseNumber}`}>
                    {h.caseNumber}
                  </a>
                  <span className="muted small">
                    {t(`states.${h.state}`)} · {formatDateTime(h.reportedAt)}
                  </span>
                  <span className="ellipsis small">{h.description}</span>
                </li>
              ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
