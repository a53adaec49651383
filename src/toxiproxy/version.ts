/** The real server version whose API this server speaks. */
export const TOXIPROXY_VERSION = '2.12.0';

/**
 * This server's own marker: a header on GET /version naming its extensions (the real server
 * sends no such header), so a client can tell it from the real Toxiproxy before using them.
 */
export const EXTENSIONS_HEADER = 'X-Ftchaos-Extensions';
export const EXTENSIONS: readonly string[] = ['shared_bandwidth'];
