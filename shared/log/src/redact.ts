/**
 * Secrets out of text meant for people (logs, error messages, --print-config): the
 * password in `scheme://user:password@host`, and a bare token as userinfo
 * (`nats://token@host`). Pure.
 */
export const REDACTED = "****";

const USER_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/)([^:@/\s,]*):([^@/\s,]*)@/gi;
const TOKEN = /(\b[a-z][a-z0-9+.-]*:\/\/)([^:@/\s,]+)@/gi;

export function redactSecrets(text: string): string {
  return text
    .replace(USER_PASSWORD, (_, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`)
    .replace(TOKEN, (_, scheme: string) => `${scheme}${REDACTED}@`);
}
