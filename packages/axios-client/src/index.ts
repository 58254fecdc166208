export { type AttachOptions, attachAuthenticator } from './attach.js';
export { type AxiosTransportOptions, axiosTransport } from './transport.js';
