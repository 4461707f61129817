/** `POST /admin/registrations/{user_code}/approve` — the device's next poll returns tokens. */
import type { Handler } from "../context.ts";
import { decideRegistration } from "../registration/decide.ts";

export const approveRegistration: Handler = (ctx) => decideRegistration(ctx, "approved");
