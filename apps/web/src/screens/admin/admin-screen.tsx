import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../../lib/trpc';
import { navigate, useRoute } from '../../lib/router';
import { UsersTab } from './users-tab';
import { OrgTab } from './org-tab';
import { RoutingTab } from './routing-tab';
import { LimitsTab } from './limits-tab';
import { CalendarTab } from './calendar-tab';
import { KeysTab } from './keys-tab';
import { AuditTab } from './audit-tab';
import { GridTab } from './grid-tab';
import { GazetteerTab } from './gazetteer-tab';
import './admin.css';

const TABS = ['users', 'org', 'routing', 'limits', 'calendar', 'grid', 'gazetteer', 'keys', 'audit'] as const;
type Tab = (typeof TABS)[number];

/** The admin console (`#/admin/<tab>`): every change here is audited. */
export default function AdminScreen() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const route = useRoute();
  const tab: Tab = (TABS as readonly string[]).includes(route.segments[1] ?? '')
    ? (route.segments[1] as Tab)
    : 'users';
  const calendar = useQuery(trpc.admin.calendarStatus.queryOptions());
  return (
    <div className="admin-screen" data-testid="admin-screen">
      <div className="admin-head">
        <h2>{t('admin.title')}</h2>
        <nav className="admin-tabs" aria-label={t('admin.title')}>
          {TABS.map((x) => (
            <button
              key={x}
              type="button"
              className={x === tab ? 'pressed' : ''}
              aria-current={x === tab ? 'page' : undefined}
              data-testid={`admin-tab-${x}`}
              onClick={() => navigate(`/admin/${x}`)}
            >
              {t(`admin.tabs.${x}`)}
            </button>
          ))}
        </nav>
      </div>
      {calendar.data?.warning && (
        <div className="admin-banner" role="alert" data-testid="calendar-warning">
          {t('admin.calendar.warning', { weeks: calendar.data.warningWeeks, year: calendar.data.nextYear })}{' '}
          <button type="button" className="link" onClick={() => navigate('/admin/calendar')}>
            {t('admin.calendar.goLoad')}
          </button>
        </div>
      )}
      <div className="admin-body">
        {tab === 'users' && <UsersTab />}
        {tab === 'org' && <OrgTab />}
        {tab === 'routing' && <RoutingTab />}
        {tab === 'limits' && <LimitsTab />}
        {tab === 'calendar' && <CalendarTab />}
        {tab === 'grid' && <GridTab />}
        {tab === 'gazetteer' && <GazetteerTab />}
        {tab === 'keys' && <KeysTab />}
        {tab === 'audit' && <AuditTab />}
      </div>
    </div>
  );
}
