/**
 * The worker thread that lists workspace folders (src/lsp/listing.ts): one request at a time, in
 * the order they came.
 */
import { parentPort } from 'node:worker_threads';
import { listFolder } from './listing.js';
import type { ListReply, ListRequest } from './listing.js';

let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (m: ListRequest) => {
  queue = queue.then(async () => {
    let reply: ListReply;
    try {
      reply = { request: m.request, listing: await listFolder(m.root, m.roots, m.ignore) };
    } catch (e) {
      reply = { request: m.request, error: (e as Error)?.message ?? String(e) };
    }
    parentPort?.postMessage(reply);
  });
});
