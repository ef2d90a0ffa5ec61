import { reclassifyStoredPosts } from '../../classification/service.ts';
import { stringOption, UsageError, type Command } from '../command.ts';
import { createProgressBar } from '../progress.ts';

export const reclassifyCommand: Command = {
  name: 'reclassify',
  summary: 're-tags stored posts whose tags came from another classifier version (or none), in batches',
  usage: 'reclassify [--batch N]',
  options: { batch: { type: 'string' } },
  async run({ io, container, stopSignal }, args) {
    const batchRaw = stringOption(args, 'batch') ?? '2000';
    const batchSize = Number(batchRaw);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) throw new UsageError('--batch must be an integer 1-50000');
    const classifier = container.classifier;
    const bar = createProgressBar(io.stderr, 'classifying');
    const started = Date.now();
    const result = await reclassifyStoredPosts(container.db, classifier, {
      batchSize,
      signal: stopSignal,
      onProgress: (p) => bar.update(p.done, p.total, `${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} posts`),
    }).finally(() => bar.finish());
    const seconds = (Date.now() - started) / 1000;
    io.stdout.write(
      `${result.classified.toLocaleString('en-US')} of ${result.total.toLocaleString('en-US')} posts tagged by ${classifier.version}` +
        ` in ${seconds.toFixed(1)} s; ${result.rollupsRefreshed} channel-days of rollups refreshed${stopSignal.aborted ? ' (interrupted: run again to finish)' : ''}\n`,
    );
  },
};
