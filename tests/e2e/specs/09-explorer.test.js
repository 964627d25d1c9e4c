// The mapping explorer and reuse across frameworks, in the real window: with
// only SOC 2 controls and evidence, ISO 27001 requirements linked to them show
// related coverage with its path (never counted as covered); the explorer lists
// the links between two frameworks with their source, walks from a requirement
// to its related ones, and adopting a related coverage maps the control, after
// which core (the CLI) counts the requirement as covered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, content, fill, launch, nav, shot, tempDir, text, until } from '../lib/app.js';

const SOC2_ONLY = `
controls:
  - id: IAM-01
    title: Single sign-on with MFA for every workforce account
    owner: IT
    status: implemented
    maps:
      soc2: ["CC6.1"]
    evidence:
      - title: IdP MFA policy export
        note: MFA enforced for all users in the IdP.
        collected: 2026-01-10
        valid_until: 2099-01-10
`;

const isoRow = (cov, ref) => cov[0].requirements.find((r) => r.ref === ref);

test('explorer lists links, walks to related requirements, and adopting related coverage maps the control', async () => {
  const dir = tempDir();
  const lib = join(tempDir('crosswalk-e2e-lib-'), 'soc2.yaml');
  writeFileSync(lib, SOC2_ONLY);
  cli(dir, 'import', lib, '--json');
  const before = cli(dir, 'coverage', 'iso27001-2022', '--json');
  assert.equal(before[0].counts.covered, 0);
  assert.equal(isoRow(before, 'A.5.18').status, 'gap');
  const offered = isoRow(before, 'A.5.18').related_coverage[0];
  assert.equal(offered.ref, 'CC6.1');
  const pair = cli(dir, 'links', 'soc2', 'iso27001-2022', '--json');

  const app = await launch(dir);
  const { browser } = app;
  try {
    // Frameworks view: the ISO gap names its related coverage and the path, and the figure is shown.
    await nav(browser, 'frameworks');
    await browser.$('.tabs button[data-framework="iso27001-2022"]').click();
    await until(browser, async () => (await text(browser, '[data-testid="framework-name"]')).startsWith('ISO/IEC 27001'), 'ISO selected');
    assert.equal(Number(await text(browser, '[data-fig="covered"]')), 0, 'nothing counted as covered');
    assert.equal(Number(await text(browser, '[data-fig="related_coverage"]')), before[0].related_coverage);
    await browser.$('[data-testid="requirement-tree"] [data-ref="A.5.18"]').click();
    await browser.$('[data-testid="related-coverage"]').waitForExist({ timeout: 10000 });
    const panel = await text(browser, '[data-testid="related-coverage"]');
    assert.ok(panel.includes(offered.summary), `the path is named: ${panel}`);
    assert.ok(panel.includes('Not counted as covered'));
    assert.equal((await content(browser, '[data-testid="requirement-detail"] [data-status]')).trim(), 'Gap');
    await shot(browser, '90-frameworks-related-coverage');

    // Explorer: SOC 2 → ISO 27001, every link, with where it comes from.
    await nav(browser, 'explorer');
    await browser.$('[data-testid="explorer-links"] [data-from]').waitForExist({ timeout: 15000 });
    await until(
      browser,
      async () => (await text(browser, '[data-testid="explorer-count"]')) === `${pair.links.length} of ${pair.total} links`,
      'the count core gives',
    );
    assert.ok((await text(browser, '[data-testid="explorer-sources"]')).includes('Crosswalk authors'));
    await shot(browser, '91-explorer-soc2-iso');

    // Filter by relationship: nothing in SOC 2 → ISO is "equal".
    await browser.$('[data-testid="explorer-relationship"]').selectByAttribute('value', 'equal');
    await until(browser, async () => (await text(browser, '[data-testid="explorer-count"]')).startsWith('0 of'), 'filtered to none');
    await browser.$('[data-testid="explorer-relationship"]').selectByAttribute('value', '');

    // Another pair: PCI DSS → CSF, supportive links with strength, filtered by source text.
    await browser.$('[data-testid="explorer-from"]').selectByAttribute('value', 'pci-dss-4.0.1');
    await browser.$('[data-testid="explorer-to"]').selectByAttribute('value', 'nist-csf-2.0');
    await until(browser, async () => (await text(browser, '[data-testid="explorer-count"]')).endsWith('of 551 links'), 'PCI → CSF');
    assert.ok((await text(browser, '[data-testid="explorer-links"]')).includes('supports'));
    assert.ok((await text(browser, '[data-testid="explorer-sources"]')).includes('CC0-1.0'));
    await fill(browser, '[data-testid="explorer-filter"]', '12.10.1');
    await browser.$('[data-testid="explorer-links"] [data-from="12.10.1"]').waitForExist({ timeout: 10000 });
    await shot(browser, '92-explorer-pci-csf');

    // Walk: from a PCI requirement to a CSF outcome, then on to its related ISO control.
    await browser.$('[data-from="12.10.1"] .link-row button').click();
    await browser.$('[data-testid="explorer-detail"] [data-testid="related-requirements"]').waitForExist({ timeout: 10000 });
    const first = await text(browser, '[data-testid="explorer-focus"]');
    await browser.$('[data-testid="explorer-detail"] [data-related^="iso27001-2022:"] button').click();
    await until(browser, async () => (await text(browser, '[data-testid="explorer-focus"]')) !== first, 'walked on');
    await shot(browser, '93-explorer-walk');

    // Adopt from the explorer: back to SOC 2 → ISO, pick A.5.18, adopt with a rationale.
    await browser.$('[data-testid="explorer-from"]').selectByAttribute('value', 'soc2');
    await browser.$('[data-testid="explorer-to"]').selectByAttribute('value', 'iso27001-2022');
    await fill(browser, '[data-testid="explorer-filter"]', '');
    await until(browser, async () => (await text(browser, '[data-testid="explorer-count"]')).endsWith(`of ${pair.total} links`), 'SOC 2 → ISO again');
    await browser.$('[data-from="CC6.2"] [data-to="A.5.18"] button').click();
    await browser.$('[data-testid="explorer-detail"] [data-testid="related-coverage"]').waitForExist({ timeout: 10000 });
    await fill(browser, '[data-testid="explorer-detail"] [data-testid="adopt-rationale"]', 'SSO groups grant and review every access right');
    await shot(browser, '94-explorer-adopt-before');
    await browser.$('[data-testid="explorer-detail"] [data-testid="adopt"]').click();
    await browser.$('[data-testid="adopted"]').waitForExist({ timeout: 10000 });
    assert.ok((await text(browser, '[data-testid="adopted"]')).includes('IAM-01'));
    await until(
      browser,
      async () => (await content(browser, '[data-testid="explorer-detail"] .row [data-status]')).trim() === 'Covered',
      'the requirement is now covered by its own control',
    );
    await shot(browser, '95-explorer-adopted');

    // Core agrees: covered now, mapped with the rationale, audited.
    const after = cli(dir, 'coverage', 'iso27001-2022', '--json');
    assert.equal(isoRow(after, 'A.5.18').status, 'covered');
    assert.equal(after[0].counts.covered, 1);
    const control = cli(dir, 'control', 'IAM-01', '--json');
    const m = control.mappings.find((x) => x.framework_id === 'iso27001-2022');
    assert.equal(m.rationale, 'SSO groups grant and review every access right');
    assert.ok(cli(dir, 'log', '--json').some((e) => e.action === 'crosswalk.adopted'));
  } finally {
    await app.close();
  }
});
