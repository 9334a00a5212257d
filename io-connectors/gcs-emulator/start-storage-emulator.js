// Starts the Firebase Storage emulator's GCS JSON API on 127.0.0.1:PORT for the GCS connector's
// conformance tests, in memory, and prints "READY <port>" once it accepts requests.
//
// Two things differ from `firebase emulators:start --only storage`:
//  - The Firebase security-rules runtime is not started. It is a jar the CLI downloads from the
//    internet on first use (unreachable here), and the GCS JSON API does not consult rules: it
//    acts with owner rights.
//  - The emulator answers object rewrites only at /b/..., while the official clients call
//    /storage/v1/b/...; such requests are routed to the emulator's own rewrite handler.
// Nothing else is changed: every answer comes from the emulator's code.
"use strict";

const http = require("http");
const server = require("firebase-tools/lib/emulator/storage/server");
const { StorageEmulator } = require("firebase-tools/lib/emulator/storage");
const { EmulatorRegistry } = require("firebase-tools/lib/emulator/registry");

const port = Number(process.argv[2] || 9199);
const REWRITE = /^\/storage\/v1(\/b\/[^/]+\/o\/[^/]+\/(?:rewriteTo|copyTo)\/b\/)/;

const createApp = server.createApp;
server.createApp = async (...args) => {
  const app = await createApp(...args);
  const routed = (req, res) => {
    req.url = req.url.replace(REWRITE, "$1");
    return app(req, res);
  };
  routed.listen = (...listenArgs) => http.createServer(routed).listen(...listenArgs);
  return routed;
};

(async () => {
  const emulator = new StorageEmulator({
    projectId: "demo-skyrelay",
    host: "127.0.0.1",
    port,
    rules: [],
    auto_download: false,
  });
  emulator._rulesRuntime = { start: async () => {}, stop: async () => {} };
  emulator._rulesManager = {
    start: async () => [],
    stop: async () => {},
    getRuleset: () => undefined,
  };
  await EmulatorRegistry.start(emulator);
  console.log(`READY ${port}`);
  const stop = async () => {
    await EmulatorRegistry.stop("storage").catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // Exit with the JVM that started us: it keeps our stdin open until it ends.
  process.stdin.on("end", stop);
  process.stdin.resume();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
