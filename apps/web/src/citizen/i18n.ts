import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './i18n/en.json';
import mn from './i18n/mn-Mong.json';
import zh from './i18n/zh.json';
// the @font-face only: the font file itself downloads when Mongolian text is on screen (the switch, or the mn page)
import '@fontsource/noto-sans-mongolian/mongolian-400.css';

/** The citizen pages' languages: Chinese, traditional Mongolian (written vertically), English. */
export const CITIZEN_LANGS = ['zh', 'mn', 'en'] as const;
export type CitizenLang = (typeof CITIZEN_LANGS)[number];
const HTML_LANG: Record<CitizenLang, string> = { zh: 'zh-CN', mn: 'mn-Mong', en: 'en' };
const STORAGE_KEY = 'citizen.lang';

function initialLang(): CitizenLang {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (fromUrl && (CITIZEN_LANGS as readonly string[]).includes(fromUrl)) return fromUrl as CitizenLang;
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored && (CITIZEN_LANGS as readonly string[]).includes(stored)) return stored as CitizenLang;
  const nav = navigator.language.toLowerCase();
  if (nav.startsWith('mn')) return 'mn';
  return 'zh';
}

/** Switch language: messages and `<html lang>` (the CSS turns mn-Mong vertical, in the Mongolian font). */
export function applyLanguage(lang: CitizenLang): void {
  void i18n.changeLanguage(lang);
  document.documentElement.lang = HTML_LANG[lang];
  localStorage.setItem(STORAGE_KEY, lang);
}

const lang = initialLang();
void i18n.use(initReactI18next).init({
  resources: { zh: { translation: zh }, en: { translation: en }, mn: { translation: mn } },
  lng: lang,
  fallbackLng: 'zh',
  interpolation: { escapeValue: false },
  returnNull: false,
});
applyLanguage(lang);

export const currentLang = (): CitizenLang => (i18n.language as CitizenLang) ?? 'zh';
export default i18n;
