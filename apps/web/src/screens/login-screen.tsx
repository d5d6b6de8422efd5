import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorData, useTRPC, type Me } from '../lib/trpc';
import { navigate } from '../lib/router';
import { setLanguage, type Language } from '../i18n';

/** `notice`: why the form is shown (the session expired or was ended elsewhere). */
export function LoginScreen({
  notice,
  onLoggedIn,
}: {
  notice: 'expired' | null;
  onLoggedIn: (me: NonNullable<Me>) => void;
}) {
  const { t, i18n } = useTranslation();
  const trpc = useTRPC();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [wall, setWall] = useState(false);
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (res) => {
        if (res.kind === 'wall') navigate('/map?wall=1', true);
        onLoggedIn(res);
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ username, password, ...(wall ? { wall: true } : {}) });
  };
  const err = login.error ? errorData(login.error) : null;
  return (
    <div className="login-page">
      <form className="login-card" onSubmit={submit} data-testid="login-form">
        <div className="login-title">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          <h1>{t('app.name')}</h1>
        </div>
        <label>
          {t('login.username')}
          <input
            data-testid="login-username"
            autoFocus
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          {t('login.password')}
          <input
            data-testid="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <label className="login-wall">
          <input
            type="checkbox"
            data-testid="login-wall"
            checked={wall}
            onChange={(e) => setWall(e.target.checked)}
          />
          {t('login.wall')}
        </label>
        {notice && !err && (
          <div className="form-notice" role="status" data-testid="login-notice">
            {t('login.expired')}
          </div>
        )}
        {err && (
          <div className="form-error" role="alert" data-testid="login-error">
            {err.code === 'TOO_MANY_REQUESTS'
              ? t('login.tooMany')
              : err.code === 'FORBIDDEN' && err.domain?.field === 'wall'
                ? t('login.wallRefused')
                : t('login.failed')}
          </div>
        )}
        <button type="submit" className="primary" data-testid="login-submit" disabled={login.isPending}>
          {t('login.submit')}
        </button>
        <p className="muted small">{t('login.hint')}</p>
        <div className="login-lang">
          <select
            aria-label={t('app.language')}
            data-testid="language-switch"
            value={i18n.language === 'en' ? 'en' : 'zh'}
            onChange={(e) => setLanguage(e.target.value as Language)}
          >
            <option value="zh">中文</option>
            <option value="en">English</option>
          </select>
        </div>
      </form>
    </div>
  );
}
