import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { citizenApi, type PublicStep, type PublicTimeline } from './api';
import { currentLang } from './i18n';
import { ErrorText, formatTime, groupCode } from './messages';
import { go } from './nav';

/** `/track/<code>`: the public timeline of one report, and the rating once it is closed. */
export default function TrackPage({ code }: { code: string }) {
  const { t } = useTranslation();
  const [data, setData] = useState<PublicTimeline | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [typed, setTyped] = useState(code);
  const inputId = useId();

  const load = useCallback(async () => {
    if (!code) return;
    setLoading(true);
    setError(null);
    try {
      setData(await citizenApi.track(code));
    } catch (e) {
      setData(null);
      setError(e);
    } finally {
      setLoading(false);
    }
  }, [code]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="track">
      <form
        className="card lookup"
        onSubmit={(e) => {
          e.preventDefault();
          const c = typed.trim().replace(/\s/g, '');
          if (c) go(`/track/${c}`);
        }}
      >
        <label htmlFor={inputId} className="field-label">
          {t('track.enterCode')}
        </label>
        <input
          id={inputId}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoCapitalize="characters"
          autoComplete="off"
          lang="en"
          data-testid="track-input"
        />
        <button type="submit" className="secondary">
          {t('track.lookup')}
        </button>
      </form>
      {loading && !data && <p className="muted">…</p>}
      <ErrorText error={error} />
      {data && <Timeline data={data} onChange={setData} onRefresh={() => void load()} />}
    </div>
  );
}

function stepText(s: PublicStep, t: (k: string, o?: Record<string, unknown>) => string): string {
  const lang = currentLang();
  if (s.type === 'dispatched') {
    const unit = s.unit ? (lang === 'en' ? s.unit.nameEn : s.unit.name) : '';
    return t('track.step.dispatched', { unit });
  }
  if (s.type === 'rated') return t('track.step.rated', { n: s.satisfaction ?? '' });
  return t(`track.step.${s.type}`);
}

function Timeline({
  data,
  onChange,
  onRefresh,
}: {
  data: PublicTimeline;
  onChange: (d: PublicTimeline) => void;
  onRefresh: () => void;
}) {
  const { t } = useTranslation();
  const [stars, setStars] = useState(0);
  const [rateError, setRateError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const [thanked, setThanked] = useState(false);
  const catName = t(`category.${data.hotlineCategory}`);

  async function rate() {
    if (stars < 1) return;
    setSending(true);
    setRateError(null);
    try {
      onChange(await citizenApi.rate(data.trackingCode, stars));
      setThanked(true);
    } catch (e) {
      setRateError(e);
    } finally {
      setSending(false);
    }
  }

  return (
    <section className="card timeline" data-testid="timeline" data-status={data.status}>
      <h2>{t('track.title')}</h2>
      <p className="tracking-code small" lang="en" data-testid="timeline-code">
        {groupCode(data.trackingCode)}
      </p>
      <p>
        <span className={`status status-${data.status}`} data-testid="timeline-status">
          {t(`track.status.${data.status}`)}
        </span>{' '}
        <span className="muted">{catName}</span>
      </p>
      {data.photos.length > 0 && (
        <div className="photos">
          {data.photos.map((sha) => (
            <img
              key={sha}
              className="thumb-img"
              src={citizenApi.photoUrl(data.trackingCode, sha)}
              alt={t('track.yourPhotoAlt')}
            />
          ))}
        </div>
      )}
      <ol className="steps" data-testid="steps">
        {data.steps.map((s, i) => (
          <li key={i} className={`step step-${s.type}`} data-testid={`step-${s.type}`}>
            <span className="step-text">{stepText(s, t)}</span>{' '}
            <time className="num" dateTime={s.at} lang="en">
              {formatTime(s.at)}
            </time>
            {s.type === 'dispatched' && s.unit && currentLang() === 'mn' && (
              <span className="unit-zh" lang="zh-CN">
                {s.unit.name}
              </span>
            )}
            {s.reason && <p className="reason">{t('track.reason', { reason: s.reason })}</p>}
            {(s.photos ?? []).map((sha) => (
              <img
                key={sha}
                className="thumb-img"
                src={citizenApi.photoUrl(data.trackingCode, sha)}
                alt={t('track.photoAlt')}
                data-testid="disposal-photo"
              />
            ))}
          </li>
        ))}
      </ol>
      {data.canRate && (
        <fieldset className="rate" data-testid="rate">
          <legend>{t('track.rateTitle')}</legend>
          <div className="stars" role="radiogroup" aria-label={t('track.rateTitle')}>
            {[1, 2, 3, 4, 5].map((n) => (
              <button
                key={n}
                type="button"
                role="radio"
                aria-checked={stars === n}
                aria-label={t('track.rateStar', { n })}
                className={n <= stars ? 'star on' : 'star'}
                onClick={() => setStars(n)}
                data-testid={`star-${n}`}
              >
                ★
              </button>
            ))}
          </div>
          <button
            type="button"
            className="primary"
            disabled={stars < 1 || sending}
            onClick={() => void rate()}
            data-testid="rate-submit"
          >
            {t('track.rateSubmit')}
          </button>
          <ErrorText error={rateError} />
        </fieldset>
      )}
      {thanked && (
        <p className="ok" role="status" data-testid="rated">
          {t('track.rated')}
        </p>
      )}
      <button type="button" className="secondary" onClick={onRefresh}>
        {t('track.refresh')}
      </button>
    </section>
  );
}
