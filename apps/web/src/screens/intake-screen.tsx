import { useCallback, useReducer, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { REQUEST_NATURES } from '@citygrid/domain';
import { fieldErrors, useTRPC, type IntakeResult, type Place } from '../lib/trpc';
import { newIdempotencyKey } from '../lib/idempotency-key';
import { useFieldErrorText } from '../lib/i18n-errors';
import { IntakeMap } from '../map/intake-map';
import { useErrorText } from '../components/status';
import { NearestPlace } from '../components/nearest-place';
import {
  initialIntakeForm,
  intakeFormReducer,
  intakeSubmission,
  type IntakeTextField,
} from './intake/intake-form';
import { CategoryPicker } from './intake/category-picker';
import { PlacePicker } from './intake/place-picker';
import { CallerHistory } from './intake/caller-history';
import { IntakeResultPanel, NearbyCases, RoutingPreview } from './intake/intake-panels';

/**
 * Hotline intake (热线受理): the operator takes a call with the keyboard — phone, nature, class,
 * description, place — sees where it would be routed and the open cases nearby, and files it or
 * links it to one of them. The form's state is one reducer (`intake/intake-form.ts`).
 */
export default function IntakeScreen() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const fieldText = useFieldErrorText();
  const errorText = useErrorText();

  const phoneRef = useRef<HTMLInputElement>(null);
  const [form, dispatch] = useReducer(intakeFormReducer, undefined, () =>
    initialIntakeForm(newIdempotencyKey()),
  );
  const [result, setResult] = useState<IntakeResult | null>(null);
  const { minorClassCode, location, urgent } = form;
  const edit = (field: IntakeTextField) => (value: string) => dispatch({ type: 'edit', field, value });

  const onMapPick = useCallback(
    (point: { lat: number; lng: number }) => dispatch({ type: 'pickPoint', point }),
    [],
  );
  const onPlacePick = useCallback((place: Place) => dispatch({ type: 'pickPlace', place }), []);

  // --- routing preview ---
  const preview = useQuery({
    ...trpc.intake.preview.queryOptions({
      minorClassCode: minorClassCode ?? 'E0101',
      location,
      urgency: urgent ? 'urgent' : 'normal',
    }),
    enabled: minorClassCode !== null,
    placeholderData: keepPreviousData,
  });
  const pv = minorClassCode ? preview.data : undefined;

  // --- submit ---
  const create = useMutation(
    trpc.intake.create.mutationOptions({
      onSuccess: (res) => {
        setResult(res);
        dispatch({ type: 'filed', nextKey: newIdempotencyKey() });
        phoneRef.current?.focus();
      },
    }),
  );
  const errors = create.error ? fieldErrors(create.error, fieldText) : {};
  const errorOf = (field: string) =>
    errors[field] ?? Object.entries(errors).find(([k]) => k.startsWith(`${field}.`))?.[1];
  const generalError = create.error && Object.keys(errors).length === 0 ? errorText(create.error) : null;

  const submit = (duplicateOf?: string) => {
    if (create.isPending) return;
    if (!minorClassCode) {
      create.reset();
      document.querySelector<HTMLInputElement>('[data-testid="intake-category-search"]')?.focus();
      return;
    }
    create.mutate(intakeSubmission({ ...form, minorClassCode }, duplicateOf));
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
      dispatch({ type: 'toggleUrgent' });
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
            <input
              ref={phoneRef}
              data-testid="intake-phone"
              inputMode="tel"
              autoFocus
              value={form.phone}
              onChange={(e) => edit('phone')(e.target.value)}
              autoComplete="off"
            />
            {errorOf('callerPhone') && (
              <span className="field-error" data-testid="error-callerPhone">
                {errorOf('callerPhone')}
              </span>
            )}
          </label>
          <label>
            {t('intake.name')}
            <input
              data-testid="intake-name"
              value={form.name}
              onChange={(e) => edit('name')(e.target.value)}
              autoComplete="off"
            />
            {errorOf('callerName') && <span className="field-error">{errorOf('callerName')}</span>}
          </label>
        </div>
        <fieldset className="natures" data-testid="intake-nature">
          <legend>{t('intake.nature')}</legend>
          {REQUEST_NATURES.map((n) => (
            <label key={n} className={`radio-pill ${form.nature === n ? 'checked' : ''}`}>
              <input
                type="radio"
                name="nature"
                value={n}
                checked={form.nature === n}
                onChange={() => dispatch({ type: 'setNature', nature: n })}
                data-testid={`nature-${n}`}
              />
              {t(`natures.${n}`)}
            </label>
          ))}
        </fieldset>
        <CategoryPicker
          hotlineCategory={form.hotlineCategory}
          onHotlineCategory={edit('hotlineCategory')}
          query={form.categoryQuery}
          onQuery={edit('categoryQuery')}
          minorClassCode={minorClassCode}
          onPick={(code) => dispatch({ type: 'pickClass', code })}
          error={errorOf('minorClassCode')}
        />
        <label>
          {t('intake.description')}
          <textarea
            data-testid="intake-description"
            rows={3}
            value={form.description}
            onChange={(e) => edit('description')(e.target.value)}
          />
          {errorOf('description') && (
            <span className="field-error" data-testid="error-description">
              {errorOf('description')}
            </span>
          )}
        </label>
        <div className="row2">
          <PlacePicker
            query={form.placeQuery}
            onQuery={edit('placeQuery')}
            onPick={onPlacePick}
            error={errorOf('location')}
          />
          <label>
            {t('intake.address')}
            <input
              data-testid="intake-address"
              value={form.address}
              onChange={(e) => edit('address')(e.target.value)}
              autoComplete="off"
            />
          </label>
        </div>
        <div className="location-line muted small" data-testid="intake-location">
          {location ? `${location.lat.toFixed(5)}, ${location.lng.toFixed(5)}` : t('intake.noLocation')} ·{' '}
          {t('intake.mapHint')}
        </div>
        <NearestPlace point={location} onUse={edit('address')} />
        <div className="submit-row">
          <label className={`toggle ${urgent ? 'on' : ''}`}>
            <input
              type="checkbox"
              data-testid="intake-urgent"
              checked={urgent}
              onChange={(e) => dispatch({ type: 'setUrgent', urgent: e.target.checked })}
            />
            {t('intake.urgentHint')}
          </label>
          <button
            type="submit"
            className="primary big"
            data-testid="intake-submit"
            disabled={create.isPending}
          >
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
        {result && <IntakeResultPanel result={result} onDismiss={() => setResult(null)} />}
        <div className="panel map-panel">
          <IntakeMap location={location} onPick={onMapPick} selectedCell={pv?.cellCode ?? null} />
        </div>
        <RoutingPreview
          hasClass={minorClassCode !== null}
          pending={preview.isPending}
          error={preview.isError ? preview.error : null}
          preview={pv}
        />
        <NearbyCases
          nearby={nearby}
          sayNone={pv !== undefined && location !== null}
          busy={create.isPending}
          onLink={(cn) => submit(cn)}
        />
        <CallerHistory phone={form.phone} />
      </div>
    </div>
  );
}
