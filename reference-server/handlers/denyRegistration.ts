/** `POST /admin/registrations/{user_code}/deny` — the device's next poll gets `access_denied`. */
import type { Handler } from "../context.ts";
import { decideRegistration } from "../registration/decide.ts";

export const denyRegistration: Handler = (ctx) => decideRegistration(ctx, "denied");
