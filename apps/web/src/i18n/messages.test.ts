import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import en from './en.json';
import zh from './zh.json';
import { fieldIssueText } from '../lib/i18n-errors';

type Tree = { [k: string]: string | Tree };

/** Every leaf key of a message tree with its text: `queue.range` → "第 {{from}}–{{to}} 件…". */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

describe('the message files', () => {
  const zhKeys = leaves(zh as Tree);
  const enKeys = leaves(en as Tree);

  it('every key in zh.json exists in en.json and vice versa', () => {
    expect([...zhKeys.keys()].filter((k) => !enKeys.has(k))).toEqual([]);
    expect([...enKeys.keys()].filter((k) => !zhKeys.has(k))).toEqual([]);
  });

  it('a message has the same placeholders in both languages and no empty text', () => {
    for (const [k, zhText] of zhKeys) {
      const enText = enKeys.get(k);
      if (enText === undefined) continue;
      expect(placeholders(enText), k).toEqual(placeholders(zhText));
      expect(zhText.trim(), k).not.toBe('');
      expect(enText.trim(), k).not.toBe('');
    }
  });

  it('English messages contain no Chinese characters', () => {
    expect([...enKeys].filter(([, v]) => /\p{Script=Han}/u.test(v)).map(([k]) => k)).toEqual([]);
  });
});

describe('field issue texts', () => {
  const make = async (lng: 'zh' | 'en') => {
    const i = i18next.createInstance();
    await i.init({
      lng,
      resources: { zh: { translation: zh }, en: { translation: en } },
      interpolation: { escapeValue: false },
    });
    return i;
  };

  it('a too-long description names the field and its maximum, in both languages', async () => {
    const issue = {
      field: 'description',
      message: 'Too big',
      code: 'too_big',
      params: { maximum: 4000, origin: 'string' },
    };
    const zhI = await make('zh');
    expect(fieldIssueText(zhI.t, zhI, issue)).toBe('“问题描述”最多 4,000 个字，请删减后再提交');
    const enI = await make('en');
    expect(fieldIssueText(enI.t, enI, issue)).toBe(
      'Description: at most 4,000 characters; shorten it and submit again',
    );
  });

  it('a too-short reason keeps its own explanation; a refused upload says what to upload', async () => {
    const zhI = await make('zh');
    expect(
      fieldIssueText(zhI.t, zhI, {
        field: 'action.reason',
        message: 'x',
        code: 'too_small',
        params: { minimum: 2, origin: 'string' },
      }),
    ).toBe(zh.fieldErrors.reason);
    const enI = await make('en');
    expect(
      fieldIssueText(enI.t, enI, {
        field: 'file',
        message: 'only images',
        code: 'BAD_INPUT',
        params: { reason: 'not_image' },
      }),
    ).toBe(en.fieldErrors.file_not_image);
  });
});
