/** The embedded Toxiproxy-compatible server and the harness's way to reach a Toxiproxy. */
export { startToxiproxyServer, type ToxiproxyServer, type ToxiproxyServerOptions } from './server.ts';
export { connectToxiproxy, type ToxiproxyConnection, type ConnectOptions } from './connect.ts';
export { TOXIPROXY_VERSION } from './version.ts';
export { requireSharedBandwidth, serverExtensions, SHARED_BANDWIDTH } from './extensions.ts';
