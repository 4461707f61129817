/**
 * Getting a pending registration approved or denied, the way the target config says:
 * - `admin-api`: `POST <dtp_admin_endpoint>/registrations/{user_code}/approve|deny` with the
 *   admin bearer token (recorded in the check's transcript);
 * - `command`: a shell command, given the user code as `DTP_USER_CODE` (and `DTP_ACTION`)
 *   and substituted for `{user_code}`;
 * - `webhook`: a POST to one URL for both decisions, or to separate approve and deny URLs,
 *   with a body template (default `{"action", "user_code"}` as JSON); `{user_code}` and
 *   `{action}` are substituted in the URLs and the body, escaped for where they land.
 *
 * A failed approval is an {@link ApprovalError}: the check cannot go on, and the result is
 * ERROR with the reason (a misconfigured approval is not the target's fault).
 */
import { exec } from "node:child_process";
import type { Approver, Clock } from "../check/check.ts";
import { DtpKitError, SkipSignal } from "../check/failure.ts";
import type { HttpClient } from "../check/http.ts";
import type { Target } from "../check/target.ts";
import { retryAfterSeconds } from "../client/admin.ts";
import { effectiveApproval, missingFeatureReason } from "./discover.ts";

/** User codes are substituted into shell commands: only this alphabet is accepted. */
const SAFE_USER_CODE = /^[A-Za-z0-9-]{1,64}$/;
const COMMAND_TIMEOUT_MS = 30_000;

export class ApprovalError extends DtpKitError {
  constructor(message: string) {
    super("DTP_APPROVAL_FAILED", message);
    this.name = "ApprovalError";
  }
}

export function createApprover(target: Target, http: HttpClient, clock?: Clock): Approver {
  const act = async (action: "approve" | "deny", userCode: string): Promise<void> => {
    const approval = effectiveApproval(target.config);
    if (!approval || !target.features.has("admin")) {
      throw new SkipSignal(missingFeatureReason("admin", target));
    }
    switch (approval.method) {
      case "admin-api":
        return viaAdminApi(target, http, action, userCode, clock);
      case "command": {
        const cmd = action === "approve" ? approval.approve : approval.deny;
        if (!cmd) throw new SkipSignal('approval "command" has no "deny" command in the config');
        return viaCommand(cmd, action, userCode);
      }
      case "webhook": {
        const url = action === "approve" ? approval.approveUrl : approval.denyUrl;
        if (!url) throw new SkipSignal('approval "webhook" has no "denyUrl" in the config');
        return viaWebhook(http, { ...approval, url }, action, userCode);
      }
    }
  };
  return {
    approve: (userCode) => act("approve", userCode),
    deny: (userCode) => act("deny", userCode),
  };
}

async function viaAdminApi(
  target: Target,
  http: HttpClient,
  action: "approve" | "deny",
  userCode: string,
  clock?: Clock,
): Promise<void> {
  const admin = String(target.metadata.dtp_admin_endpoint ?? `${target.baseUrl}/admin`).replace(
    /\/+$/,
    "",
  );
  const send = () =>
    http.request({
      method: "POST",
      url: `${admin}/registrations/${encodeURIComponent(userCode)}/${action}`,
      headers: { authorization: `Bearer ${target.config.admin?.token ?? ""}` },
      label: `admin ${action} ${userCode}`,
    });
  let res = await send();
  // Other checks' deliberate wrong admin keys may have tripped the target's declared
  // admin_key limit (dtp_limits): wait out its Retry-After (charged to --max-wait), once.
  const retryAfter = retryAfterSeconds(res);
  if (retryAfter !== undefined && clock) {
    await clock.sleep(
      retryAfter * 1000 + 250,
      "for the admin API's failed-attempt limit (Retry-After)",
    );
    res = await send();
  }
  if (res.status !== 200) {
    throw new ApprovalError(
      `the admin API did not ${action} registration ${userCode}: status ${res.status} ${res.text.slice(0, 160)}`,
    );
  }
}

function viaCommand(command: string, action: "approve" | "deny", userCode: string): Promise<void> {
  if (!SAFE_USER_CODE.test(userCode)) {
    return Promise.reject(
      new ApprovalError(
        `refusing to pass user_code ${JSON.stringify(userCode.slice(0, 80))} to a shell command (allowed: A-Z a-z 0-9 -)`,
      ),
    );
  }
  const cmd = command.replaceAll("{user_code}", userCode);
  return new Promise((resolve, reject) => {
    exec(
      cmd,
      {
        timeout: COMMAND_TIMEOUT_MS,
        env: { ...process.env, DTP_USER_CODE: userCode, DTP_ACTION: action },
      },
      (err, _stdout, stderr) => {
        if (!err) return resolve();
        const why = err.killed
          ? `timed out after ${COMMAND_TIMEOUT_MS / 1000}s`
          : `exit code ${err.code ?? "?"}`;
        reject(
          new ApprovalError(
            `approval command for ${userCode} (${action}) failed: ${why}${stderr ? `: ${String(stderr).trim().slice(0, 200)}` : ""}`,
          ),
        );
      },
    );
  });
}

async function viaWebhook(
  http: HttpClient,
  hook: { url: string; body: string; contentType: string; headers: Record<string, string> },
  action: "approve" | "deny",
  userCode: string,
): Promise<void> {
  const res = await http.request({
    method: "POST",
    url: substitute(hook.url, action, userCode, encodeURIComponent),
    headers: { ...hook.headers, "content-type": hook.contentType },
    body: substitute(hook.body, action, userCode, escaperFor(hook.contentType)),
    label: `webhook ${action} ${userCode}`,
  });
  if (res.status < 200 || res.status > 299) {
    throw new ApprovalError(
      `approval webhook for ${userCode} (${action}) answered status ${res.status} ${res.text.slice(0, 160)}`,
    );
  }
}

/** Puts the action and the user code into a URL or body template, each escaped. */
export function substitute(
  template: string,
  action: "approve" | "deny",
  userCode: string,
  escapeValue: (value: string) => string,
): string {
  return template
    .replaceAll("{action}", escapeValue(action))
    .replaceAll("{user_code}", escapeValue(userCode));
}

/** How a substituted value is escaped in a body of this content type. */
function escaperFor(contentType: string): (value: string) => string {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/json" || type.endsWith("+json"))
    return (v) => JSON.stringify(v).slice(1, -1);
  if (type === "application/x-www-form-urlencoded") return encodeURIComponent;
  return (v) => v;
}
