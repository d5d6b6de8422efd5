import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { attachmentUrl } from '../lib/attachments';
import { useTRPC } from '../lib/trpc';

/** What a citizen sent with an online report (网上举报): language, consent, photos. Nothing for other channels. */
export function CitizenFacts({ caseNumber }: { caseNumber: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.citizen.reportOf.queryOptions({ caseNumber }), staleTime: 60_000 });
  const r = q.data;
  if (!r) return null;
  return (
    <section data-testid="citizen-facts">
      <h4>
        <span className="chip">{t('case.onlineReport')}</span>
      </h4>
      <p className="small">
        {t('case.onlineDetails', {
          lang: t(`case.onlineLang.${r.lang}`),
          consent: r.publicOk ? t('case.onlinePublic') : t('case.onlinePrivate'),
        })}
      </p>
      {r.photos.length > 0 && (
        <div className="thumbs" aria-label={t('case.onlinePhotos')}>
          {r.photos.map((sha) => (
            <a key={sha} href={attachmentUrl(sha)} target="_blank" rel="noreferrer" className="thumb">
              <img
                src={attachmentUrl(sha)}
                alt={t('case.onlinePhotos')}
                loading="lazy"
                data-testid="citizen-photo"
              />
            </a>
          ))}
        </div>
      )}
    </section>
  );
}
