// Network facts core needs without touching the network: whether a base URL points at this
// machine (Ollama, LM Studio, llama.cpp). Such servers need no API key and bill nothing.

/** True for http(s) URLs whose host is loopback: localhost (and *.localhost), 127.0.0.0/8, ::1. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === '::1' ||
    // IPv4-mapped loopback, as WHATWG URL normalises it (::ffff:7f00:1) or spelled out.
    /^::ffff:(127\.|7f[0-9a-f]{2}:)/.test(host)
  );
}
