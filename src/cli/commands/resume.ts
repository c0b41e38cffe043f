/**
 * @module cli/commands/resume
 * `dagu resume <dag>`: clear the suspend flag (see suspend.ts).
 */
import { suspendCommand } from "./suspend.ts";

export default suspendCommand("resume");
