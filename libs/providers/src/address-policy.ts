import { BlockList, isIP } from 'node:net';

/**
 * Addresses a server-side fetch must never reach unless explicitly allowed: loopback, private,
 * link-local (cloud metadata lives at 169.254.169.254), CGNAT, multicast, reserved and
 * documentation ranges, and every IPv6 form that can smuggle an IPv4 address (mapped,
 * compatible, NAT64). Ranges from the IANA special-purpose address registries (RFC 6890).
 */
const NON_PUBLIC_V4 = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const;
const NON_PUBLIC_V6 = [
  ['::', 96], ['::ffff:0:0', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32],
  ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const;

// Two lists: Node's BlockList matches IPv4 addresses against IPv4-mapped IPv6 rules, so the IPv6
// rules (which cover all of ::ffff:0:0/96) must never see a plain IPv4 address.
const nonPublicV4 = new BlockList();
const nonPublicV6 = new BlockList();
for (const [net, prefix] of NON_PUBLIC_V4) nonPublicV4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of NON_PUBLIC_V6) nonPublicV6.addSubnet(net, prefix, 'ipv6');

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !nonPublicV4.check(address, 'ipv4');
  if (family === 6) return !nonPublicV6.check(address, 'ipv6');
  return false;
}

/**
 * The explicit exceptions (e.g. `127.0.0.1/32,::1/128` for local simulators), parsed from a
 * comma-separated list of addresses or CIDR blocks. Empty in production.
 */
export class AddressAllowList {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(spec: string | undefined) {
    const entries = (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const entry of entries) {
      const [address, prefixText] = entry.split('/');
      const family = isIP(address ?? '');
      if (!address || family === 0) throw new Error(`not an IP address or CIDR block: '${entry}'`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`bad prefix in '${entry}'`);
      this.list.addSubnet(address, prefix, type);
    }
    this.empty = entries.length === 0;
  }

  allows(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** Whether a fetch may connect to this resolved address. */
  permits(address: string): boolean {
    return isPublicAddress(address) || this.allows(address);
  }
}
