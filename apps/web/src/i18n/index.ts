import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { useCallback } from 'react';
import en from './en.json';
import zh from './zh.json';

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'citygrid.lang';

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
const initial: Language = stored === 'en' ? 'en' : 'zh';

void i18n.use(initReactI18next).init({
  resources: { zh: { translation: zh }, en: { translation: en } },
  lng: initial,
  fallbackLng: 'zh',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function setLanguage(lang: Language): void {
  void i18n.changeLanguage(lang);
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

/** Picks the Chinese or English name of a reference object for the current language. */
export function useLocalName(): (o: { name: string; nameEn?: string } | null | undefined) => string {
  const { i18n: inst } = useTranslation();
  const en = inst.language === 'en';
  return useCallback((o) => (o ? (en && o.nameEn ? o.nameEn : o.name) : ''), [en]);
}

export default i18n;
