import { lazy, Suspense, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { citizenApi, CitizenApiError, type Catalog } from './api';
import { CategoryIcon } from './icons';
import { currentLang } from './i18n';
import { ErrorText, groupCode } from './messages';
import { go } from './nav';
import { drop, keep, newIdempotencyKey, sendReport, type PendingReport } from './outbox';
import { shrinkPhoto } from './photos';

const LocationMap = lazy(() => import('./location-map'));
const QrCode = lazy(() => import('./qr-code'));

export interface ChosenPlace {
  lat: number;
  lng: number;
  coordSystem: 'wgs84' | 'gcj02' | 'bd09';
}

/** A place handed over in the link by WeChat or a Chinese map app (`?lat=&lng=&crs=gcj02`). */
function placeFromUrl(): ChosenPlace | null {
  const q = new URLSearchParams(window.location.search);
  const lat = Number(q.get('lat'));
  const lng = Number(q.get('lng'));
  const crs = q.get('crs');
  if (!q.get('lat') || !Number.isFinite(lat) || !Number.isFinite(lng)) return null;
  return { lat, lng, coordSystem: crs === 'gcj02' || crs === 'bd09' ? crs : 'wgs84' };
}

type Outcome = { kind: 'sent'; code: string; hasPhone: boolean } | { kind: 'kept' };

export function ReportPage() {
  const { t, i18n } = useTranslation();
  const lang = currentLang();
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [catalogError, setCatalogError] = useState<unknown>(null);
  const [category, setCategory] = useState<string | null>(null);
  const [classCode, setClassCode] = useState<string | null>(null);
  const [photos, setPhotos] = useState<string[]>([]);
  const [shrinking, setShrinking] = useState(false);
  const [place, setPlace] = useState<ChosenPlace | null>(placeFromUrl);
  const [locating, setLocating] = useState(false);
  const [locationFailed, setLocationFailed] = useState(false);
  const [description, setDescription] = useState('');
  const [phone, setPhone] = useState('');
  const [publicOk, setPublicOk] = useState(false);
  const [missing, setMissing] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const ids = { desc: useId(), phone: useId(), pub: useId(), photo: useId() };

  useEffect(() => {
    let alive = true;
    const load = () =>
      citizenApi.catalog().then(
        (c) => alive && (setCatalog(c), localStorage.setItem('citizen.catalog', JSON.stringify(c))),
        (e: unknown) => {
          // offline: the catalog of the last visit still lets a report be written
          const cached = localStorage.getItem('citizen.catalog');
          if (cached && alive) setCatalog(JSON.parse(cached) as Catalog);
          else if (alive) setCatalogError(e);
        },
      );
    void load();
    return () => {
      alive = false;
    };
  }, []);

  const className = (c: { name: string; nameEn: string }) => (lang === 'en' ? c.nameEn : c.name);
  const classes = catalog?.categories.find((c) => c.code === category)?.classes ?? [];

  async function addPhotos(files: FileList | null) {
    if (!files) return;
    setShrinking(true);
    setError(null);
    try {
      const room = 3 - photos.length;
      const shrunk: string[] = [];
      for (const f of Array.from(files).slice(0, room)) shrunk.push(await shrinkPhoto(f));
      setPhotos((p) => [...p, ...shrunk].slice(0, 3));
    } catch {
      setError(new CitizenApiError(400, 'photo_type', 'photo', 'not an image'));
    } finally {
      setShrinking(false);
    }
  }

  function locate() {
    setLocating(true);
    setLocationFailed(false);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        setPlace({ lat: pos.coords.latitude, lng: pos.coords.longitude, coordSystem: 'wgs84' });
      },
      () => {
        setLocating(false);
        setLocationFailed(true);
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }

  async function submit() {
    const miss = [
      !classCode && 'field.class',
      !place && 'field.place',
      description.trim().length < 2 && 'field.description',
    ].filter((x): x is string => !!x);
    setMissing(miss);
    if (miss.length > 0 || !classCode || !place) return;
    setError(null);
    const report: PendingReport = {
      payload: {
        idempotencyKey: newIdempotencyKey(),
        lang,
        minorClassCode: classCode,
        description: description.trim(),
        location: place,
        phone: phone.trim() || null,
        publicOk,
      },
      photos,
      savedAt: new Date().toISOString(),
    };
    // written to the phone first: nothing typed is lost if the signal drops now
    keep(report);
    if (!navigator.onLine) {
      setOutcome({ kind: 'kept' });
      return;
    }
    setSubmitting(true);
    try {
      const code = await sendReport(report);
      drop(report.payload.idempotencyKey);
      setOutcome({ kind: 'sent', code, hasPhone: report.payload.phone !== null });
    } catch (e) {
      if (e instanceof CitizenApiError && (e.isNetwork || e.status >= 500)) setOutcome({ kind: 'kept' });
      else {
        drop(report.payload.idempotencyKey);
        setError(e);
      }
    } finally {
      setSubmitting(false);
    }
  }

  if (outcome?.kind === 'kept') {
    return (
      <section className="card result" data-testid="report-kept">
        <h2>{t('offline.offlineNow')}</h2>
        <p className="kept-text">{t('offline.saved')}</p>
        <button type="button" className="secondary" onClick={() => window.location.assign('/report')}>
          {t('result.again')}
        </button>
      </section>
    );
  }
  if (outcome?.kind === 'sent') {
    const url = `${window.location.origin}/track/${outcome.code}`;
    return (
      <section className="card result" data-testid="report-result">
        <h2>{t('result.title')}</h2>
        <p className="code-label">{t('result.code')}</p>
        <p className="tracking-code" data-testid="tracking-code" data-code={outcome.code} lang="en">
          {groupCode(outcome.code)}
        </p>
        <Suspense fallback={<div className="qr placeholder" />}>
          <QrCode text={url} label={t('result.qr')} />
        </Suspense>
        <p>{t('result.hint')}</p>
        {outcome.hasPhone && <p className="muted">{t('result.smsSent')}</p>}
        <p className="link-line" lang="en">
          <a
            href={`/track/${outcome.code}`}
            onClick={(e) => (e.preventDefault(), go(`/track/${outcome.code}`))}
            data-testid="result-track-link"
          >
            {url}
          </a>
        </p>
        <button type="button" className="secondary" onClick={() => window.location.assign('/report')}>
          {t('result.again')}
        </button>
      </section>
    );
  }

  return (
    <form
      className="report-form"
      data-testid="report-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset className="card">
        <legend>{t('form.category')}</legend>
        {catalogError !== null && <ErrorText error={catalogError} />}
        <div className="cat-grid">
          {(catalog?.categories ?? []).map((c) => (
            <button
              key={c.code}
              type="button"
              className="cat"
              aria-pressed={category === c.code}
              onClick={() => {
                setCategory(c.code);
                setClassCode(c.classes.length === 1 ? c.classes[0]!.code : null);
              }}
              data-testid={`category-${c.code}`}
            >
              <CategoryIcon code={c.code} />
              <span>{t(`category.${c.code}`)}</span>
            </button>
          ))}
        </div>
      </fieldset>

      <fieldset className="card">
        <legend>{t('form.class')}</legend>
        {category === null ? (
          <p className="muted">{t('form.classHint')}</p>
        ) : (
          <div className="class-list" role="radiogroup" aria-label={t('form.class')}>
            {classes.map((m) => (
              <label
                key={m.code}
                className="choice"
                data-testid={`class-${m.code}`}
                lang={lang === 'en' ? 'en' : 'zh-CN'}
              >
                <input
                  type="radio"
                  name="class"
                  value={m.code}
                  checked={classCode === m.code}
                  onChange={() => setClassCode(m.code)}
                />
                <span>{className(m)}</span>
              </label>
            ))}
          </div>
        )}
      </fieldset>

      <fieldset className="card">
        <legend>{t('form.photos')}</legend>
        <div className="photos">
          {photos.map((p, i) => (
            <div key={i} className="thumb">
              <img src={p} alt="" />
              <button
                type="button"
                className="remove"
                aria-label={t('form.removePhoto', { n: i + 1 })}
                onClick={() => setPhotos((ps) => ps.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </div>
          ))}
        </div>
        {photos.length < 3 && (
          <label className="button secondary file-button" htmlFor={ids.photo}>
            {shrinking ? t('form.shrinking') : t('form.addPhoto')}
            <input
              id={ids.photo}
              type="file"
              accept="image/*"
              multiple
              className="visually-hidden"
              onChange={(e) => void addPhotos(e.currentTarget.files).then(() => (e.target.value = ''))}
              data-testid="photo-input"
            />
          </label>
        )}
      </fieldset>

      <fieldset className="card">
        <legend>{t('form.place')}</legend>
        <button
          type="button"
          className="secondary"
          onClick={locate}
          disabled={locating}
          data-testid="use-location"
        >
          {locating ? t('form.locating') : t('form.useLocation')}
        </button>
        {locationFailed && (
          <p className="error" role="alert">
            {t('form.locationFailed')}
          </p>
        )}
        <p className="muted">{t('form.tapMap')}</p>
        <Suspense fallback={<div className="map-box placeholder" />}>
          <LocationMap
            communities={catalog?.communities ?? []}
            value={place}
            onPick={(p) => setPlace({ ...p, coordSystem: 'wgs84' })}
            label={t('form.mapLabel')}
          />
        </Suspense>
        {place && (
          <p className="place-chosen" data-testid="place-chosen" data-crs={place.coordSystem}>
            {t('form.placeChosen')}:{' '}
            <span lang="en">
              {place.lat.toFixed(5)}, {place.lng.toFixed(5)}
            </span>
          </p>
        )}
      </fieldset>

      <fieldset className="card">
        <legend>
          <label htmlFor={ids.desc}>{t('form.description')}</label>
        </legend>
        <textarea
          id={ids.desc}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder={t('form.descriptionPlaceholder')}
          maxLength={1000}
          rows={4}
          data-testid="description"
        />
      </fieldset>

      <div className="card">
        <label htmlFor={ids.phone} className="field-label">
          {t('form.phone')}
        </label>
        <input
          id={ids.phone}
          type="tel"
          inputMode="numeric"
          autoComplete="tel"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          maxLength={20}
          data-testid="phone"
          lang="en"
        />
        <label className="choice" htmlFor={ids.pub}>
          <input
            id={ids.pub}
            type="checkbox"
            checked={publicOk}
            onChange={(e) => setPublicOk(e.target.checked)}
            data-testid="public-ok"
          />
          <span>{t('form.public')}</span>
        </label>
      </div>

      {missing.length > 0 && (
        <p className="error" role="alert" data-testid="missing">
          {t('form.missing', { fields: missing.map((m) => t(m)).join(i18n.language === 'zh' ? '、' : ', ') })}
        </p>
      )}
      <ErrorText error={error} />
      <button type="submit" className="primary submit" disabled={submitting} data-testid="submit-report">
        {submitting ? t('form.submitting') : t('form.submit')}
      </button>
    </form>
  );
}
