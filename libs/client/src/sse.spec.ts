import { describe, expect, it } from '@jest/globals';
import { readSse, type SseMessage } from './sse.js';

const streamOf = (chunks: string[]) => {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
};
const collect = async (chunks: string[]) => {
  const out: SseMessage[] = [];
  for await (const m of readSse(streamOf(chunks))) out.push(m);
  return out;
};

describe('readSse', () => {
  it('parses events split anywhere across chunks, with LF, CRLF and CR line ends', async () => {
    const text = 'retry: 2000\n\n: keep-alive\n\nid: 1-0\nevent: job\ndata: {"a":1}\n\nid: 2-0\r\nevent: job\r\ndata: line one\r\ndata: line two\r\n\r\ndata:no space\r\r';
    const expected = [
      { id: '1-0', event: 'job', data: '{"a":1}', retry: undefined },
      { id: '2-0', event: 'job', data: 'line one\nline two', retry: undefined },
      { id: '2-0', event: 'message', data: 'no space', retry: undefined },
    ];
    expect(await collect([text])).toEqual(expected);
    for (const size of [1, 2, 3, 7]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(await collect(chunks)).toEqual(await collect([text]));
    }
  });

  it('drops an event the stream ended in the middle of', async () => {
    expect(await collect(['id: 1-0\nevent: job\ndata: {"complete":true}\n\nid: 2-0\nevent: job\ndata: {"cut'])).toEqual([{ id: '1-0', event: 'job', data: '{"complete":true}', retry: undefined }]);
  });
});
