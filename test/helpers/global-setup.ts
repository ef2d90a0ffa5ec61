// Runs once before all test files: the template database they clone.
import { ensureTemplate } from './pg.ts';

export default async function setup(): Promise<void> {
  await ensureTemplate();
}
