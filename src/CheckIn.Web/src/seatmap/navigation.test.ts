import { describe, expect, it } from 'vitest';
import { buildLayout } from './layout';
import { firstSeat, lastSeat, nextSeat } from './navigation';
import { testMap } from './testMap';

const layout = buildLayout(testMap());
const go = (from: string, key: string, ctrlKey = false) => nextSeat(layout, from, { key, ctrlKey });

describe('APG grid keyboard', () => {
  it('moves left and right within the row across the aisle', () => {
    expect(go('5C', 'ArrowRight')).toBe('5D');
    expect(go('5D', 'ArrowLeft')).toBe('5C');
  });

  it('skips a missing seat and stops at the row ends', () => {
    expect(go('14A', 'ArrowRight')).toBe('14C');
    expect(go('14C', 'ArrowLeft')).toBe('14A');
    expect(go('5F', 'ArrowRight')).toBe('5F');
    expect(go('5A', 'ArrowLeft')).toBe('5A');
  });

  it('moves up and down to the same letter, over a skipped row', () => {
    expect(go('12E', 'ArrowDown')).toBe('14E');
    expect(go('14E', 'ArrowUp')).toBe('12E');
    expect(go('14F', 'ArrowDown')).toBe('14F');
    expect(go('1A', 'ArrowUp')).toBe('1A');
  });

  it('goes to the nearest seat across the cabin when the letter is missing', () => {
    expect(go('4B', 'ArrowUp')).toBe('2C');
    expect(go('4E', 'ArrowUp')).toBe('2D');
    expect(go('12B', 'ArrowDown')).toBe('14A');
    expect(go('2A', 'ArrowDown')).toBe('4A');
  });

  it('goes to the first/last seat of the row with Home/End, of the map with Ctrl', () => {
    expect(go('14E', 'Home')).toBe('14A');
    expect(go('5B', 'End')).toBe('5F');
    expect(go('7C', 'Home', true)).toBe('1A');
    expect(go('7C', 'End', true)).toBe('14F');
    expect(firstSeat(layout)).toBe('1A');
    expect(lastSeat(layout)).toBe('14F');
  });

  it('leaves other keys to the browser', () => {
    expect(go('5C', 'Tab')).toBeUndefined();
    expect(go('5C', 'Enter')).toBeUndefined();
  });
});
