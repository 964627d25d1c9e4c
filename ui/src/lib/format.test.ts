import { describe, expect, it } from 'vitest';
import { bytes, dateTime, percent, plural } from './format';

describe('format', () => {
  it('shows percentages as core computed them', () => {
    expect(percent(0)).toBe('0%');
    expect(percent(7.5)).toBe('7.5%');
    expect(percent(100)).toBe('100%');
  });
  it('sizes', () => {
    expect(bytes(84)).toBe('84 B');
    expect(bytes(2048)).toBe('2.0 KiB');
    expect(bytes(5 * 1024 * 1024 * 1024)).toBe('5.0 GiB');
  });
  it('plurals and times', () => {
    expect(plural(1, 'gap')).toBe('1 gap');
    expect(plural(3, 'gap')).toBe('3 gaps');
    expect(dateTime('2026-11-22T05:02:41Z')).toBe('2026-11-22 05:02');
  });
});
