#!/usr/bin/env node
// The framewatch command. Sources are TypeScript run through tsx, so a checkout
// works with no build step and no stale compiled copy can shadow the code.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../services/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
