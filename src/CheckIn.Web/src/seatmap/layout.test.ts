import { describe, expect, it } from 'vitest';
import { buildLayout, parseColumns } from './layout';
import { testMap } from './testMap';

describe('parseColumns', () => {
  it('reads letters and the aisles between them', () => {
    expect(parseColumns('ABC_DEF').map((c) => `${c.aisleBefore ? '|' : ''}${c.letter}`).join('')).toBe('ABC|DEF');
    expect(parseColumns('AC_DF').map((c) => c.x)).toEqual([0, 0.25, 0.75, 1]);
  });
});

describe('buildLayout', () => {
  const layout = buildLayout(testMap());

  it('orders cabin bands by row, each with its name and columns', () => {
    expect(layout.cabins.map((c) => c.name)).toEqual(['Business', 'Economy']);
    expect(layout.cabins[0]!.columns.map((c) => c.letter).join('')).toBe('ACDF');
    expect(layout.cabins[1]!.columns.filter((c) => c.aisleBefore).map((c) => c.letter)).toEqual(['D']);
  });

  it('has one row per seat row, leaving out rows without seats', () => {
    expect(layout.rows.map((r) => r.row)).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]);
  });

  it('marks exit rows and extra legroom rows', () => {
    expect(layout.rows.filter((r) => r.exit).map((r) => r.row)).toEqual([11, 12]);
    expect(layout.rows.filter((r) => r.extraLegroom).map((r) => r.row)).toEqual([4, 11, 12]);
  });

  it('lines cells up under their columns, with a gap where a seat is missing', () => {
    const row14 = layout.rows.find((r) => r.row === 14)!;
    expect(row14.cells.map((s) => s?.seatNumber ?? '-')).toEqual(['14A', '-', '14C', '14D', '14E', '14F']);
    expect(layout.positions.get('14C')).toEqual({ rowIndex: 11, cellIndex: 2 });
    expect(layout.positions.has('14B')).toBe(false);
  });
});
