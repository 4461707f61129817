/**
 * The operation table: one handler per operationId, with how it reads its body and how
 * it answers errors (OAuth endpoints: RFC 6749 §5.2; the others: RFC 9457).
 */
import type { OperationSpec } from "../context.ts";
import { approveRegistration } from "./approveRegistration.ts";
import { createPersonalToken } from "./createPersonalToken.ts";
import { deleteDevice } from "./deleteDevice.ts";
import { denyRegistration } from "./denyRegistration.ts";
import { getDevice } from "./getDevice.ts";
import { getJwks } from "./getJwks.ts";
import { getMe } from "./getMe.ts";
import { getMetadata } from "./getMetadata.ts";
import { getVerificationPage } from "./getVerificationPage.ts";
import { introspectToken } from "./introspectToken.ts";
import { listPersonalTokens } from "./listPersonalTokens.ts";
import { listRegistrations } from "./listRegistrations.ts";
import { login } from "./login.ts";
import { registerDevice } from "./registerDevice.ts";
import { revokePersonalToken } from "./revokePersonalToken.ts";
import { revokeToken } from "./revokeToken.ts";
import { token } from "./token.ts";

const oauth = (handler: OperationSpec["handler"]): OperationSpec => ({
  handler,
  style: "oauth",
  body: "form",
});
const api = (
  handler: OperationSpec["handler"],
  body: OperationSpec["body"] = "none",
): OperationSpec => ({
  handler,
  style: "problem",
  body,
});

export const OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  getMetadata: api(getMetadata),
  getJwks: api(getJwks),
  registerDevice: oauth(registerDevice),
  getVerificationPage: api(getVerificationPage),
  token: oauth(token),
  login: oauth(login),
  revokeToken: oauth(revokeToken),
  introspectToken: oauth(introspectToken),
  getMe: api(getMe),
  createPersonalToken: api(createPersonalToken, "json"),
  listPersonalTokens: api(listPersonalTokens),
  revokePersonalToken: api(revokePersonalToken),
  listRegistrations: api(listRegistrations),
  approveRegistration: api(approveRegistration),
  denyRegistration: api(denyRegistration),
  getDevice: api(getDevice),
  deleteDevice: api(deleteDevice),
};
