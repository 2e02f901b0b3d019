import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { buildTeamsPackage, validateTeamsManifest, buildTeamsManifest } from '../../bot/teams/teamsPackage';

const INPUT = {
  teamsAppId: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b',
  botId: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
  baseUrl: 'https://assistant.example.gouv.fr/',
  version: '1.2.3',
};

describe('The Teams app package', () => {
  test('When it is built from valid settings, then the zip holds a schema-valid manifest and both icons at their sizes', async () => {
    const built = await buildTeamsPackage(INPUT);
    const zip = await JSZip.loadAsync(built.zip);

    expect(built.errors).toEqual([]);
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(manifest).toMatchObject({ id: INPUT.teamsAppId, version: '1.2.3', bots: [{ botId: INPUT.botId, scopes: ['personal'] }], validDomains: ['assistant.example.gouv.fr'] });
    const color = PNG.sync.read(await zip.file('color.png')!.async('nodebuffer'));
    const outline = PNG.sync.read(await zip.file('outline.png')!.async('nodebuffer'));
    expect([color.width, color.height]).toEqual([192, 192]);
    expect([outline.width, outline.height]).toEqual([32, 32]);
  });

  test('When the outline icon is read, then it is white on transparent, as Teams requires', async () => {
    const zip = await JSZip.loadAsync((await buildTeamsPackage(INPUT)).zip);
    const outline = PNG.sync.read(await zip.file('outline.png')!.async('nodebuffer'));

    const visible = [];
    for (let offset = 0; offset < outline.data.length; offset += 4) {
      if (outline.data[offset + 3]! > 0) visible.push([outline.data[offset], outline.data[offset + 1], outline.data[offset + 2]]);
    }

    expect(visible.length).toBeGreaterThan(20);
    expect(visible.every(([r, g, b]) => r === 255 && g === 255 && b === 255)).toBe(true);
  });

  test('When a setting is not what Teams accepts, then validation names the problem', async () => {
    const manifest = buildTeamsManifest({ ...INPUT, botId: 'not-a-guid', version: 'v1' });

    const errors = await validateTeamsManifest(manifest);

    expect(errors.join('\n')).toMatch(/botId|version/);
  });
});
