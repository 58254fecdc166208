export { type AttachOptions, attachAuthenticator } from './attach.js';
export { Session, type SessionOptions } from './session.js';
export { type AxiosTransportOptions, axiosTransport } from './transport.js';
