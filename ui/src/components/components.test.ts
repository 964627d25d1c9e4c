import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import CoverageChart from './CoverageChart.svelte';
import ErrorMessage from './ErrorMessage.svelte';
import StatusBadge from './StatusBadge.svelte';
import { counts, framework } from '../test/fixtures';

describe('ErrorMessage', () => {
  it('lists each problem as file:line:column', () => {
    render(ErrorMessage, {
      error: {
        kind: 'invalid',
        message: 'bad/controls.yaml:11:11: `CC99.1` is not a requirement of soc2\nnothing was written',
        problems: [{ location: { file: 'bad/controls.yaml', line: 11, column: 11 }, message: '`CC99.1` is not a requirement of soc2' }],
      },
    });
    expect(screen.getByTestId('problems').textContent).toContain('bad/controls.yaml:11:11');
    expect(screen.getByRole('alert').textContent).toContain('nothing was written');
  });
});

describe('StatusBadge', () => {
  it('labels a gap as a gap, whatever related coverage it has', () => {
    const { container } = render(StatusBadge, { status: 'gap' });
    const badge = container.querySelector('[data-status]')!;
    expect(badge.className).toContain('s-gap');
    expect(badge.textContent).toContain('Gap');
  });
});

describe('CoverageChart', () => {
  it('draws segments proportional to the counts core returns', () => {
    const fc = framework('soc2', 'SOC 2', counts({ covered: 25, partial: 25, gap: 50 }), 25);
    const { container } = render(CoverageChart, { data: [fc] });
    const width = (cls: string) => Number(container.querySelector(`.seg-${cls}`)!.getAttribute('width'));
    expect(width('covered')).toBeCloseTo(width('partial'));
    expect(width('gap')).toBeCloseTo(2 * width('covered'));
    expect(container.textContent).toContain('25%');
  });

  it('leaves not-applicable requirements out of the bar', () => {
    const fc = framework('gdpr', 'GDPR', counts({ covered: 10, gap: 10, not_applicable: 30 }), 50);
    const { container } = render(CoverageChart, { data: [fc] });
    const covered = Number(container.querySelector('.seg-covered')!.getAttribute('width'));
    const track = Number(container.querySelector('.track')!.getAttribute('width'));
    expect(covered).toBeCloseTo(track / 2);
  });
});
