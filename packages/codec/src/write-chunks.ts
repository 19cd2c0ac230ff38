import type { Writable } from 'node:stream';
import type { SpliceBuffer } from './splice-buffer.js';

/**
 * Writes `chunks` to `stream` as one batch (corked, so a socket receives them
 * with a single `writev`) and resolves once the stream can take more: at once
 * when it is under its high-water mark, else on `'drain'`. Rejects if the
 * stream errors or closes first.
 */
export function writeChunks(stream: Writable, chunks: readonly Uint8Array[]): Promise<void> {
  if (stream.destroyed || stream.writableEnded) {
    return Promise.reject(new Error('Cannot write to a destroyed or ended stream'));
  }
  if (chunks.length === 0) return Promise.resolve();
  let ready = true;
  stream.cork();
  for (const chunk of chunks) ready = stream.write(chunk);
  // uncork on the next tick is what Node recommends, but the batch is complete: flush now.
  stream.uncork();
  if (ready && !stream.writableNeedDrain) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('Stream closed before it drained'));
    };
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/** Moves everything in `buffer` to `stream` (see {@link writeChunks}) and empties the buffer. */
export function drainTo(buffer: SpliceBuffer, stream: Writable): Promise<void> {
  return writeChunks(stream, buffer.take());
}
