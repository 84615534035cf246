/** Test helper: a minimal Server-Sent Events client for /v1/stream. */
export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** A minimal SSE client over fetch: collects parsed events until closed. */
export function openStream(url: string, token: string, lastEventId?: string) {
  const events: SseEvent[] = [];
  const controller = new AbortController();
  const ready = fetch(url, { headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: controller.signal }).then(async (res) => {
    const status = res.status;
    const type = res.headers.get('content-type');
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const e: SseEvent = {};
            for (const line of block.split('\n')) {
              const [k, ...v] = line.split(': ');
              if (k === 'id' || k === 'event' || k === 'data') e[k] = v.join(': ');
            }
            if (e.event) events.push(e);
          }
        }
      } catch {
        // aborted
      }
    })();
    return { status, type };
  });
  return { events, ready, close: () => controller.abort() };
}
