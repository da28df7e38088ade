/** Routes kafkajs's own log lines to the service's logger. */
import { logLevel, type logCreator } from "kafkajs";
import type { Logger } from "@meetuphype/actors";

export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const fields: Record<string, unknown> = { ...log };
      const message = log.message;
      delete fields.message;
      delete fields.timestamp;
      delete fields.logger;
      const child = logger.child({ component: "kafkajs" });
      if (level === logLevel.ERROR) child.error(message, fields);
      else if (level === logLevel.WARN) child.warn(message, fields);
      else if (level === logLevel.INFO) child.info(message, fields);
      else child.debug(message, fields);
    };
}
