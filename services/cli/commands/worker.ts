import { runWorker } from '../../../workers/main.ts';
import type { Command } from '../command.ts';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'runs the collection, classification and housekeeping workers and their schedules until SIGTERM/SIGINT',
  usage: 'worker',
  sharedPacing: true,
  async run({ io, container, stopSignal }) {
    await runWorker(container, {
      stopSignal,
      onReady: ({ source, channels, queues }) => {
        io.stdout.write(`worker ready: source ${source}, ${channels} channels scheduled, queues ${queues.join(', ')}\n`);
      },
    });
    io.stdout.write('worker stopped\n');
  },
};
