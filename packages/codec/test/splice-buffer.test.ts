import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { drainTo, encodeToBuffer, SpliceBuffer, writeChunks } from '../src/index.js';

describe('SpliceBuffer', () => {
  it('.splice() — appends by reference, copies nothing', () => {
    const sink = new SpliceBuffer();
    const bytes = Buffer.from('{"kind":"Pod"}');
    sink.splice(bytes);
    sink.splice(bytes);
    expect(sink.chunks()[0]).toBe(bytes);
    expect(sink.chunks()[1]).toBe(bytes);
    expect(sink.copiedBytes).toBe(0);
    expect(sink.byteLength).toBe(2 * bytes.byteLength);
  });

  it('.writeString() — coalesces consecutive strings into one chunk, UTF-8 encoded', () => {
    const sink = new SpliceBuffer();
    sink.writeString('{"a":');
    sink.writeString('"é"');
    sink.writeString('}');
    expect(sink.byteLength).toBe(10);
    expect(sink.chunks()).toHaveLength(1);
    expect(sink.toBuffer().toString('utf8')).toBe('{"a":"é"}');
  });

  it('.writeBytes() — copies, so later changes to the source do not leak in', () => {
    const sink = new SpliceBuffer();
    const source = Buffer.from('abc');
    sink.writeBytes(source);
    source[0] = 0x7a;
    expect(sink.toBuffer().toString()).toBe('abc');
    expect(sink.copiedBytes).toBe(3);
  });

  it('keeps the order of string, spliced and copied writes', () => {
    const sink = new SpliceBuffer();
    sink.writeString('[');
    sink.splice(Buffer.from('1'));
    sink.writeString(',');
    sink.writeBytes(Buffer.from('2'));
    sink.writeString(']');
    expect(sink.toBuffer().toString()).toBe('[1,2]');
    expect(sink.chunks()).toHaveLength(5);
  });

  it('ignores empty writes', () => {
    const sink = new SpliceBuffer();
    sink.splice(new Uint8Array(0));
    sink.writeBytes(new Uint8Array(0));
    sink.writeString('');
    expect(sink.chunks()).toHaveLength(0);
    expect(sink.byteLength).toBe(0);
  });

  it('.take() — hands over the chunks and empties the buffer', () => {
    const sink = new SpliceBuffer();
    sink.writeString('a');
    const taken = sink.take();
    expect(Buffer.concat(taken).toString()).toBe('a');
    expect(sink.byteLength).toBe(0);
    sink.writeString('b');
    expect(sink.toBuffer().toString()).toBe('b');
  });

  it('.reset() — clears everything including the copy counter', () => {
    const sink = new SpliceBuffer();
    sink.writeBytes(Buffer.from('x'));
    sink.reset();
    expect(sink.byteLength).toBe(0);
    expect(sink.copiedBytes).toBe(0);
  });

  it('encodeToBuffer() — returns what the writer wrote', () => {
    expect(encodeToBuffer((sink) => sink.writeString('ok')).toString()).toBe('ok');
  });
});

/** A writable that records each batch it is given and stays full until released. */
class RecordingWritable extends Writable {
  readonly batches: Buffer[][] = [];
  readonly pending: (() => void)[] = [];
  constructor(highWaterMark: number, readonly hold: boolean) {
    super({ highWaterMark });
  }
  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.batches.push(chunks.map((c) => c.chunk));
    if (this.hold) this.pending.push(() => callback());
    else callback();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }
  release(): void {
    for (const done of this.pending.splice(0)) done();
  }
}

describe('writeChunks()', () => {
  it('hands the stream all chunks as one batch (one writev), by reference', async () => {
    const out = new RecordingWritable(1 << 20, false);
    const a = Buffer.from('a');
    const b = Buffer.from('b');
    await writeChunks(out, [a, b, a]);
    expect(out.batches).toHaveLength(1);
    expect(out.batches[0]![0]).toBe(a);
    expect(out.batches[0]![1]).toBe(b);
  });

  it('waits for drain when the stream is over its high-water mark', async () => {
    const out = new RecordingWritable(4, true);
    let done = false;
    const writing = writeChunks(out, [Buffer.from('12345678')]).then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    out.release();
    await writing;
    expect(done).toBe(true);
  });

  it('rejects when the stream errors before draining', async () => {
    const out = new RecordingWritable(1, true);
    const writing = writeChunks(out, [Buffer.from('xx')]);
    out.destroy(new Error('socket hang up'));
    await expect(writing).rejects.toThrow(/socket hang up|Stream closed/);
  });

  it('rejects at once on a destroyed stream', async () => {
    const out = new RecordingWritable(1, false);
    out.destroy();
    await expect(writeChunks(out, [Buffer.from('x')])).rejects.toThrow('Cannot write to a destroyed or ended stream');
  });

  it('drainTo() — moves a SpliceBuffer to the stream and empties it', async () => {
    const out = new RecordingWritable(1 << 20, false);
    const sink = new SpliceBuffer();
    sink.writeString('hello');
    await drainTo(sink, out);
    expect(sink.byteLength).toBe(0);
    expect(Buffer.concat(out.batches.flat()).toString()).toBe('hello');
  });
});
