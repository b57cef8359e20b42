/**
 * The service map page in headless Chromium, fed maps as the host posts them: it opens fitted to the panel; the
 * toolbar's buttons, the + / - / 0 keys, the wheel and a drag zoom and pan it, while the arrow keys still move between
 * nodes; a node reached by the keyboard outside the view is panned into it; a new map keeps the user's zoom unless its
 * size changed a lot.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ServiceMap } from '../../src/shared/serviceMap';
import { launchChromium } from '../support/chromium';
import type { PageServer } from './pageServer';
import { deliverMap, ensureServiceMapBundle, serviceMapPageServer, serviceMapPosted } from './serviceMapPage';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** `count` services each calling the next: a map as wide as `count` columns. */
function chain(count: number, calls = 1): ServiceMap {
  const names = Array.from({ length: count }, (_, index) => `service-${index}`);
  return {
    nodes: names.map((name) => ({
      id: `service:${name}`,
      kind: 'service',
      label: name,
      detail: undefined,
      query: `{ resource.service.name = "${name}" }`,
      traceCount: 1,
    })),
    edges: names.slice(1).map((name, index) => ({
      from: `service:${names[index]}`,
      to: `service:${name}`,
      calls,
      errors: 0,
      p50Ms: 12,
    })),
    traceCount: 1,
  };
}

let server: PageServer;
let url: string;
let browser: Browser;

async function openMap(map: ServiceMap): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 900, height: 500 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(error.message));
  await page.goto(url);
  await deliverMap(page, map);
  await page.locator('.node').first().waitFor();
  return page;
}

const box = async (page: Page, selector: string): Promise<Box> => (await page.locator(selector).boundingBox())!;
const nodeBox = (page: Page, index: number) => box(page, `.node >> nth=${index}`);
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

async function click(page: Page, label: string): Promise<void> {
  await page.getByRole('button', { name: label, exact: true }).click();
}

describe('service map page: zoom and pan', () => {
  before(async () => {
    ensureServiceMapBundle();
    server = serviceMapPageServer();
    url = await server.start();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('opens fitted; Zoom In makes the nodes larger, Zoom Out smaller, and Fit restores the fitted view', async () => {
    const page = await openMap(chain(3));
    const viewport = await box(page, '.viewport');
    const fitted = await nodeBox(page, 0);
    for (let index = 0; index < 3; index++) assert.ok(inside(await nodeBox(page, index), viewport), `node ${index}`);
    assert.equal(await page.getByRole('button', { name: 'Zoom In' }).getAttribute('title'), 'Zoom In (+)');

    await click(page, 'Zoom In');
    const larger = await nodeBox(page, 0);
    assert.ok(larger.width > fitted.width && larger.height > fitted.height, JSON.stringify({ fitted, larger }));
    await click(page, 'Zoom Out');
    await click(page, 'Zoom Out');
    assert.ok((await nodeBox(page, 0)).width < fitted.width);
    await click(page, 'Fit to View');
    assert.deepEqual(await nodeBox(page, 0), fitted);
    await page.close();
  });

  test('+, - and 0 zoom from a focused node, and the arrow keys and Enter still work on nodes', async () => {
    const page = await openMap(chain(3));
    const fitted = await nodeBox(page, 0);
    await page.locator('.node').first().focus();
    await page.keyboard.press('+');
    assert.ok((await nodeBox(page, 0)).width > fitted.width);
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    assert.ok((await nodeBox(page, 0)).width < fitted.width);
    await page.keyboard.press('0');
    assert.deepEqual(await nodeBox(page, 0), fitted);

    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    assert.deepEqual((await serviceMapPosted(page)).at(-1), { type: 'filter', nodeId: 'service:service-1' });
    await page.close();
  });

  test('the wheel zooms and a drag pans a map wider than the panel', async () => {
    const page = await openMap(chain(12));
    const viewport = await box(page, '.viewport');
    const fitted = await nodeBox(page, 0);
    await page.mouse.move(viewport.x + 20, viewport.y + 20);
    await page.mouse.wheel(0, -200);
    const wheeled = await nodeBox(page, 0);
    assert.ok(wheeled.width > fitted.width, JSON.stringify({ fitted, wheeled }));

    const y = viewport.y + viewport.height - 20;
    await page.mouse.move(viewport.x + 300, y);
    await page.mouse.down();
    await page.mouse.move(viewport.x + 200, y, { steps: 5 });
    await page.mouse.up();
    assert.equal(Math.round((await nodeBox(page, 0)).x - wheeled.x), -100);
    await page.close();
  });

  test('a node reached by the keyboard out of view is panned into it', async () => {
    const page = await openMap(chain(12));
    const viewport = await box(page, '.viewport');
    assert.ok(!inside(await nodeBox(page, 11), viewport), 'the wide map’s last node starts out of view');
    await page.locator('.node').first().focus();
    for (let step = 0; step < 11; step++) await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(`document.activeElement.querySelector('.label').textContent`), 'service-11');
    assert.ok(inside(await nodeBox(page, 11), viewport), JSON.stringify(await nodeBox(page, 11)));
    assert.equal(await page.evaluate(`document.querySelector('.viewport').scrollLeft`), 0);
    await page.close();
  });

  test('a new map keeps the user’s zoom, unless its size changed a lot', async () => {
    const page = await openMap(chain(3));
    const fitted = await nodeBox(page, 0);
    await click(page, 'Zoom In');
    const zoomed = await nodeBox(page, 0);
    await deliverMap(page, chain(3, 5));
    assert.deepEqual(await nodeBox(page, 0), zoomed);

    await deliverMap(page, chain(8));
    const refitted = await nodeBox(page, 0);
    await click(page, 'Fit to View');
    assert.deepEqual(await nodeBox(page, 0), refitted);
    assert.notDeepEqual(refitted, zoomed);
    assert.ok(refitted.width <= fitted.width);
    await page.close();
  });
});
