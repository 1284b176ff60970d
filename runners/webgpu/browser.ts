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
import type { PageAnswer, PageInit, PageRequest, WgslRequest } from './page.js';

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
  features: string[];
  limits: NonNullable<PageInit['limits']>;
  /** What the flush probe saw (probeFlush below): whether f32 subnormal results / inputs are flushed to zero. */
  flushesSubnormals: { results: boolean; inputs: boolean };
}

/**
 * A probe of the adapter's f32 arithmetic, from values in a buffer (so no compiler can
 * fold it): 2^-100 * 2^-30 = 2^-130 (a subnormal result), 2^-130 + 0 and 2^-130 > 0 (a
 * subnormal input). The kernel never uses f32 arithmetic (./shader.ts), so the answer
 * changes no result; it is reported with the adapter (docs/webgpu.md).
 */
export const FLUSH_PROBE_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> I: array<u32>;
@group(0) @binding(1) var<storage, read_write> O: array<u32>;
@compute @workgroup_size(1)
fn main() {
  let x = bitcast<f32>(I[0]);
  let y = bitcast<f32>(I[1]);
  let s = bitcast<f32>(I[2]);
  let z = bitcast<f32>(I[3]);
  O[0] = bitcast<u32>(x * y);
  O[1] = bitcast<u32>(s + z);
  O[2] = select(0u, 1u, s > z);
}
`;
const SUBNORMAL_2_M130 = 0x00080000;

/**
 * The message of an error thrown in the page, as playwright reports it ("page.evaluate:
 * Error: <message>" and the page's stack): the message alone, so that a report shows what
 * the adapter said and nothing tries to resolve the page's stack frames.
 */
function pageMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const message = text.split(/\n\s+at /)[0].replace(/^page\.evaluate: (Error: )?/, '');
  return `webgpu page: ${message.trim()}`;
}

/** Bytes as little-endian u32 words (a copy: a Buffer's byteOffset need not be aligned). */
export function u32Words(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(Uint8Array.from(bytes).buffer, 0, bytes.length >>> 2);
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
  /** The page's split of the last call's time (fetching inputs, GPU work and readback, posting the output). */
  lastTimings: PageAnswer | undefined;

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
      if (!init.ok || init.adapter === undefined || init.limits === undefined) throw new NoWebGpuError(`Chromium ${browserVersion} (${executablePath}) gives no WebGPU device: ${init.reason ?? 'unknown reason'}`);
      const probe = u32Words(await this.runWgsl(FLUSH_PROBE_WGSL, 'main', new Uint8Array(Uint32Array.of(0x0d800000, 0x30800000, SUBNORMAL_2_M130, 0).buffer), 12, 1));
      this.info = {
        browserVersion,
        adapter: init.adapter,
        features: init.features ?? [],
        limits: init.limits,
        flushesSubnormals: { results: probe[0] !== SUBNORMAL_2_M130, inputs: probe[1] !== SUBNORMAL_2_M130 || probe[2] !== 1 },
      };
      return this.info;
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** Whether the browser is open (a failed call may have closed it). */
  get isOpen(): boolean {
    return this.page !== undefined;
  }

  /** One kernel call (./page.ts PageRequest) on the two inputs' bytes (lengths multiples of 4); returns the output bytes. */
  async kernel(a: Uint8Array, b: Uint8Array, params: Omit<PageRequest, 'aUrl' | 'bUrl' | 'outUrl'>): Promise<Buffer> {
    const id = ++this.serial;
    const req: PageRequest = { ...params, aUrl: `/in/${id}/a`, bUrl: `/in/${id}/b`, outUrl: `/out/${id}` };
    return this.exchange([[req.aUrl, a], [req.bUrl, b]], req.outUrl, (page) =>
      page.evaluate((r) => (globalThis as unknown as { smoothl1Gpu: { run(r: PageRequest): Promise<PageAnswer> } }).smoothl1Gpu.run(r), req),
    );
  }

  /** Runs a compute shader (binding 0: the input bytes, read; binding 1: outBytes of output) and returns the output. */
  async runWgsl(code: string, entryPoint: string, input: Uint8Array, outBytes: number, workgroups: number): Promise<Buffer> {
    const id = ++this.serial;
    const req: WgslRequest = { code, entryPoint, inUrl: `/in/${id}/wgsl`, outUrl: `/out/${id}`, outBytes, workgroups };
    return this.exchange([[req.inUrl, input]], req.outUrl, (page) =>
      page.evaluate((r) => (globalThis as unknown as { smoothl1Gpu: { runWgsl(r: WgslRequest): Promise<PageAnswer> } }).smoothl1Gpu.runWgsl(r), req),
    );
  }

  /** Destroys the page's GPUDevice, as a device loss would (tests use it). */
  async loseDevice(): Promise<void> {
    await this.page?.evaluate(() => (globalThis as unknown as { smoothl1Gpu: { loseDevice(): void } }).smoothl1Gpu.loseDevice());
  }

  /** Serves the uploads once each, runs the page's call, and returns the bytes it posted to outUrl. */
  private async exchange(uploads: [string, Uint8Array][], outUrl: string, call: (page: Page) => Promise<PageAnswer>): Promise<Buffer> {
    if (this.page === undefined) throw new Error('webgpu runner: the browser is not open (init() failed or close() was called)');
    for (const [url, bytes] of uploads) this.uploads.set(url, bytes);
    try {
      const answer = await call(this.page).catch((e: unknown) => {
        throw new Error(pageMessage(e));
      });
      const posted = answer.posted;
      this.lastTimings = answer;
      const out = this.downloads.get(outUrl);
      if (out === undefined || out.length !== posted) throw new Error(`webgpu runner: the page posted ${posted} bytes but the server holds ${out?.length ?? 'none'}`);
      return out;
    } finally {
      for (const [url] of uploads) this.uploads.delete(url);
      this.downloads.delete(outUrl);
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
