/** One Server-Sent Event, as the WHATWG event-stream format defines it. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
  retry?: number;
}

/**
 * Parses a text/event-stream body (fetch streams: works in browsers and Node). Yields each dispatched
 * event; `onActivity` is called on every chunk (heartbeat comments included) so a caller can tell a
 * quiet stream from a dead one.
 */
export async function* readSse(body: ReadableStream<Uint8Array>, onActivity?: () => void): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  let retry: number | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (!done) {
        onActivity?.();
        buffer += decoder.decode(value, { stream: true });
      } else if (buffer.endsWith('\r')) buffer += '\n'; // the stream ended: a last lone CR is a line end
      let match: RegExpExecArray | null;
      const eol = /\r\n|\r|\n/g;
      let start = 0;
      while ((match = eol.exec(buffer))) {
        // A lone \r at the end of the buffer may be the first half of \r\n: wait for more.
        if (match[0] === '\r' && match.index === buffer.length - 1) break;
        const line = buffer.slice(start, match.index);
        start = match.index + match[0].length;
        if (line === '') {
          if (data.length > 0) yield { id, event: event || 'message', data: data.join('\n'), retry };
          data = [];
          event = '';
          retry = undefined;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let fieldValue = colon < 0 ? '' : line.slice(colon + 1);
        if (fieldValue.startsWith(' ')) fieldValue = fieldValue.slice(1);
        if (field === 'data') data.push(fieldValue);
        else if (field === 'event') event = fieldValue;
        else if (field === 'id' && !fieldValue.includes('\0')) id = fieldValue;
        else if (field === 'retry' && /^\d+$/.test(fieldValue)) retry = Number(fieldValue);
      }
      buffer = buffer.slice(start);
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}
