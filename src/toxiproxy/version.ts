/** The real server version whose API this server speaks. */
export const TOXIPROXY_VERSION = '2.12.0';
