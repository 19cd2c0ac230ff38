/**
 * `dryRun`, wherever a client sends it (the query of any write, or the
 * DeleteOptions body client-go fills): refused, since this server does not
 * simulate writes — a dry run must never fall through to a real write.
 */
import { badRequest } from '@apiserver-kit/codec';

/**
 * @throws StatusError BadRequest 400 `Invalid dry run value: …` for a value
 *   other than `All` (apimachinery's ValidateDryRun), else `dryRun is not supported by this server`
 */
export function refuseDryRun(values: readonly unknown[]): void {
  const given = values.filter((value) => value !== '');
  if (given.length === 0) return;
  if (given.some((value) => value !== 'All')) throw badRequest(`Invalid dry run value: ${given.map(String).join(', ')}`);
  throw badRequest('dryRun is not supported by this server');
}
