// The X-Framewatch-Signature header: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>" keyed with the webhook's secret>. The timestamp inside the
// signed text lets a consumer refuse replays of an old delivery.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

/**
 * What a consumer does (docs/alerts.md shows it): recompute the HMAC over the
 * raw body and compare in constant time; refuse timestamps older than the tolerance.
 */
export function verifySignature(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureHeader(secret, body, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A secret for a webhook created without one: 192 random bits. */
export function generateSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}
