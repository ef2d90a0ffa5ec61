// `framewatch keys create` and `framewatch api`, run as a user would.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';

const t = useTestDatabase();
const ADMIN = 'cli-bootstrap-admin-key-0123456789';

describe('framewatch keys', () => {
  it('creates a key, printed once on stdout alone, stored hashed; lists and revokes it', async () => {
    const env = { DATABASE_URL: t.url };
    const created = await runCli(['keys', 'create', '--name', 'newsroom bot', '--scope', 'read'], { env });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^fw_[A-Za-z0-9_-]{43}\n$/);
    expect(created.stderr).toMatch(/^created API key #\d+ "newsroom bot" \(read\); it is shown only now/);
    const key = created.stdout.trim();
    const { rows } = await t.db.query<{ id: number; key_prefix: string }>("SELECT id, key_prefix FROM api_keys WHERE name = 'newsroom bot'");
    expect(rows[0]!.key_prefix).toBe(key.slice(0, 9));
    const list = await runCli(['keys', 'list'], { env });
    expect(list.stdout).toMatch(new RegExp(`${rows[0]!.id}\\s+read\\s+${key.slice(0, 9)}\\.\\.\\..*active\\s+newsroom bot`));
    expect(list.stdout).not.toContain(key);
    expect(await runCli(['keys', 'revoke', String(rows[0]!.id)], { env })).toMatchObject({ code: 0, stdout: `revoked key #${rows[0]!.id}\n` });
    expect(await runCli(['keys', 'revoke', String(rows[0]!.id)], { env })).toMatchObject({ code: 1, stderr: expect.stringMatching(/no active key/) });
  });
});

describe('framewatch api', () => {
  it('serves until SIGTERM, then finishes and exits 0', async () => {
    const key = (await runCli(['keys', 'create', '--name', 'probe', '--scope', 'read'], { env: { DATABASE_URL: t.url } })).stdout.trim();
    const child = spawn(process.execPath, [BIN, 'api'], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: t.url, HOST: '127.0.0.1', PORT: '0', FRAMEWATCH_ADMIN_KEY: ADMIN, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`api exited ${code}: ${stderr}`)));
    });
    expect((await fetch(`${address}/health`)).status).toBe(200);
    const frames = await fetch(`${address}/v1/frames`, { headers: { authorization: `Bearer ${key}` } });
    expect(frames.status).toBe(200);
    expect(((await frames.json()) as { frames: unknown[] }).frames).toHaveLength(7);
    expect((await fetch(`${address}/v1/frames`)).status).toBe(401);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code, stderr).toBe(0);
    await expect(fetch(`${address}/health`)).rejects.toThrow();
  });
});
