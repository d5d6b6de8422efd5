import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n';
import './citizen.css';
import { CitizenApp } from './app';

const root = document.getElementById('citizen-root');
if (!root) throw new Error('#citizen-root missing');
createRoot(root).render(
  <StrictMode>
    <CitizenApp />
  </StrictMode>,
);

// installable and usable without signal once visited (see public/report-sw.js)
if ('serviceWorker' in navigator && window.isSecureContext) {
  window.addEventListener(
    'load',
    () => void navigator.serviceWorker.register('/report-sw.js').catch(() => {}),
  );
}
