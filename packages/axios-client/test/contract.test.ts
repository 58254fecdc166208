import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import { describeAdapterContract } from '@x/testing';
import axios, { isAxiosError } from 'axios';
import { attachAuthenticator } from '../src/index.js';

describeAdapterContract('axios-client', {
  create(authenticator, options = {}) {
    const httpAgent = new HttpAgent({ keepAlive: true });
    const httpsAgent = new HttpsAgent({ keepAlive: true, ...(options.ca && { ca: options.ca }) });
    // Default validateStatus: 3xx and 401 reach the interceptor as rejections.
    const instance = axios.create({
      httpAgent,
      httpsAgent,
      responseType: 'text',
      timeout: options.timeout ?? 0,
    });
    attachAuthenticator(instance, authenticator);
    return {
      async send(request) {
        const { body } = request;
        try {
          const response = await instance.request<string>({
            method: request.method,
            url: request.url,
            ...(request.headers && { headers: request.headers }),
            ...(body !== undefined && {
              data: typeof body === 'string' ? body : Readable.from([Buffer.from(body.stream)]),
            }),
            ...(request.signal && { signal: request.signal }),
          });
          return {
            status: response.status,
            headers: new Headers(response.headers as Record<string, string>),
            body: response.data,
          };
        } catch (error) {
          if (!isAxiosError(error) || !error.response) throw error;
          const { status, headers, data } = error.response;
          return {
            status,
            headers: new Headers(headers as Record<string, string>),
            body: String(data),
          };
        }
      },
      async close() {
        httpAgent.destroy();
        httpsAgent.destroy();
      },
    };
  },
});
