/** The router: fixed paths from a map, templated ones by matcher, 405 with every allowed method. */
import { describe, expect, it } from "vitest";
import { createRouter } from "../../reference-server/router.ts";

const router = createRouter([
  { operationId: "getMe", method: "get", path: "/me" },
  { operationId: "token", method: "post", path: "/token" },
  { operationId: "listTokens", method: "get", path: "/personal-tokens" },
  { operationId: "createToken", method: "post", path: "/personal-tokens" },
  { operationId: "revokeToken", method: "delete", path: "/personal-tokens/{id}" },
  { operationId: "getDevice", method: "get", path: "/admin/devices/{client_id}" },
  { operationId: "deleteDevice", method: "delete", path: "/admin/devices/{client_id}" },
  { operationId: "metadata", method: "get", path: "/.well-known/oauth-authorization-server" },
]);

describe("router", () => {
  it("finds fixed and templated paths, HEAD as GET", () => {
    expect(router.match("GET", "/me")).toEqual({ kind: "found", operationId: "getMe", params: {} });
    expect(router.match("HEAD", "/me")).toMatchObject({ kind: "found", operationId: "getMe" });
    expect(router.match("POST", "/personal-tokens")).toMatchObject({ operationId: "createToken" });
    expect(router.match("DELETE", "/admin/devices/printer%201")).toEqual({
      kind: "found",
      operationId: "deleteDevice",
      params: { client_id: "printer 1" },
    });
    expect(router.match("GET", "/.well-known/oauth-authorization-server")).toMatchObject({
      operationId: "metadata",
    });
  });

  it("405 lists every method of the path; 404 otherwise", () => {
    expect(router.match("DELETE", "/personal-tokens")).toEqual({
      kind: "method_not_allowed",
      allow: ["GET", "POST"],
    });
    expect(router.match("POST", "/admin/devices/x")).toEqual({
      kind: "method_not_allowed",
      allow: ["GET", "DELETE"],
    });
    expect(router.match("GET", "/me/")).toEqual({ kind: "not_found" });
    expect(router.match("GET", "/.well-known/oauth-authorization-serverX")).toEqual({
      kind: "not_found",
    });
    expect(router.match("GET", "/admin/devices/a/b")).toEqual({ kind: "not_found" });
    expect(router.match("GET", "/admin/devices/%E0%A4%A")).toEqual({ kind: "not_found" });
  });
});
