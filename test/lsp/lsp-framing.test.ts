/**
 * A Content-Length no message can have (a damaged header) is a message that cannot be framed: the
 * server exits with 1 and one line on stderr, instead of waiting for terabytes while keeping
 * everything the client sends. Every wait has a timeout (a hang guard).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { BIN, ROOT, within } from '../support/util.js';

function server() {
  const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describe('language server: a Content-Length beyond any message', { timeout: 120_000 }, () => {
  for (const length of ['99999999999999', String(1024 ** 3 + 1)]) {
    it(`exits with 1 on a Content-Length of ${length}`, async () => {
      const s = server();
      try {
        s.child.stdin.write(`Content-Length: ${length}\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"shutdown"}`);
        assert.equal(await within(s.exited, 'the server to exit', 60_000), 1, s.stderr());
        assert.match(
          s.stderr(),
          /^kube-netlint lsp: cannot read the client's messages \(a Content-Length of \d+ bytes/,
        );
        assert.equal(s.stderr().trimEnd().split('\n').length, 1, s.stderr());
      } finally {
        if (s.child.exitCode === null) s.child.kill();
      }
    });
  }

  it('still reads a message of ordinary length after the header arrives in pieces', async () => {
    const s = server();
    try {
      const body = '{"jsonrpc":"2.0","method":"exit"}';
      s.child.stdin.write('Content-Len');
      s.child.stdin.write(`gth: ${Buffer.byteLength(body)}\r\n`);
      s.child.stdin.write(`\r\n${body}`);
      // exit before shutdown: code 1 by the protocol, and nothing on stderr.
      assert.equal(await within(s.exited, 'the server to exit', 60_000), 1);
      assert.equal(s.stderr(), '');
    } finally {
      if (s.child.exitCode === null) s.child.kill();
    }
  });
});
