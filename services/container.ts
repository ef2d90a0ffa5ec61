// The composition root: the one place that turns configuration into live
// adapters and hands them to the services. Everything is built lazily, on
// first use, so a command that needs no database (classify) never opens one,
// and close() releases exactly what was opened.
import type { Config } from '../config/env.ts';
import { createClassifier, type ExplainingClassifier } from './classifier/index.ts';
import { createDb, type Db } from './db/db.ts';
import { createLogger, type Logger } from './log.ts';

export interface Container {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Db;
  /** The frame classifier, built (cue files read and compiled) on first use. */
  readonly classifier: ExplainingClassifier;
  close(): Promise<void>;
}

export interface ContainerOverrides {
  logger?: Logger;
  db?: Db;
  classifier?: ExplainingClassifier;
}

export function createContainer(config: Config, overrides: ContainerOverrides = {}): Container {
  const closers: Array<() => Promise<void>> = [];
  let logger = overrides.logger;
  let db = overrides.db;
  let classifier = overrides.classifier;

  return {
    config,
    get logger() {
      logger ??= createLogger(config.logLevel);
      return logger;
    },
    get db() {
      if (!db) {
        const created = createDb(config.databaseUrl);
        closers.push(() => created.close());
        db = created;
      }
      return db;
    },
    get classifier() {
      classifier ??= createClassifier();
      return classifier;
    },
    async close() {
      // Reverse order of creation: consumers before what they consume.
      for (const close of closers.reverse()) await close();
      closers.length = 0;
    },
  };
}
