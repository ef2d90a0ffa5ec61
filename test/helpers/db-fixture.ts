// Per-file database for integration tests: `const t = useTestDatabase();`
// then `t.db` inside tests. Dropped when the file ends.
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './pg.ts';

export function useTestDatabase(): TestDatabase {
  let current: TestDatabase | null = null;
  beforeAll(async () => {
    current = await createTestDatabase();
  });
  afterAll(async () => {
    await current?.drop();
  });
  return new Proxy({} as TestDatabase, {
    get(_target, prop) {
      if (!current) throw new Error('the test database is created in beforeAll; use it inside tests');
      return current[prop as keyof TestDatabase];
    },
  });
}
