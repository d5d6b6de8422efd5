#!/usr/bin/env python3
"""Latin transliteration (classical Mongolian) -> traditional Mongolian script (Unicode).

Used to write the mn-Mong message files so that reviewers can read the intended spelling next to
the script ("_translit" in the files). Scheme: a e i o u ö ü n ng b p q γ m l s š t d č ǰ y r w f k h z;
'_' = narrow no-break space before a suffix (U+202F); '~' = Mongolian vowel separator (U+180E);
',' and '.' become the Mongolian comma and full stop. Usage: mongol-translit.py "latin text".
"""
import sys

MAP = {
    'ng': '\u1829', 'a': '\u1820', 'e': '\u1821', 'i': '\u1822', 'o': '\u1823', 'u': '\u1824', 'ö': '\u1825', 'ü': '\u1826',
    'n': '\u1828', 'b': '\u182a', 'p': '\u182b', 'q': '\u182c', 'γ': '\u182d', 'g': '\u182d', 'k': '\u182c', 'm': '\u182e', 'l': '\u182f',
    's': '\u1830', 'š': '\u1831', 't': '\u1832', 'd': '\u1833', 'č': '\u1834', 'ǰ': '\u1835', 'y': '\u1836', 'r': '\u1837',
    'w': '\u1838', 'f': '\u1839', 'h': '\u183e', 'z': '\u183d', '_': '\u202f', '~': '\u180e', ',': '\u1802', '.': '\u1803',
}

def translit(s: str) -> str:
    out, i = [], 0
    while i < len(s):
        if s[i] == '{':  # keep placeholders ({{x}} for i18next, {x} for SMS) as they are
            j = s.index('}', i) + 1
            while j < len(s) and s[j] == '}':
                j += 1
            out.append(s[i:j]); i = j; continue
        if s.startswith('ng', i) and (i + 2 == len(s) or s[i + 2] not in 'aeiouöü'):
            out.append(MAP['ng']); i += 2; continue
        c = s[i]
        out.append(MAP.get(c, c)); i += 1
    return ''.join(out)

if __name__ == '__main__':
    print(translit(' '.join(sys.argv[1:])))
