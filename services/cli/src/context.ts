export type { CommandContext } from "@meetuphype/config";
