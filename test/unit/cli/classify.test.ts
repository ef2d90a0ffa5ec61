// `framewatch classify` end to end, through the real command in a child
// process, with DATABASE_URL pointing at nothing: it must not need a database.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function runClassify(input: string, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/framewatch.js', 'classify', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nowhere', REDIS_URL: 'redis://127.0.0.1:1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('framewatch classify', () => {
  it('writes one JSON line per post, in order, with exactly the contract fields', async () => {
    const posts = [
      { id: 'p1', text: 'Северокорейцев бросают в мясорубку под Курском — пушечное мясо для Кремля.' },
      { id: 2, text: 'Новий альбом BTS вже очолив чарти.' },
      { id: 'p3', text: 'No North Koreans in Kursk, it is all a hoax.' },
    ];
    const { code, stdout, stderr } = await runClassify(`${posts.map((p) => JSON.stringify(p)).join('\n')}\n`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['p1', 2, 'p3']);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['id', 'lang', 'onTopic', 'frames']);
      for (const f of line.frames) {
        expect(Object.keys(f)).toEqual(['frame', 'score', 'evidence']);
        for (const e of f.evidence) expect(Object.keys(e)).toEqual(['start', 'end', 'text']);
      }
    }
    const [first, second, third] = lines;
    expect(first.lang).toBe('ru');
    expect(first.onTopic).toBe(true);
    expect(first.frames.map((f: { frame: string }) => f.frame)).toContain('cannon_fodder');
    for (const f of first.frames) for (const e of f.evidence) expect(e.text).toBe(posts[0]!.text.slice(e.start, e.end));
    expect(second).toEqual({ id: 2, lang: 'uk', onTopic: false, frames: [] });
    expect(third.lang).toBe('en');
    expect(third.frames.map((f: { frame: string }) => f.frame)).toContain('denial');
  });

  it('reports bad lines on stderr by line number, keeps going, and exits 1', async () => {
    const input = [
      JSON.stringify({ id: 'a', text: 'Корейцы — пушечное мясо.' }),
      'this is not json',
      '',
      JSON.stringify({ id: 'b' }),
      JSON.stringify(['id', 'text']),
      JSON.stringify({ id: null, text: 'x' }),
      JSON.stringify({ id: 'c', text: 'Корейцы — пушечное мясо.' }),
    ].join('\n');
    const { code, stdout, stderr } = await runClassify(input);
    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n').map((l) => JSON.parse(l).id)).toEqual(['a', 'c']);
    expect(stderr).toContain('line 2: not valid JSON');
    expect(stderr).toContain('line 4: "text" must be a string');
    expect(stderr).toContain('line 5: expected a JSON object');
    expect(stderr).toContain('line 6: "id" must be a string or a number');
    expect(stderr).toContain('4 of 6 lines rejected');
    expect(stderr).not.toContain('line 3');
  });

  it('handles empty input and Windows line ends', async () => {
    expect(await runClassify('')).toEqual({ code: 0, stdout: '', stderr: '' });
    const { code, stdout } = await runClassify(`${JSON.stringify({ id: 1, text: 'КНДР' })}\r\n`);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).id).toBe(1);
  });

  it('prints the classifier version', async () => {
    const { code, stdout } = await runClassify('', ['--classifier-version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^fw-\d+\.\d+\.\d+-[0-9a-f]{12}$/);
  });
});
