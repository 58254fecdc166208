/**
 * A loopback HTTP server in a child process, so the server's work does not
 * share the event loop with the client being measured.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/**
 * How groups measuring round trips to this server run: call by call in
 * turns (`paired`), 8 s per task, with each round's ratio range printed.
 */
export const LOOPBACK_RUN = { rounds: 8, time: 1000, interval: true, paired: true } as const;

export interface LoopbackServer {
  url: string;
  close(): Promise<void>;
}

const script = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
    res.end('{"ok":true}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
process.on('disconnect', () => process.exit(0));
`;

/** Starts the server; `close()` kills the child and waits for it to exit. */
export async function startLoopbackServer(): Promise<LoopbackServer> {
  const child: ChildProcess = spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve(message as number));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/resource`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
