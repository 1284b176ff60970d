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
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
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
  private origin = '';
  /** Input bytes waiting for the page to GET them, and output bytes it POSTed, by path. */
  private readonly uploads = new Map<string, Uint8Array>();
  private readonly downloads = new Map<string, Buffer>();
  private serial = 0;
  info: GpuInfo | undefined;

  /** The page, the inputs of the call in flight (each served once), and the output it posts back. */
  private serve(req: IncomingMessage, res: ServerResponse, html: string): void {
    const url = req.url ?? '';
    if (req.method === 'GET' && (url === '/' || url === '/index.html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    const upload = req.method === 'GET' ? this.uploads.get(url) : undefined;
    if (upload !== undefined) {
      this.uploads.delete(url);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': upload.byteLength, 'cache-control': 'no-store' });
      res.end(upload);
      return;
    }
    if (req.method === 'POST' && url.startsWith('/out/')) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.downloads.set(url, Buffer.concat(chunks));
        res.writeHead(204);
        res.end();
      });
      return;
    }
    res.writeHead(404);
    res.end();
  }

  /** Starts the server and the browser and creates the device. Cleans up after itself on failure. */
  async open(executablePath = findChromium()): Promise<GpuInfo> {
    if (executablePath === undefined) throw new NoWebGpuError(`no Chromium found (looked at ${chromiumCandidates().join(', ')}); install it with \`apt-get install -y chromium\``);
    try {
      const html = pageHtml();
      this.server = createServer((req, res) => this.serve(req, res, html));
      const server = this.server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const port = (server.address() as AddressInfo).port;
      this.origin = `http://127.0.0.1:${port}`;
      // Loaded here, not at module load: the registry imports runners lazily, and a
      // missing playwright-core should fail only the webgpu runner.
      const { chromium } = await (await import('../../common/optional-packages.js')).importOptional('playwright-core', "runner 'webgpu'", () => import('playwright-core'));
      this.profileDir = mkdtempSync(join(tmpdir(), 'smoothl1-webgpu-'));
      this.context = await chromium.launchPersistentContext(this.profileDir, { executablePath, headless: true, args: CHROMIUM_ARGS });
      const browserVersion = this.context.browser()?.version() ?? 'unknown';
      this.page = this.context.pages()[0] ?? (await this.context.newPage());
      await this.page.goto(`${this.origin}/`);
      const init = await this.page.evaluate(() => (globalThis as unknown as { smoothl1Gpu: { init(): Promise<PageInit> } }).smoothl1Gpu.init());
      if (!init.ok || init.adapter === undefined) throw new NoWebGpuError(`Chromium ${browserVersion} (${executablePath}) gives no WebGPU device: ${init.reason ?? 'unknown reason'}`);
      this.info = { browserVersion, adapter: init.adapter, maxStorageBufferBindingSize: init.maxStorageBufferBindingSize ?? 0 };
      return this.info;
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** One dispatch of the two inputs' bytes (lengths multiples of 4); returns the output words' bytes. */
  async dispatch(a: Uint8Array, b: Uint8Array, params: Omit<PageRequest, 'aUrl' | 'bUrl' | 'outUrl'>): Promise<Buffer> {
    if (this.page === undefined) throw new Error('webgpu runner: the browser is not open (init() failed or close() was called)');
    const id = ++this.serial;
    const req: PageRequest = { ...params, aUrl: `/in/${id}/a`, bUrl: `/in/${id}/b`, outUrl: `/out/${id}` };
    this.uploads.set(req.aUrl, a);
    this.uploads.set(req.bUrl, b);
    try {
      const posted = await this.page.evaluate((r) => (globalThis as unknown as { smoothl1Gpu: { run(r: PageRequest): Promise<number> } }).smoothl1Gpu.run(r), req);
      const out = this.downloads.get(req.outUrl);
      if (out === undefined || out.length !== posted) throw new Error(`webgpu runner: the page posted ${posted} bytes but the server holds ${out?.length ?? 'none'}`);
      return out;
    } finally {
      this.uploads.delete(req.aUrl);
      this.uploads.delete(req.bUrl);
      this.downloads.delete(req.outUrl);
    }
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
