/**
 * A headless Chromium holding one WebGPU device: a node:http server on 127.0.0.1 (an
 * ephemeral port) serves the kernel page, playwright-core drives the browser. The recipe
 * is /work/shared/research/environment.md "WebGPU without a GPU": Debian's chromium
 * ships SwiftShader, whose fallback adapter gives WebGPU compute on a machine without a
 * GPU. playwright-core never downloads a browser; it only drives the one at
 * `executablePath`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { pageHtml } from './page.js';
import type { PageInit, PageRequest } from './page.js';

/** Where Chromium is looked for, first match wins ($CHROMIUM_PATH first). */
export function chromiumCandidates(): string[] {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => typeof p === 'string' && p !== '');
}

export function findChromium(): string | undefined {
  return chromiumCandidates().find((p) => existsSync(p));
}

/** The flags of the recipe; the user-data dir is a fresh temporary one per launch. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** The browser has no usable WebGPU adapter (or no Chromium): the runner cannot run at all. */
export class NoWebGpuError extends Error {
  override name = 'NoWebGpuError';
}

export interface GpuInfo {
  browserVersion: string;
  adapter: NonNullable<PageInit['adapter']>;
  maxStorageBufferBindingSize: number;
}

export class GpuBrowser {
  private server: Server | undefined;
  private context: BrowserContext | undefined;
  private page: Page | undefined;
  private profileDir: string | undefined;
  info: GpuInfo | undefined;

  /** Starts the server and the browser and creates the device. Cleans up after itself on failure. */
  async open(executablePath = findChromium()): Promise<GpuInfo> {
    if (executablePath === undefined) throw new NoWebGpuError(`no Chromium found (looked at ${chromiumCandidates().join(', ')}); install it with \`apt-get install -y chromium\``);
    try {
      const html = pageHtml();
      this.server = createServer((req, res) => {
        if (req.url === '/' || req.url === '/index.html') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          res.end(html);
        } else {
          res.writeHead(404);
          res.end();
        }
      });
      const server = this.server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const port = (server.address() as AddressInfo).port;
      // Loaded here, not at module load: the registry imports runners lazily, and a
      // missing playwright-core should fail only the webgpu runner.
      const { chromium } = await import('playwright-core');
      this.profileDir = mkdtempSync(join(tmpdir(), 'smoothl1-webgpu-'));
      this.context = await chromium.launchPersistentContext(this.profileDir, { executablePath, headless: true, args: CHROMIUM_ARGS });
      const browserVersion = this.context.browser()?.version() ?? 'unknown';
      this.page = this.context.pages()[0] ?? (await this.context.newPage());
      await this.page.goto(`http://127.0.0.1:${port}/`);
      const init = await this.page.evaluate(() => (globalThis as unknown as { smoothl1Gpu: { init(): Promise<PageInit> } }).smoothl1Gpu.init());
      if (!init.ok || init.adapter === undefined) throw new NoWebGpuError(`Chromium ${browserVersion} (${executablePath}) gives no WebGPU device: ${init.reason ?? 'unknown reason'}`);
      this.info = { browserVersion, adapter: init.adapter, maxStorageBufferBindingSize: init.maxStorageBufferBindingSize ?? 0 };
      return this.info;
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** One dispatch; returns the output words' bytes. */
  async dispatch(req: PageRequest): Promise<Buffer> {
    if (this.page === undefined) throw new Error('webgpu runner: the browser is not open (init() failed or close() was called)');
    const b64 = await this.page.evaluate((r) => (globalThis as unknown as { smoothl1Gpu: { run(r: PageRequest): Promise<string> } }).smoothl1Gpu.run(r), req);
    return Buffer.from(b64, 'base64');
  }

  /** Closes everything that was opened; safe to call more than once and after a failed open(). */
  async close(): Promise<void> {
    const { context, server, profileDir } = this;
    this.context = undefined;
    this.page = undefined;
    this.server = undefined;
    this.profileDir = undefined;
    try {
      if (context) await context.close();
    } finally {
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
      if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    }
  }
}
