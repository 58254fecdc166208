import { type ContractRequest, describeAdapterContract } from '@x/testing';
import { Agent, fetch as undiciFetch } from 'undici';
import { Session } from '../src/index.js';

/** undici's own fetch and Agent, so the dispatcher always matches the fetch. */
const fetch = undiciFetch as unknown as typeof globalThis.fetch;

function toBody(body: ContractRequest['body']): BodyInit | undefined {
  if (typeof body !== 'object') return body;
  const bytes = new TextEncoder().encode(body.stream);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

describeAdapterContract('fetch-client', {
  create(authenticator, options = {}) {
    const dispatcher = new Agent(options.ca === undefined ? {} : { connect: { ca: options.ca } });
    const session = new Session({
      authenticator,
      fetch,
      dispatcher,
      ownsDispatcher: true,
      ...(options.timeout !== undefined && { timeout: options.timeout }),
    });
    return {
      async send(request) {
        const body = toBody(request.body);
        const response = await session.fetch(request.url, {
          method: request.method,
          ...(request.headers && { headers: request.headers }),
          ...(body !== undefined && { body, duplex: 'half' }),
          ...(request.signal && { signal: request.signal }),
        } as RequestInit);
        return { status: response.status, headers: response.headers, body: await response.text() };
      },
      close: () => session.close(),
    };
  },
});
