import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorData, setCsrfToken, useTRPC } from '../lib/trpc';
import { setLanguage, type Language } from '../i18n';

export function LoginScreen() {
  const { t, i18n } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (res) => {
        setCsrfToken(res.csrfToken);
        queryClient.setQueryData(trpc.auth.me.queryKey(), res);
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ username, password });
  };
  const err = login.error ? errorData(login.error) : null;
  return (
    <div className="login-page">
      <form className="login-card" onSubmit={submit} data-testid="login-form">
        <div className="login-title">
          <span className="brand-mark" aria-hidden="true">◆</span>
          <h1>{t('app.name')}</h1>
        </div>
        <label>
          {t('login.username')}
          <input data-testid="login-username" autoFocus autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          {t('login.password')}
          <input data-testid="login-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {err && (
          <div className="form-error" role="alert" data-testid="login-error">
            {err.code === 'TOO_MANY_REQUESTS' ? t('login.tooMany') : t('login.failed')}
          </div>
        )}
        <button type="submit" className="primary" data-testid="login-submit" disabled={login.isPending}>
          {t('login.submit')}
        </button>
        <p className="muted small">{t('login.hint')}</p>
        <div className="login-lang">
          <select aria-label={t('app.language')} data-testid="language-switch" value={i18n.language === 'en' ? 'en' : 'zh'} onChange={(e) => setLanguage(e.target.value as Language)}>
            <option value="zh">中文</option>
            <option value="en">English</option>
          </select>
        </div>
      </form>
    </div>
  );
}
