import { Readable, Stream } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { classifyBody, FORM_CONTENT_TYPE } from '../src/body.js';

describe('classifyBody', () => {
  it('treats no body as empty text, replayable', () => {
    for (const body of [undefined, null]) {
      expect(classifyBody(body)).toEqual({ opaque: false, replayable: true });
    }
  });

  it('exposes a string as text without implying a content type', () => {
    expect(classifyBody('a=1&b=2')).toEqual({ text: 'a=1&b=2', opaque: false, replayable: true });
    expect(classifyBody('')).toEqual({ text: '', opaque: false, replayable: true });
  });

  it('exposes URLSearchParams as form text with the content type fetch would give it', () => {
    const body = new URLSearchParams([
      ['grant_type', 'client_credentials'],
      ['scope', 'a b'],
      ['scope', 'c+d'],
    ]);
    expect(classifyBody(body)).toEqual({
      text: 'grant_type=client_credentials&scope=a+b&scope=c%2Bd',
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      opaque: false,
      replayable: true,
    });
    expect(FORM_CONTENT_TYPE).toBe(
      new Request('https://x.test', { method: 'POST', body }).headers.get('content-type'),
    );
  });

  it.each([
    [
      'FormData',
      () => {
        const form = new FormData();
        form.set('a', '1');
        return form;
      },
    ],
    ['Blob', () => new Blob(['hello'], { type: 'text/plain' })],
    ['Uint8Array', () => new Uint8Array([1, 2, 3])],
    ['ArrayBuffer', () => new ArrayBuffer(4)],
    ['DataView', () => new DataView(new ArrayBuffer(4))],
  ])('passes a %s through, opaque and replayable', (_what, make) => {
    const result = classifyBody(make());
    expect(result).toEqual({ opaque: true, replayable: true });
    expect(result.text).toBeUndefined();
  });

  it('marks a web ReadableStream opaque and not replayable', () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([1]));
        controller.close();
      },
    });
    expect(classifyBody(stream)).toEqual({ opaque: true, replayable: false });
  });

  it('marks a Node Readable opaque and not replayable', () => {
    const readable = Readable.from(['chunk']);
    expect(classifyBody(readable)).toEqual({ opaque: true, replayable: false });
    readable.destroy();
    // A legacy stream has pipe() and nothing else.
    expect(classifyBody(new Stream())).toEqual({ opaque: true, replayable: false });
  });

  // Regression: fetch (undici) accepts an async iterable as a body; it can be
  // consumed only once, yet was reported replayable.
  it('marks an async iterable opaque and not replayable', () => {
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array([1]);
    }
    expect(classifyBody(chunks())).toEqual({ opaque: true, replayable: false });
  });
});
