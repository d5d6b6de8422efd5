import { describe, expect, it } from 'vitest';
import { scavengesOf } from './gc.ts';

// lines as node 20's --trace-gc-nvp prints them (shortened: V8 prints some 80 fields)
const scavenge = (pause: number, allocated: number, survived: number) =>
  `[13032:0x9e5bdd0]    19161 ms: pause=${pause} mutator=417.4 gc=s reduce_memory=0 scavenge=2.35 allocated=${allocated} promoted=123 new_space_survived=${survived} nodes_died_in_new=80`;
const major =
  '[13032:0x9e5bdd0]    20100 ms: pause=9.1 mutator=900.2 gc=mc reduce_memory=0 allocated=555 promoted=0 new_space_survived=0';

describe("V8's scavenge lines", () => {
  it('reads pause, allocation and survival of each scavenge and leaves other collections and text out', () => {
    const text = [
      'server listening on 127.0.0.1:3000',
      scavenge(2.5, 13_531_008, 354_144),
      major,
      '[13032:0x9e5bdd0]    19161 ms: Scavenge 48.6 (118.5) -> 37.4 (118.5) MB, 3.11 / 0.00 ms',
      scavenge(1.8, 13_698_832, 356_592),
    ].join('\n');
    expect(scavengesOf(text)).toEqual([
      { pauseMs: 2.5, allocated: 13_531_008, survived: 354_144 },
      { pauseMs: 1.8, allocated: 13_698_832, survived: 356_592 },
    ]);
  });

  it('skips a line cut off before its figures (output read in pieces)', () => {
    expect(scavengesOf('[1:0x1]  5 ms: pause=2.5 mutator=4.0 gc=s reduce_memory=0 scav')).toEqual([]);
  });
});
